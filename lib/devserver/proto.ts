/**
 * One place that names the protobuf namespaces the dev server speaks, so every other module imports
 * short aliases instead of repeating `temporal.api.*.v1` paths.
 */
import { temporal, google } from '@temporalio/proto';
import type Long from 'long';

export { temporal, google };
export const wfsv = temporal.api.workflowservice.v1;
export const history = temporal.api.history.v1;
export const enums = temporal.api.enums.v1;
export const common = temporal.api.common.v1;
export const failure = temporal.api.failure.v1;
export const command = temporal.api.command.v1;
export const errordetails = temporal.api.errordetails.v1;
export const protocol = temporal.api.protocol.v1;
export const update = temporal.api.update.v1;
export const query = temporal.api.query.v1;

/**
 * protobufjs types int64 fields as `Long`, but its encoders accept plain numbers too. `Loose<T>`
 * admits both, so the engine can build messages with ordinary numbers.
 */
export type Loose<T> = T extends Long
  ? Long | number
  : T extends Uint8Array
    ? T
    : T extends Array<infer U>
      ? Array<Loose<U>>
      : T extends object
        ? { [K in keyof T]: Loose<T[K]> }
        : T;

export type HistoryEvent = Loose<temporal.api.history.v1.IHistoryEvent>;
export type Payloads = temporal.api.common.v1.IPayloads;
export type Payload = temporal.api.common.v1.IPayload;
export type Failure = temporal.api.failure.v1.IFailure;
export type Header = temporal.api.common.v1.IHeader;
export type Memo = temporal.api.common.v1.IMemo;
export type SearchAttributes = temporal.api.common.v1.ISearchAttributes;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type Command = temporal.api.command.v1.ICommand;
export type ProtocolMessage = temporal.api.protocol.v1.IMessage;

export const EventType = temporal.api.enums.v1.EventType;
export const WorkflowStatus = temporal.api.enums.v1.WorkflowExecutionStatus;
export const TimeoutType = temporal.api.enums.v1.TimeoutType;
export const RetryState = temporal.api.enums.v1.RetryState;
export const CommandType = temporal.api.enums.v1.CommandType;
export const WftFailedCause = temporal.api.enums.v1.WorkflowTaskFailedCause;
