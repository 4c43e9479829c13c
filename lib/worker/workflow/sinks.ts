import type { WorkflowInfo } from '@temporalio/workflow';
import type { Logger, LogMetadata } from '../logger';
import type { SinkCall } from './workflow-instance';

/** A host function a workflow calls through `proxySinks()`. */
export interface InjectedSinkFunction {
  fn(info: WorkflowInfo, ...args: unknown[]): void | Promise<void>;
  /** Also call it while the workflow replays history (default false: replays stay silent). */
  callDuringReplay?: boolean;
}

/** User sinks, by interface name then function name, as in `@temporalio/worker`'s `InjectedSinks`. */
export type InjectedSinks = Record<string, Record<string, InjectedSinkFunction>>;

const logLevels = new Set(['trace', 'debug', 'info', 'warn', 'error']);

function isRecord(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Runs the sink calls one activation collected. `log.*` from `@temporalio/workflow` arrives as the
 * `__temporal_logger` sink and goes to the worker's logger; it is skipped during replay so a
 * replayed workflow does not log twice. A throwing sink is logged, never propagated: sinks are
 * fire-and-forget by contract.
 */
export async function runSinkCalls(calls: readonly SinkCall[], sinks: InjectedSinks, logger: Logger | undefined): Promise<void> {
  for (const call of calls) {
    const replaying = call.workflowInfo.unsafe.isReplaying;
    const iface = call.ifaceName === 'defaultWorkerLogger' ? '__temporal_logger' : call.ifaceName;
    if (iface === '__temporal_logger') {
      if (replaying || !logger || !logLevels.has(call.fnName)) continue;
      const [message, attrs] = call.args;
      const meta: LogMetadata = isRecord(attrs) ? { ...attrs } : {};
      (logger[call.fnName as 'info'] as (m: string, meta?: LogMetadata) => unknown).call(logger, String(message), meta);
      continue;
    }
    // Workflow metrics go to the worker's meter (see metrics-sink.ts); a host without one (the
    // replayer) drops them.
    if (iface === '__temporal_metrics' && sinks.__temporal_metrics === undefined) continue;
    const sink = sinks[iface]?.[call.fnName];
    if (!sink) {
      logger?.error('Workflow called a sink that is not registered', { ifaceName: iface, fnName: call.fnName, workflowId: call.workflowInfo.workflowId });
      continue;
    }
    if (replaying && !sink.callDuringReplay) continue;
    try {
      await sink.fn(call.workflowInfo, ...call.args);
    } catch (error) {
      logger?.error('Workflow sink function failed', { ifaceName: iface, fnName: call.fnName, workflowId: call.workflowInfo.workflowId, error });
    }
  }
}
