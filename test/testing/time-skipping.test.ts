/** The time-skipping environment on the default core backend (the C bridge, `native`). */
import { timeSkippingSuite } from './time-skipping-suite';

timeSkippingSuite(process.env.TEMPORAL_CORE_BACKEND || 'default');
