/** The time-skipping environment on the official binary backend (`neon`): same server, same tests. */
import { timeSkippingSuite } from './time-skipping-suite';

// Read when the first connection creates the runtime, i.e. in the suite's beforeAll.
process.env.TEMPORAL_CORE_BACKEND = 'neon';

timeSkippingSuite('neon');
