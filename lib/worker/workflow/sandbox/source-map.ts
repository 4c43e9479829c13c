import { SourceMap, type SourceMapPayload } from 'node:module';

/**
 * Maps bundle positions back to the user's files for workflow stack traces. Node's built-in
 * `module.SourceMap` does the VLQ decoding; one instance serves every context of a bundle.
 */
export class BundleSourceMap {
  // One entry per section of an index map (a plain map is one section at 0:0), sorted by line.
  // Decoded on first use: most workers never format a workflow stack trace at startup.
  private decoded: { line: number; column: number; map: SourceMap }[] | undefined;

  constructor(
    private readonly json: string,
    /** The `filename` the bundle script was compiled with; only frames in it are mapped. */
    readonly filename: string,
  ) {}

  private get sections(): { line: number; column: number; map: SourceMap }[] {
    if (!this.decoded) {
      const parsed = JSON.parse(this.json) as SourceMapPayload & { sections?: { offset: { line: number; column: number }; map: SourceMapPayload }[] };
      this.decoded = parsed.sections
        ? parsed.sections.map((s) => ({ line: s.offset.line, column: s.offset.column, map: new SourceMap(s.map) }))
        : [{ line: 0, column: 0, map: new SourceMap(parsed) }];
    }
    return this.decoded;
  }

  /** `file:line:column` in the original source, or `undefined` for frames outside the bundle. */
  locate(file: string | null, line: number | null, column: number | null): { file: string; line: number; column: number } | undefined {
    if (file !== this.filename || line === null || column === null) return undefined;
    const line0 = line - 1;
    const column0 = column - 1;
    let section = undefined as (typeof this.sections)[number] | undefined;
    for (const candidate of this.sections) if (candidate.line <= line0) section = candidate;
    if (!section) return undefined;
    const entry = section.map.findEntry(line0 - section.line, line0 === section.line ? column0 - section.column : column0) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
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
