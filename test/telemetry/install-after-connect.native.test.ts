// Runtime.install after the first connection, on the native backend (see install-after-connect.ts).
import { describe } from 'vitest';
import { installAfterConnect } from './install-after-connect';

describe('Runtime.install too late (native)', () => installAfterConnect('native'));
