import { SourceMap, type SourceMapPayload } from 'node:module';

/**
 * Maps bundle positions back to the user's files for workflow stack traces. Node's built-in
 * `module.SourceMap` does the VLQ decoding; one instance serves every context of a bundle.
 */
export class BundleSourceMap {
  private readonly map: SourceMap;

  constructor(
    json: string,
    /** The `filename` the bundle script was compiled with; only frames in it are mapped. */
    readonly filename: string,
  ) {
    this.map = new SourceMap(JSON.parse(json) as SourceMapPayload);
  }

  /** `file:line:column` in the original source, or `undefined` for frames outside the bundle. */
  locate(file: string | null, line: number | null, column: number | null): { file: string; line: number; column: number } | undefined {
    if (file !== this.filename || line === null || column === null) return undefined;
    const entry = this.map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return { file: entry.originalSource, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }
}

/** The subset of V8's CallSite API the formatter uses. */
export interface CallSiteLike {
  getFileName(): string | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  getTypeName(): string | null;
  getMethodName(): string | null;
  isConstructor(): boolean;
  toString(): string;
}

function callSiteName(site: CallSiteLike): string | null {
  const type = site.getTypeName();
  const method = site.getMethodName();
  const fn = site.getFunctionName();
  if (type && method && type !== 'Object') return `${type}.${method}`;
  if (site.isConstructor() && fn) return `new ${fn}`;
  return fn ?? method;
}

/**
 * Formats a stack like V8 does, but with bundle frames replaced by their original locations, so
 * `error.stack` inside a workflow points at `workflows.ts:12:5` rather than the bundle.
 */
export function formatStack(error: unknown, sites: readonly CallSiteLike[], map: BundleSourceMap | undefined): string {
  let header: string;
  try {
    header = String(error);
  } catch {
    header = 'Error';
  }
  const lines = sites.map((site) => {
    const mapped = map?.locate(site.getFileName(), site.getLineNumber(), site.getColumnNumber());
    if (!mapped) return `    at ${site.toString()}`;
    const name = callSiteName(site);
    const where = `${mapped.file}:${mapped.line}:${mapped.column}`;
    return name ? `    at ${name} (${where})` : `    at ${where}`;
  });
  return [header, ...lines].join('\n');
}
