import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { WorkflowBundle } from './types';

/** One source file that went into a bundle, with the digest of the content it had then. */
export interface BundleInput {
  path: string;
  digest: string;
}

/** What the cache remembers about one build: its inputs (to validate) and its output. */
export interface BundleRecord {
  inputs: BundleInput[];
  bundle: WorkflowBundle;
}

export function digest(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content digest of a file, or `undefined` when it is gone (which invalidates the record). */
function fileDigest(path: string): string | undefined {
  try {
    return digest(readFileSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Default cache folder: `node_modules/.cache/temporal-native` of the nearest project (the common
 * convention of build tools, wiped with `node_modules`), else a folder under the OS temp dir.
 */
export function defaultCacheDir(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'temporal-native');
    if (dirname(dir) === dir) return join(tmpdir(), 'temporal-native-cache');
  }
}

/**
 * Bundles cached by content: a record is reused only when every input file still has the digest it
 * had at build time, so editing any imported file (or upgrading a dependency) forces a rebuild.
 * Records live in memory for the process and on disk across processes; a disk failure only costs a
 * rebuild, never a failed bundle.
 */
export class BundleCache {
  private readonly memory = new Map<string, BundleRecord>();

  constructor(private readonly dir: string | undefined) {}

  /** The valid record for `optionsKey`, from memory or disk, or `undefined`. */
  get(optionsKey: string): { record: BundleRecord; source: 'memory' | 'disk' } | undefined {
    const inMemory = this.memory.get(optionsKey);
    if (inMemory && isFresh(inMemory)) return { record: inMemory, source: 'memory' };
    this.memory.delete(optionsKey);
    const onDisk = this.readDisk(optionsKey);
    if (onDisk && isFresh(onDisk)) {
      this.memory.set(optionsKey, onDisk);
      return { record: onDisk, source: 'disk' };
    }
    return undefined;
  }

  set(optionsKey: string, record: BundleRecord): void {
    this.memory.set(optionsKey, record);
    if (this.dir === undefined) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = this.fileFor(optionsKey);
      // Write then rename, so a concurrent reader never sees half a record.
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, JSON.stringify(record));
      renameSync(tmp, file);
    } catch {
      // A read-only or full disk only means the next process bundles again.
    }
  }

  private fileFor(optionsKey: string): string {
    return join(this.dir!, `workflow-bundle-${digest(optionsKey).slice(0, 32)}.json`);
  }

  private readDisk(optionsKey: string): BundleRecord | undefined {
    if (this.dir === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.fileFor(optionsKey), 'utf8'));
      return isBundleRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}

function isFresh(record: BundleRecord): boolean {
  return record.inputs.every((input) => fileDigest(input.path) === input.digest);
}

function isBundleRecord(value: unknown): value is BundleRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { inputs, bundle } = value as Partial<BundleRecord>;
  return (
    Array.isArray(inputs) &&
    inputs.every((i) => typeof i?.path === 'string' && typeof i?.digest === 'string') &&
    typeof bundle === 'object' &&
    bundle !== null &&
    typeof bundle.code === 'string' &&
    typeof bundle.hash === 'string' &&
    (bundle.sourceMap === undefined || typeof bundle.sourceMap === 'string')
  );
}
