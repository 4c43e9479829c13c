/** A "fixed" build of the workflow that is buggy in ../workflows: same type name, now completes. */
export async function throwsPlainError(): Promise<string> {
  return 'fixed';
}
