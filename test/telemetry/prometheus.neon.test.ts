// Prometheus scrape after a run, on the neon backend (see prometheus.ts).
import { describe } from 'vitest';
import { prometheusSuite } from './prometheus';

describe('Runtime.install with Prometheus (neon)', () => prometheusSuite('neon'));
