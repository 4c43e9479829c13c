/**
 * Client-option durations. Parsing is shared with the rest of the SDK (`lib/common/time`, the same
 * `ms` parser the official SDK uses); here a bad value becomes an `InvalidOptionError` naming the
 * option, like every other client option problem.
 */
import type { google } from '@temporalio/proto';
import { ValueError } from '../common/errors';
import { optionalMsToDuration, type Duration } from '../common/time';
import { InvalidOptionError } from './errors';

export type { Duration };

/**
 * Parses an optional user duration into `google.protobuf.Duration`.
 *
 * @example
 * ```ts
 * optionalDuration('1 minute', 'workflowRunTimeout'); // { seconds: 60, nanos: 0 }
 * optionalDuration(-5, 'startDelay'); // throws InvalidOptionError: startDelay ...
 * ```
 */
export function optionalDuration(value: Duration | undefined, field: string): google.protobuf.IDuration | undefined {
  try {
    return optionalMsToDuration(value, field);
  } catch (err) {
    if (err instanceof ValueError) {
      const problem = err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message;
      throw new InvalidOptionError(field, problem);
    }
    throw err;
  }
}
