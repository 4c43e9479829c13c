/** Forcing garbage collection from a test without restarting node with --expose-gc. */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gcFunction = vm.runInNewContext('gc') as () => void;

/** A full collection, then a turn of the loop so that finalizers queued by it can run. */
export async function forceGc(): Promise<void> {
  gcFunction();
  await new Promise((resolve) => setImmediate(resolve));
  gcFunction();
}
