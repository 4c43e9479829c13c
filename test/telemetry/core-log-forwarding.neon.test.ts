// Core log forwarding to the installed logger on the neon backend (see core-log-forwarding.ts).
import { describe } from 'vitest';
import { coreLogForwarding } from './core-log-forwarding';

describe('Runtime.install with log forwarding (neon)', () => coreLogForwarding('neon'));
