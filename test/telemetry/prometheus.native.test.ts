// Prometheus scrape after a run, on the native backend (see prometheus.ts).
import { describe } from 'vitest';
import { prometheusSuite } from './prometheus';

describe('Runtime.install with Prometheus (native)', () => prometheusSuite('native'));
