/**
 * The logger contract shared by the worker and activity code, shaped like `@temporalio/common`'s
 * `Logger` so that a logger written for the official SDK plugs in unchanged.
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type LogMetadata = Record<string | symbol, unknown>;

/**
 * Where the worker and activities send their log lines.
 *
 * @example
 * ```ts
 * const logger: Logger = new ConsoleLogger('DEBUG');
 * await Worker.create({ connection, taskQueue: 'q', activities, logger });
 * ```
 */
export interface Logger {
  log(level: LogLevel, message: string, meta?: LogMetadata): unknown;
  trace(message: string, meta?: LogMetadata): unknown;
  debug(message: string, meta?: LogMetadata): unknown;
  info(message: string, meta?: LogMetadata): unknown;
  warn(message: string, meta?: LogMetadata): unknown;
  error(message: string, meta?: LogMetadata): unknown;
}

const severity: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Base class that routes the five level methods to `log`, so subclasses implement one method. */
export abstract class LevelLogger implements Logger {
  abstract log(level: LogLevel, message: string, meta?: LogMetadata): void;
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * The default logger: writes lines at or above `level` to the console (`WARN`/`ERROR` to stderr).
 *
 * @example
 * ```ts
 * const logger = new ConsoleLogger('WARN');
 * logger.info('dropped'); // below WARN
 * logger.warn('kept', { taskQueue: 'q' });
 * ```
 */
export class ConsoleLogger extends LevelLogger {
  constructor(readonly level: LogLevel = 'INFO') {
    super();
    if (!(level in severity)) {
      throw new TypeError(`ConsoleLogger level must be one of ${Object.keys(severity).join(', ')}, got ${String(level)}`);
    }
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (severity[level] < severity[this.level]) return;
    const line = `${new Date().toISOString()} [${level}] ${message}`;
    const write = severity[level] >= severity.WARN ? console.error : console.log;
    if (meta === undefined || Object.keys(meta).length === 0) write(line);
    else write(line, meta);
  }
}

/** One log line as {@link DefaultLogger} hands it to a custom log function (the official `LogEntry`). */
export interface LogEntry {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
  /** Nanoseconds since the epoch. */
  timestampNanos: bigint;
}

/**
 * `@temporalio/worker`'s `DefaultLogger`: lines at or above `level` go to `logFunction`, by default
 * the console as {@link ConsoleLogger} writes them.
 *
 * @example
 * ```ts
 * const entries: LogEntry[] = [];
 * Runtime.install({ logger: new DefaultLogger('WARN', (entry) => entries.push(entry)) });
 * ```
 */
export class DefaultLogger extends LevelLogger {
  private readonly console: ConsoleLogger;

  constructor(
    readonly level: LogLevel = 'INFO',
    private readonly logFunction?: (entry: LogEntry) => void,
  ) {
    super();
    this.console = new ConsoleLogger(level);
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (this.logFunction === undefined) return this.console.log(level, message, meta);
    if (severity[level] < severity[this.level]) return;
    this.logFunction({ level, message, meta, timestampNanos: BigInt(Date.now()) * 1_000_000n });
  }
}

/**
 * A logger that adds fixed attributes to every line before handing it to `parent`; activities log
 * through one so that each line carries the activity's ids.
 *
 * @example
 * ```ts
 * const log = new LoggerWithAttributes(logger, { activityId: '1' });
 * log.info('started'); // meta: { activityId: '1' }
 * ```
 */
export class LoggerWithAttributes extends LevelLogger {
  private resolved: LogMetadata | undefined;

  /**
   * `attributes` may be a function: it is called once, on the first line, so that an activity that
   * never logs never builds its attribute object.
   */
  constructor(
    private readonly parent: Logger,
    private readonly attributes: LogMetadata | (() => LogMetadata),
  ) {
    super();
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (this.resolved === undefined) {
      this.resolved = typeof this.attributes === 'function' ? this.attributes() : this.attributes;
    }
    this.parent.log(level, message, meta === undefined ? this.resolved : { ...this.resolved, ...meta });
  }
}

/** True when `value` has every method of {@link Logger}. */
export function isLogger(value: unknown): value is Logger {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return ['log', 'trace', 'debug', 'info', 'warn', 'error'].every((method) => typeof candidate[method] === 'function');
}
