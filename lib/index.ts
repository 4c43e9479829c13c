/**
 * temporal-native: a Temporal SDK for Node.js over the Rust core, with an embedded dev server
 * (`temporal-native/testing`). This entry point gathers the client, the worker, the data converter
 * and the failure classes.
 *
 * @example
 * ```ts
 * import { Connection, Client, Worker, ApplicationFailure } from 'temporal-native';
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const client = new Client({ connection });
 * const worker = await Worker.create({ connection, taskQueue: 'hello', workflowsPath: require.resolve('./workflows') });
 * ```
 */
export * from './client';

export {
  Runtime,
  IllegalStateError,
  type RuntimeOptions,
  type TelemetryOptions,
  type LogExporterConfig,
  type CoreLogFilterOptions,
  type MetricsExporterConfig,
  type PrometheusMetricsExporter,
  type OtelCollectorExporter,
  type MetricMeter,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricTags,
  type MetricUpDownCounter,
  type NumericMetricValueType,
} from './runtime';

export {
  resolveDataConverter,
  BinaryPayloadConverter,
  CompositePayloadConverter,
  DefaultPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
  UnknownEncodingError,
  defaultPayloadConverter,
  DefaultPayloadConverterWithProtobufs,
  ProtobufBinaryPayloadConverter,
  ProtobufJsonPayloadConverter,
  DefaultFailureConverter,
  ZlibPayloadCodec,
  type DataConverter,
  type FailureConverter,
  type LoadedDataConverter,
  type Payload,
  type PayloadCodec,
  type PayloadConverter,
  type PayloadConverterWithEncoding,
  type ProtoFailure,
  type ProtobufConverterOptions,
  type DefaultFailureConverterOptions,
  type ZlibPayloadCodecOptions,
} from './converter';

export {
  TemporalFailure,
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  ServerFailure,
  ActivityFailure,
  ChildWorkflowFailure,
  ensureApplicationFailure,
  ensureTemporalFailure,
  rootCause,
  type ApplicationFailureOptions,
} from './common/failures';
export { ValueError, PayloadConverterError } from './common/errors';
export { RetryState, TimeoutType, ApplicationFailureCategory } from './common/enums';

export {
  Worker,
  WorkerStateTransitionError,
  GracefulShutdownPeriodExpiredError,
  bundleWorkflowCode,
  DisallowedModuleError,
  WorkflowBundleError,
  DefaultLogger,
  type LogEntry,
  type BundleOptions,
  type WorkflowBundle,
  type BundlerOptions,
  type WorkerTuner,
  type TunerHolder,
  type SlotSupplier,
  type FixedSizeSlotSupplier,
  type ResourceBasedTuner,
  type ResourceBasedTunerOptions,
  type ResourceBasedSlotOptions,
  type PollerBehavior,
  type ActivityOutboundCallsInterceptor,
  type ActivityInterceptors,
  type ActivityInterceptorsFactory,
  type InjectedSinks,
  type InjectedSinkFunction,
  ConsoleLogger,
  LevelLogger,
  type WorkerState,
  type WorkerOptions,
  type WorkerConnection,
  type WorkflowBundleOption,
  type Logger,
  type LogLevel,
  type LogMetadata,
  type WorkerInterceptors,
  type ActivityInboundCallsInterceptor,
  type ActivityInboundCallsInterceptorFactory,
  type ActivityExecuteInput,
  type ActivityFunction,
  ActivityPoolFailureType,
  type ActivityPool,
  type ActivityPoolOptions,
  type ActivityPoolWorkerState,
  type ActivityPoolWorkerStatus,
} from './worker';
export { DeterminismViolationError, ReplayError, historyFromJSON, historyToJSON, type ReplayResult, type ReplayWorkerOptions } from './worker';

// Official names honoured as they are. The types are @temporalio/common's own (our client takes
// them); the enums are read by @temporalio/workflow, which runs unchanged in our workflow sandbox.
export type {
  Workflow,
  QueryDefinition,
  SignalDefinition,
  UpdateDefinition,
  WorkflowQueryType,
  WorkflowSignalType,
  WorkflowUpdateType,
  WorkflowUpdateValidatorType,
  WorkflowReturnType,
  WorkflowQueryAnnotatedType,
  WorkflowSignalAnnotatedType,
  WorkflowUpdateAnnotatedType,
  ActivityInterface,
  UntypedActivities,
} from '@temporalio/common';
export { ActivityCancellationType, HandlerUnfinishedPolicy, SuggestContinueAsNewReason } from '@temporalio/common';
export { CompleteAsyncError } from './activity/errors';
export { LOCAL_TARGET, NativeConnection, type NativeConnectionOptions, type OperatorService, type HealthService, type TestService } from './client/connection';
export { activityLogAttributes } from './worker/activity/activity-execution';
export { METADATA_ENCODING_KEY, METADATA_MESSAGE_TYPE_KEY, defaultFailureConverter, cutoffStackTrace } from './converter';
// The official constants (METADATA_ENCODING_JSON, ...): the encodings our payload converters write.
export { encodingTypes, encodingKeys } from '@temporalio/common';
export type { History, HistoryAndWorkflowId, ReplayHistoriesIterable } from './worker/replay';
export type { ScheduleSummaryAction, ScheduleSummaryStartWorkflowAction } from './client/schedule-types';
export type {
  StartWorkflowExecutionRequest,
  GetWorkflowExecutionHistoryRequest,
  DescribeWorkflowExecutionResponse,
  RawWorkflowExecutionInfo,
  TerminateWorkflowExecutionResponse,
  RequestCancelWorkflowExecutionResponse,
} from './client/proto-types';
/** The official name of {@link WorkerState}: what `worker.getState()` returns. */
export type { WorkerState as State } from './worker/worker-state';
export { UnhandledRejectionError } from './worker/workflow/workflow-instance';
