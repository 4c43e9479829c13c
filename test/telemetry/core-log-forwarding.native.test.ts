// Core log forwarding to the installed logger on the native backend (see core-log-forwarding.ts).
import { describe } from 'vitest';
import { coreLogForwarding } from './core-log-forwarding';

describe('Runtime.install with log forwarding (native)', () => coreLogForwarding('native'));
