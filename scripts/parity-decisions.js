'use strict';
/**
 * Decisions for the parity table (scripts/parity-table.js): every name of the official packages that
 * temporal-native does not export under the same name and kind, keyed `<package>:<name>`, with
 * `status: 'differently'` (and how) or `status: 'refused'` (and why, and what to use instead). A name
 * we export needs no entry; one may still be given to add a note (`status: 'supported'`).
 *
 * A decision is checked against the code by test/parity/parity-table.test.ts: a name decided
 * "refused" must not be exported by us, and a decision for a name no official package exports fails.
 *
 * @type {Record<string, { status: 'supported' | 'differently' | 'refused', why: string }>}
 */

/** Reasons shared by whole families of names. */
const NEXUS = 'Nexus is not supported by this SDK (Worker.create refuses nexusServices with UnsupportedOptionError); run Nexus operations from a worker and client of an official SDK.';
const STANDALONE_ACTIVITY =
  'standalone activity executions (ActivityClient, experimental upstream) are not supported: run the activity from a workflow (proxyActivities), and use client.activity (AsyncCompletionClient) to complete, heartbeat or fail it from outside.';
const BUILD_ID_VERSIONING =
  'worker build-id versioning (TaskQueueClient, deprecated upstream in favour of worker deployments) is not supported, and Worker.create refuses useVersioning with UnsupportedOptionError: give each deployment its own task queue.';
const PLUGINS = 'SDK plugins are not supported; Connection.connect, new Client, Worker.create and TestWorkflowEnvironment refuse `plugins` with UnsupportedOptionError: apply what the plugin configures (interceptors, data converter, sinks) as options directly.';
const ENUM_CODEC = (enumName) =>
  `internal proto codec of the official client; temporal-native takes and returns ${enumName} values as the short strings (${enumName === 'ScheduleOverlapPolicy' ? "'SKIP', 'BUFFER_ONE', ..." : "'ALLOW_DUPLICATE', ..."}) and converts them to the proto enum itself.`;
const GRPC_CLIENT =
  'the connection is the Rust core\'s gRPC client, not grpc-js: RPC errors are typed ServiceError subclasses (`err instanceof ServiceError`, `err.code` is a GrpcStatus), and retries follow the core\'s retry policy.';
const LOADED_OPTIONS = 'internal type of the official client (options after defaults were applied); pass the options type (ClientOptions, WorkflowClientOptions, ...) instead.';
const TYPE_INFO = 'payload type information (`typeInfo`, experimental upstream) is not supported: values go through the data converter as they are. A definition carrying typeInfo is refused with UnsupportedOptionError.';
const TUNER = 'the slot tuner types belong to the worker `tuner` option (issue 15); until it is exported here, set maxConcurrentWorkflowTaskExecutions, maxConcurrentActivityTaskExecutions and maxConcurrentLocalActivityExecutions.';
const CUSTOM_SLOTS = 'custom slot suppliers (JavaScript callbacks the core calls to reserve slots) are not supported: use the fixed-size or resource-based tuner.';
const LOG_INTERCEPTOR = 'logging is built into the worker (workflow `log` and activity `log` carry the workflow/activity ids and go to the worker\'s `logger`), so there is no interceptor to install; the class was deprecated upstream too.';
const METRICS_BUFFER = 'metrics go to the exporter configured with Runtime.install({ telemetryOptions: { metrics: { prometheus | otel } } }); buffered metrics read from JavaScript are not supported.';

/** @type {Record<string, { status: 'supported' | 'differently' | 'refused', why: string }>} */
const decisions = {
  // ---- @temporalio/activity ----
  '@temporalio/activity:ActivityDefinitionOptions': { status: 'refused', why: TYPE_INFO },
  '@temporalio/activity:ActivityTypeInfoMap': { status: 'refused', why: TYPE_INFO },
  '@temporalio/activity:setActivityOptions': { status: 'refused', why: `attaches payload type information to an activity function; ${TYPE_INFO}` },

  // ---- @temporalio/client: standalone activities ----
  ...Object.fromEntries(
    [
      'ActivityArgs', 'ActivityCancelInput', 'ActivityClient', 'ActivityClientInterceptor', 'ActivityClientOptions', 'ActivityCountInput',
      'ActivityDescribeInput', 'ActivityDescribeOptions', 'ActivityExecutionAlreadyStartedError', 'ActivityExecutionDescription',
      'ActivityExecutionFailedError', 'ActivityExecutionInfo', 'ActivityExecutionStatus', 'ActivityGetResultInput', 'ActivityHandle',
      'ActivityIdConflictPolicy', 'ActivityIdReusePolicy', 'ActivityListInput', 'ActivityName', 'ActivityOptions', 'ActivityOptionsFor',
      'ActivityOptionsUpdate', 'ActivityOptionsUpdateResult', 'ActivityOptionsWithArgs', 'ActivityPauseInput', 'ActivityPauseOptions',
      'ActivityRestoreOriginalOptionsInput', 'ActivityResult', 'ActivityStartInput', 'ActivityTerminateInput', 'ActivityUnpauseInput',
      'ActivityUnpauseOptions', 'ActivityUpdateOptionsInput', 'CountActivityExecutions', 'GetActivityHandleOptions',
      'RawActivityExecutionCallbacks', 'RawActivityExecutionInfo', 'RawActivityExecutionListInfo', 'TypedActivityClient',
      'decodeActivityExecutionStatus', 'encodeActivityExecutionStatus', 'decodeActivityIdConflictPolicy', 'encodeActivityIdConflictPolicy',
      'decodeActivityIdReusePolicy', 'encodeActivityIdReusePolicy',
    ].map((name) => [`@temporalio/client:${name}`, { status: 'refused', why: STANDALONE_ACTIVITY }]),
  ),

  // ---- @temporalio/client: Nexus ----
  ...Object.fromEntries(
    [
      'CancelNexusOperationInput', 'CountNexusOperationsInput', 'DescribeNexusOperationInput', 'DescribeNexusOperationOptions',
      'GetNexusOperationHandleOptions', 'GetNexusOperationResultInput', 'ListNexusOperationsInput', 'ListNexusOperationsOptions',
      'LoadedNexusClientOptions', 'NexusClient', 'NexusClientInterceptor', 'NexusClientOptions', 'NexusOperationAlreadyStartedError',
      'NexusOperationCancellationState', 'NexusOperationExecution', 'NexusOperationExecutionCancellationInfo', 'NexusOperationExecutionCount',
      'NexusOperationExecutionCountGroup', 'NexusOperationExecutionDescription', 'NexusOperationExecutionStatus', 'NexusOperationFailureError',
      'NexusOperationHandle', 'NexusOperationIdConflictPolicy', 'NexusOperationIdReusePolicy', 'NexusOperationNotFoundError', 'NexusServiceClient',
      'PendingNexusOperationState', 'RawNexusOperationExecutionCancellationInfo', 'RawNexusOperationExecutionInfo',
      'RawNexusOperationExecutionListInfo', 'StartNexusOperationInput', 'StartNexusOperationOptions', 'TerminateNexusOperationInput',
      'decodeNexusOperationCancellationState', 'encodeNexusOperationCancellationState', 'decodeNexusOperationExecutionStatus',
      'encodeNexusOperationExecutionStatus', 'decodeNexusOperationIdConflictPolicy', 'encodeNexusOperationIdConflictPolicy',
      'decodeNexusOperationIdReusePolicy', 'encodeNexusOperationIdReusePolicy', 'decodePendingNexusOperationState',
      'encodePendingNexusOperationState',
    ].map((name) => [`@temporalio/client:${name}`, { status: 'refused', why: NEXUS }]),
  ),
  ...Object.fromEntries(
    [
      'NexusCancelOperationInput', 'NexusInboundCallsInterceptor', 'NexusInterceptors', 'NexusInterceptorsFactory',
      'NexusOutboundCallsInterceptor', 'NexusStartOperationInput', 'NexusStartOperationOutput',
    ].map((name) => [`@temporalio/worker:${name}`, { status: 'refused', why: NEXUS }]),
  ),

  // ---- @temporalio/client: build-id versioning ----
  ...Object.fromEntries(
    [
      'AddNewCompatibleVersion', 'AddNewIdInNewDefaultSet', 'BaseReachabilityOptions', 'BuildIdNotFoundError', 'BuildIdOperation',
      'BuildIdReachability', 'BuildIdVersionSet', 'LoadedTaskQueueClientOptions', 'MergeSets', 'PromoteBuildIdWithinSet',
      'PromoteSetByBuildId', 'ReachabilityOptions', 'ReachabilityResponse', 'ReachabilityType', 'ReachabilityTypeResponse',
      'TaskQueueClient', 'TaskQueueClientOptions', 'UnversionedBuildId', 'UnversionedBuildIdType', 'WorkerBuildIdVersionSets',
      'reachabilityResponseFromProto', 'decodeTaskReachability', 'encodeTaskReachability',
    ].map((name) => [`@temporalio/client:${name}`, { status: 'refused', why: BUILD_ID_VERSIONING }]),
  ),
  '@temporalio/worker:WorkerDeploymentOptions': {
    status: 'refused',
    why: 'worker deployments are not supported yet; Worker.create refuses workerDeploymentOptions with UnsupportedOptionError: give each deployment its own task queue, and tag the worker with buildId.',
  },

  // ---- plugins ----
  '@temporalio/client:ClientPlugin': { status: 'refused', why: PLUGINS },
  '@temporalio/client:ConnectionPlugin': { status: 'refused', why: PLUGINS },
  '@temporalio/worker:WorkerPlugin': { status: 'refused', why: PLUGINS },
  '@temporalio/worker:NativeConnectionPlugin': { status: 'refused', why: PLUGINS },
  '@temporalio/worker:BundlerPlugin': { status: 'refused', why: `${PLUGINS} For the bundler, use bundlerOptions.esbuildConfigHook.` },

  // ---- @temporalio/client: internal codecs and helpers ----
  '@temporalio/client:decodeQueryRejectCondition': { status: 'refused', why: ENUM_CODEC('QueryRejectCondition') },
  '@temporalio/client:encodeQueryRejectCondition': { status: 'refused', why: ENUM_CODEC('QueryRejectCondition') },
  '@temporalio/client:decodeScheduleOverlapPolicy': { status: 'refused', why: ENUM_CODEC('ScheduleOverlapPolicy') },
  '@temporalio/client:encodeScheduleOverlapPolicy': { status: 'refused', why: ENUM_CODEC('ScheduleOverlapPolicy') },
  '@temporalio/client:decodeWorkflowIdConflictPolicy': { status: 'refused', why: ENUM_CODEC('WorkflowIdConflictPolicy') },
  '@temporalio/client:encodeWorkflowIdConflictPolicy': { status: 'refused', why: ENUM_CODEC('WorkflowIdConflictPolicy') },
  '@temporalio/client:decodeWorkflowIdReusePolicy': { status: 'refused', why: ENUM_CODEC('WorkflowIdReusePolicy') },
  '@temporalio/client:encodeWorkflowIdReusePolicy': { status: 'refused', why: ENUM_CODEC('WorkflowIdReusePolicy') },
  '@temporalio/client:PendingActivityState': {
    status: 'differently',
    why: "describe() gives `raw` (the DescribeWorkflowExecutionResponse): `raw.pendingActivities[i].state` is the proto enum temporal.api.enums.v1.PendingActivityState from @temporalio/proto.",
  },
  '@temporalio/client:decodePendingActivityState': { status: 'refused', why: 'internal proto codec of the official client; compare raw.pendingActivities[i].state with temporal.api.enums.v1.PendingActivityState from @temporalio/proto.' },
  '@temporalio/client:encodePendingActivityState': { status: 'refused', why: 'internal proto codec of the official client; compare raw.pendingActivities[i].state with temporal.api.enums.v1.PendingActivityState from @temporalio/proto.' },
  '@temporalio/client:compileWorkflowOptions': { status: 'refused', why: 'internal helper of the official client (start options to their wire form); WorkflowClient.start compiles and validates the options itself, so there is nothing to call.' },
  '@temporalio/client:CompiledWorkflowOptions': { status: 'refused', why: 'the output type of the official internal compileWorkflowOptions; pass WorkflowOptions to WorkflowClient.start.' },
  '@temporalio/client:WithCompiledWorkflowOptions': { status: 'refused', why: 'a type helper of the official internal compileWorkflowOptions; pass WorkflowOptions to WorkflowClient.start.' },
  '@temporalio/client:CompiledScheduleUpdateOptions': { status: 'refused', why: 'internal type of the official schedule client (update options in wire form); handle.update(fn) takes ScheduleUpdateOptions.' },
  '@temporalio/client:extractWorkflowType': { status: 'refused', why: 'internal helper of the official client (workflow function to type name); start(fn, ...) and start(\'name\', ...) both resolve the name, so there is nothing to call. Use fn.name.' },
  '@temporalio/client:extractWorkflowTypeAndConfig': { status: 'refused', why: 'internal helper of the official client (workflow function to type name and static options); pass the function or its name to start().' },
  '@temporalio/client:InternalConnectionLike': { status: 'refused', why: 'internal type of the official client; temporal-native clients take a Connection.' },
  '@temporalio/client:InternalConnectionLikeSymbol': { status: 'refused', why: 'internal symbol of the official client; temporal-native clients take a Connection.' },
  '@temporalio/client:ConnectionLike': {
    status: 'differently',
    why: 'clients take a Connection (from Connection.connect, or NativeConnection.connect: the same class); a hand-written connection-like object is refused with InvalidOptionError because every call goes through the core.',
  },
  '@temporalio/client:ConnectionOptionsWithDefaults': { status: 'refused', why: 'internal type of the official client (options after defaults); pass ConnectionOptions to Connection.connect.' },
  '@temporalio/client:LoadedClientOptions': { status: 'refused', why: LOADED_OPTIONS },
  '@temporalio/client:LoadedWorkflowClientOptions': { status: 'refused', why: LOADED_OPTIONS },
  '@temporalio/client:LoadedScheduleClientOptions': { status: 'refused', why: LOADED_OPTIONS },
  '@temporalio/client:LoadedAsyncCompletionClientOptions': { status: 'refused', why: LOADED_OPTIONS },
  '@temporalio/client:ExternalStorageNotConfiguredError': {
    status: 'refused',
    why: 'external payload storage (ExternalStorage, new in 1.24) is not supported: payloads travel inline, so a payload that refers to external storage cannot be resolved; keep large values out of payloads.',
  },

  // ---- @temporalio/client: gRPC (grpc-js) helpers ----
  '@temporalio/client:isGrpcServiceError': { status: 'differently', why: `use \`err instanceof ServiceError\`; ${GRPC_CLIENT}` },
  '@temporalio/client:isGrpcCancelledError': { status: 'differently', why: `use \`err instanceof ServiceError && err.code === GrpcStatus.CANCELLED\`; ${GRPC_CLIENT}` },
  '@temporalio/client:isGrpcDeadlineError': { status: 'differently', why: `use \`err instanceof ServiceError && err.code === GrpcStatus.DEADLINE_EXCEEDED\`; ${GRPC_CLIENT}` },
  '@temporalio/client:isServerErrorResponse': { status: 'differently', why: `use \`err instanceof ServiceError\` (the server answered with a status); ${GRPC_CLIENT}` },
  '@temporalio/client:isRetryableError': { status: 'refused', why: `a predicate of the official grpc-js retry interceptor; ${GRPC_CLIENT}` },
  '@temporalio/client:makeGrpcRetryInterceptor': { status: 'refused', why: `grpc-js interceptors cannot be installed on the core's client; ${GRPC_CLIENT}` },
  '@temporalio/client:defaultGrpcRetryOptions': { status: 'refused', why: `the options of the official grpc-js retry interceptor; ${GRPC_CLIENT}` },
  '@temporalio/client:GrpcRetryOptions': { status: 'refused', why: `the options of the official grpc-js retry interceptor; ${GRPC_CLIENT}` },
  '@temporalio/client:BackoffOptions': { status: 'refused', why: `the backoff options of the official grpc-js retry interceptor; ${GRPC_CLIENT}` },
  '@temporalio/client:Metadata': {
    status: 'differently',
    why: 'gRPC metadata is a plain Record<string, string>: `connection.withMetadata({ key: value }, fn)` or `metadata` in ConnectionOptions.',
  },
  '@temporalio/client:CallContext': {
    status: 'differently',
    why: 'per-call settings are scoped with connection.withDeadline(deadline, fn), withAbortSignal(signal, fn) and withMetadata(md, fn); there is no CallContext object to pass.',
  },

  // ---- @temporalio/client: protobuf type aliases ----
  '@temporalio/client:TestService': {
    status: 'differently',
    why: 'exported as the type of connection.testService (one typed method per RPC: getCurrentTime({}), unlockTimeSkippingWithSleep(...), ...), served by the embedded dev server of TestWorkflowEnvironment.createTimeSkipping; the protobufjs service class itself is temporal.api.testservice.v1.TestService of @temporalio/proto.',
  },

  // ---- @temporalio/client: option and handle types ----
  '@temporalio/client:AsyncCompletionCompleteOptions': { status: 'refused', why: `the options argument of the official complete() only carries typeInfo; ${TYPE_INFO}` },
  '@temporalio/client:AsyncCompletionOperationOptions': {
    status: 'refused',
    why: 'serialization contexts (experimental upstream) are not supported: payload converters and codecs are called without a context.',
  },
  '@temporalio/client:BaseWorkflowHandle': { status: 'differently', why: 'use WorkflowHandle<T>, which has every method of the official base handle.' },
  '@temporalio/client:BaseWorkflowOptions': { status: 'differently', why: 'its fields (workflowId, taskQueue, retry, memo, search attributes, id policies, ...) are in WorkflowOptions / WorkflowStartOptions.' },
  '@temporalio/client:CommonWorkflowOptions': { status: 'differently', why: 'its fields are in WorkflowOptions / WorkflowStartOptions.' },
  '@temporalio/client:WorkflowDurationOptions': { status: 'differently', why: 'workflowExecutionTimeout, workflowRunTimeout and workflowTaskTimeout are in WorkflowOptions / WorkflowStartOptions.' },
  '@temporalio/client:WithWorkflowArgs': { status: 'differently', why: 'WorkflowStartOptions<T> already types `args` from the workflow function T.' },
  '@temporalio/client:WorkflowTypeOptions': { status: 'refused', why: `the type name plus typeInfo of the official internal start path; pass the workflow function or its name to start(). ${TYPE_INFO}` },
  '@temporalio/client:WorkflowSignalOptions': { status: 'refused', why: `the official signal options only add typeInfo to the arguments; call handle.signal(def, ...args). ${TYPE_INFO}` },
  '@temporalio/client:GetWorkflowHandleOptions': {
    status: 'differently',
    why: 'client.workflow.getHandle(workflowId, runId, { firstExecutionRunId, followRuns }) takes the same options, typed inline.',
  },
  '@temporalio/client:GetWorkflowUpdateHandleOptions': { status: 'differently', why: 'handle.getUpdateHandle(updateId, { workflowRunId }) takes the same option, typed inline.' },
  '@temporalio/client:WorkflowSignalWithStartOptionsWithArgs': { status: 'differently', why: 'use WorkflowSignalWithStartOptions<T, SignalArgs> (signal, signalArgs and the start options).' },
  '@temporalio/client:WorkflowSignalWithStartOptionsWithoutArgs': { status: 'differently', why: 'use WorkflowSignalWithStartOptions<T, []> (signalArgs may be left out).' },

  '@temporalio/client:OperatorService': {
    status: 'differently',
    why: 'exported as the type of connection.operatorService (one typed method per RPC); the protobufjs service class itself is temporal.api.operatorservice.v1.OperatorService of @temporalio/proto.',
  },
  '@temporalio/client:HealthService': {
    status: 'differently',
    why: 'exported as the type of connection.healthService (one typed method per RPC); the protobufjs service class itself is grpc.health.v1.Health of @temporalio/proto.',
  },
  '@temporalio/client:WorkflowHandleWithStartDetails': {
    status: 'differently',
    why: 'start() resolves to a WorkflowHandleWithFirstExecutionRunId (firstExecutionRunId is the started run); whether the start was eager is not on the handle: a WorkflowClientInterceptor.startWithDetails sees it (WorkflowStartOutput.eagerlyStarted).',
  },

  // ---- @temporalio/client: payload type info ----
  '@temporalio/client:QueryDefinitionOptions': { status: 'refused', why: TYPE_INFO },
  '@temporalio/client:SignalDefinitionOptions': { status: 'refused', why: TYPE_INFO },
  '@temporalio/client:UpdateDefinitionOptions': { status: 'refused', why: TYPE_INFO },
  '@temporalio/client:SignalTypeInfo': { status: 'refused', why: TYPE_INFO },

  // ---- @temporalio/testing ----
  '@temporalio/testing:EphemeralServerExecutable': {
    status: 'refused',
    why: 'the test server is embedded (no executable is downloaded or run): DevServer.start() from temporal-native/testing; to test against a real server, start the Temporal CLI yourself and connect to it.',
  },


  // ---- @temporalio/worker ----
  '@temporalio/worker:CustomSlotSupplier': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:SlotMarkUsedContext': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:SlotReleaseContext': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:SlotReserveContext': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:SlotPermit': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:SlotInfo': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:WorkflowSlotInfo': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:ActivitySlotInfo': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:LocalActivitySlotInfo': { status: 'refused', why: CUSTOM_SLOTS },
  '@temporalio/worker:ResourceBasedController': {
    status: 'refused',
    why: 'a resource-based controller shared between workers is not supported: give each worker its own resource-based tuner.',
  },
  '@temporalio/worker:ResourceBasedTunerWithController': {
    status: 'refused',
    why: 'a resource-based controller shared between workers is not supported: give each worker its own resource-based tuner.',
  },
  '@temporalio/worker:ResourceBasedSlotsForType': { status: 'refused', why: TUNER },
  '@temporalio/worker:MetricsBuffer': { status: 'refused', why: METRICS_BUFFER },
  '@temporalio/worker:MetricsBufferOptions': { status: 'refused', why: METRICS_BUFFER },
  '@temporalio/worker:BufferedMetricUpdate': { status: 'refused', why: METRICS_BUFFER },
  '@temporalio/worker:MetricsExporter': {
    status: 'differently',
    why: 'the metrics exporter is configured with Runtime.install({ telemetryOptions: { metrics } }) as MetricsExporterConfig (prometheus or otel); the `buffer` variant is not supported.',
  },
  '@temporalio/worker:ForwardLogger': {
    status: 'differently',
    why: "the core's logs are forwarded with Runtime.install({ telemetryOptions: { logging: { forward: {} } }, logger }) (LogExporterConfig); there is no separate type.",
  },
  '@temporalio/worker:makeTelemetryFilterString': {
    status: 'differently',
    why: "set the core's log level with telemetryOptions.logging.filter as CoreLogFilterOptions ({ core: 'INFO', other: 'WARN' }), which the runtime turns into the filter string.",
  },
  '@temporalio/worker:ActivityInboundLogInterceptor': { status: 'refused', why: LOG_INTERCEPTOR },
  '@temporalio/worker:WorkflowInboundLogInterceptor': { status: 'refused', why: LOG_INTERCEPTOR },
  '@temporalio/worker:WorkflowLogInterceptor': { status: 'refused', why: LOG_INTERCEPTOR },
  '@temporalio/worker:GetLogAttributesInput': { status: 'differently', why: 'an activity outbound interceptor\'s getLogAttributes(input, next) takes and returns a plain Record<string, unknown>; the type is not exported by this name.' },
  '@temporalio/worker:GetMetricTagsInput': { status: 'differently', why: 'an activity outbound interceptor\'s getMetricTags(input, next) takes and returns MetricTags (exported); the type is not exported by this name.' },
  '@temporalio/worker:workflowLogAttributes': { status: 'refused', why: 'internal helper of the official worker (workflow info to log attributes); workflow `log` attaches them itself.' },
  '@temporalio/worker:appendDefaultInterceptors': {
    status: 'refused',
    why: 'the official default interceptors only add logging, which is built into the temporal-native worker; pass your own interceptors as they are.',
  },
  '@temporalio/worker:defaultWorkflowInterceptorModules': {
    status: 'refused',
    why: 'the official default workflow interceptor modules only add logging, which is built into the temporal-native worker; list your own modules in interceptors.workflowModules.',
  },
  '@temporalio/worker:CompiledWorkerInterceptors': { status: 'refused', why: 'internal type of the official worker (interceptors after defaults); pass WorkerInterceptors.' },
  '@temporalio/worker:CompiledWorkerOptions': { status: 'refused', why: 'internal type of the official worker (options after defaults); pass WorkerOptions to Worker.create.' },
  '@temporalio/worker:WorkflowBundlePath': { status: 'differently', why: 'pass workflowBundle: { codePath } to Worker.create; the type is WorkflowBundleOption.' },
  '@temporalio/worker:WorkflowBundlePathWithSourceMap': { status: 'differently', why: 'pass workflowBundle: { codePath, sourceMapPath } to Worker.create; the type is WorkflowBundleOption.' },
  '@temporalio/worker:WorkflowBundleWithSourceMap': { status: 'differently', why: 'pass workflowBundle: { code, sourceMap } to Worker.create; the type is WorkflowBundleOption.' },
  '@temporalio/worker:LoggerSinks': {
    status: 'refused',
    why: 'the logger sink (deprecated upstream) is not needed: workflow `log` from @temporalio/workflow goes to the worker\'s logger without a sink.',
  },
  '@temporalio/worker:defaultSinks': {
    status: 'refused',
    why: 'the official default sinks only hold the logger sink (deprecated upstream); workflow `log` reaches the worker\'s logger without sinks, so pass only your own sinks.',
  },
  '@temporalio/worker:InjectedSink': { status: 'differently', why: 'type one sink as Record<string, InjectedSinkFunction>; the whole `sinks` option is InjectedSinks (both exported).' },
  '@temporalio/worker:LogTimestamp': {
    status: 'differently',
    why: "DefaultLogger hands its function a LogEntry whose timestampNanos (bigint) holds the time; there is no LogTimestamp key in the metadata.",
  },
  '@temporalio/worker:PatchActivationCallback': { status: 'refused', why: 'a hook of the official worker\'s test harness for rewriting activations; the core\'s activations are not rewritable from JavaScript here.' },
  '@temporalio/worker:PatchActivationInput': { status: 'refused', why: 'a hook of the official worker\'s test harness for rewriting activations; the core\'s activations are not rewritable from JavaScript here.' },
  '@temporalio/worker:startDebugReplayer': {
    status: 'refused',
    why: 'the VS Code debug replayer of the official SDK is not supported: replay with Worker.runReplayHistory(options, history) under any Node debugger.',
  },
  '@temporalio/worker:PromiseCompletionTimeoutError': {
    status: 'refused',
    why: 'an error of the official worker\'s thread pool of workflow V8 isolates, which temporal-native does not have (workflows run in node:vm realms on the main thread).',
  },
  '@temporalio/worker:CombinedWorkerRunError': {
    status: 'refused',
    why: 'raised by the official Worker.runUntil when both the worker and the given promise fail; temporal-native Worker.runUntil rejects with the worker\'s error when the worker failed, else with the promise\'s.',
  },
  '@temporalio/worker:CombinedWorkerRunErrorCause': {
    status: 'refused',
    why: 'the cause type of the official CombinedWorkerRunError; temporal-native Worker.runUntil rejects with the worker\'s error when the worker failed, else with the promise\'s.',
  },
  '@temporalio/worker:ShutdownError': { status: 'differently', why: 'a call that reaches a worker the core has shut down raises WorkerStateError, a CoreError (both exported from temporal-native).' },
  '@temporalio/worker:TransportError': { status: 'differently', why: 'core errors are CoreError (exported from temporal-native): check `err instanceof CoreError` and `err.code`.' },
  '@temporalio/worker:UnexpectedError': { status: 'differently', why: 'core errors are CoreError (exported from temporal-native): check `err instanceof CoreError` and `err.code`.' },
  '@temporalio/worker:errors': { status: 'differently', why: 'the official `errors` namespace holds the core bridge errors (ShutdownError, TransportError, UnexpectedError, ...); here they are all CoreError, exported from temporal-native.' },
  '@temporalio/worker:WorkerStatus': {
    status: 'differently',
    why: 'worker.getState() gives the run state (State); the poller and in-flight counters of the official getStatus() are exported as metrics by the core instead.',
  },
  '@temporalio/worker:DNSLoadBalancingConfig': { status: 'differently', why: 'the `dnsLoadBalancingConfig` connection option is accepted in ConnectionOptions; the type is not exported separately.' },
  '@temporalio/worker:GrpcCompressionConfig': { status: 'differently', why: 'the `grpcCompression` connection option is accepted in ConnectionOptions; the type is not exported separately.' },
};

module.exports = decisions;
