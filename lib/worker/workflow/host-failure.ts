import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

const converter = new DefaultFailureConverter();

/**
 * Converts an error raised on the host side of a workflow task (bad activation, missing workflow
 * type, sandbox creation failure) into a `Failure`, the same way the sandbox would.
 */
export function hostErrorToFailure(error: unknown): temporal.api.failure.v1.IFailure {
  return converter.errorToFailure(error, defaultPayloadConverter);
}
