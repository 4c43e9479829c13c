// Runtime.install after the first connection, on the neon backend (see install-after-connect.ts).
import { describe } from 'vitest';
import { installAfterConnect } from './install-after-connect';

describe('Runtime.install too late (neon)', () => installAfterConnect('neon'));
