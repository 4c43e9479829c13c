import { DevServerStoreError, type StoreOp } from './types';

/**
 * Checks the shape of every op before anything is written, so a malformed batch fails with a
 * message naming the op rather than half-way through a transaction.
 */
export function validateOps(ops: unknown): asserts ops is StoreOp[] {
  if (!Array.isArray(ops)) throw new DevServerStoreError('commit(ops): ops must be an array');
  ops.forEach((op: unknown, i) => {
    const where = `ops[${i}]`;
    if (typeof op !== 'object' || op === null) throw new DevServerStoreError(`${where} must be an object`);
    const o = op as Record<string, unknown>;
    switch (o.kind) {
      case 'put':
        if (typeof o.key !== 'string') throw new DevServerStoreError(`${where}.key must be a string`);
        if (typeof o.json !== 'string') throw new DevServerStoreError(`${where}.json must be a string`);
        return;
      case 'delete':
        if (typeof o.key !== 'string') throw new DevServerStoreError(`${where}.key must be a string`);
        return;
      case 'append':
        if (typeof o.log !== 'string') throw new DevServerStoreError(`${where}.log must be a string`);
        if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq)) {
          throw new DevServerStoreError(`${where}.seq must be a safe integer, got ${String(o.seq)}`);
        }
        if (!(o.bytes instanceof Uint8Array)) throw new DevServerStoreError(`${where}.bytes must be a Uint8Array`);
        return;
      case 'deleteLog':
        if (typeof o.log !== 'string') throw new DevServerStoreError(`${where}.log must be a string`);
        return;
      default:
        throw new DevServerStoreError(`${where}.kind must be 'put', 'delete', 'append' or 'deleteLog', got ${JSON.stringify(o.kind)}`);
    }
  });
}

export function duplicateEntryError(log: string, seq: number, cause?: unknown): DevServerStoreError {
  return new DevServerStoreError(
    `log entry already exists: log ${JSON.stringify(log)} seq ${seq}`,
    cause === undefined ? undefined : { cause },
  );
}
