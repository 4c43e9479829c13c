/**
 * Decoded views of `temporal.api.workflow.v1.WorkflowExecutionInfo`, as returned by `describe()` and
 * `list()`.
 */
import type { temporal } from '@temporalio/proto';
import { int64ToNumber, optionalTimestampToDate } from '../common/time';
import type { LoadedDataConverter } from '../converter/types';
import { workflowExecutionStatus, type WorkflowExecutionStatusName } from './enums';
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  type TypedSearchAttributes,
  type SearchAttributes,
} from './search-attributes';

/**
 * One workflow execution as listed or described.
 *
 * @example
 * ```ts
 * for await (const info of client.workflow.list({ query: "ExecutionStatus='Running'" })) {
 *   console.log(info.workflowId, info.type, info.status.name, info.startTime);
 * }
 * ```
 */
export interface WorkflowExecutionInfo {
  type: string;
  workflowId: string;
  runId: string;
  taskQueue: string;
  status: { code: number; name: WorkflowExecutionStatusName | 'UNSPECIFIED' };
  historyLength: number;
  /** Bytes; `undefined` when the server does not report it. */
  historySize?: number;
  startTime: Date;
  executionTime?: Date;
  closeTime?: Date;
  memo?: Record<string, unknown>;
  searchAttributes: SearchAttributes;
  typedSearchAttributes: TypedSearchAttributes;
  parentExecution?: { workflowId: string; runId: string };
  rootExecution?: { workflowId: string; runId: string };
  raw: temporal.api.workflow.v1.IWorkflowExecutionInfo;
}

/**
 * `describe()` output: the execution info plus the whole raw response (pending activities,
 * execution config, ...).
 *
 * @example
 * ```ts
 * const d = await handle.describe();
 * console.log(d.status.name, d.raw.pendingActivities?.length);
 * ```
 */
export type WorkflowExecutionDescription = Omit<WorkflowExecutionInfo, 'raw'> & {
  raw: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
};

function execution(e: temporal.api.common.v1.IWorkflowExecution | null | undefined) {
  return e ? { workflowId: e.workflowId ?? '', runId: e.runId ?? '' } : undefined;
}

/** Decodes one execution info; memo values go through the client's data converter. */
export async function decodeExecutionInfo(
  raw: temporal.api.workflow.v1.IWorkflowExecutionInfo,
  dataConverter: LoadedDataConverter,
): Promise<WorkflowExecutionInfo> {
  const historySize = int64ToNumber(raw.historySizeBytes ?? 0);
  return {
    type: raw.type?.name ?? '',
    workflowId: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    taskQueue: raw.taskQueue ?? '',
    status: { code: raw.status ?? 0, name: workflowExecutionStatus.decode(raw.status) },
    historyLength: int64ToNumber(raw.historyLength ?? 0),
    historySize: historySize || undefined,
    startTime: optionalTimestampToDate(raw.startTime) ?? new Date(0),
    executionTime: optionalTimestampToDate(raw.executionTime),
    closeTime: optionalTimestampToDate(raw.closeTime),
    memo: await dataConverter.decodeMap(raw.memo?.fields),
    searchAttributes: decodeSearchAttributes(raw.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
    parentExecution: execution(raw.parentExecution),
    rootExecution: execution(raw.rootExecution),
    raw,
  };
}
