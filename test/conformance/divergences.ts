/**
 * Every known difference between our dev server and the real Temporal server (the Temporal CLI's
 * `server start-dev`) that the conformance scenarios observe, with the reason it stays. The harness
 * consults this list for every compared aspect: a listed aspect must still differ (and, with a
 * `matches` check, differ in the listed way), an unlisted one must be equal. The table in
 * lib/devserver/README.md is generated from this list by divergence-table.test.ts.
 */
import type { Divergence } from './support/divergences-type';

type Obj = Record<string, unknown>;

/**
 * The RPCs the real server implements and our dev server answers UNIMPLEMENTED. Kept exact, so
 * implementing one (or the real server dropping one) fails the scenario until this list is updated.
 */
const NOT_IMPLEMENTED_HERE = [
  'OperatorService.AddOrUpdateRemoteCluster',
  'OperatorService.CreateNexusEndpoint',
  'OperatorService.DeleteNamespace',
  'OperatorService.DeleteNexusEndpoint',
  'OperatorService.GetNexusEndpoint',
  'OperatorService.ListClusters',
  'OperatorService.ListNexusEndpoints',
  'OperatorService.RemoveRemoteCluster',
  'OperatorService.UpdateNexusEndpoint',
  'WorkflowService.CreateWorkflowRule',
  'WorkflowService.DeleteWorkerDeployment',
  'WorkflowService.DeleteWorkerDeploymentVersion',
  'WorkflowService.DeleteWorkflowExecution',
  'WorkflowService.DeleteWorkflowRule',
  'WorkflowService.DeprecateNamespace',
  'WorkflowService.DescribeBatchOperation',
  'WorkflowService.DescribeDeployment',
  'WorkflowService.DescribeTaskQueue',
  'WorkflowService.DescribeWorker',
  'WorkflowService.DescribeWorkerDeployment',
  'WorkflowService.DescribeWorkerDeploymentVersion',
  'WorkflowService.DescribeWorkflowRule',
  'WorkflowService.FetchWorkerConfig',
  'WorkflowService.GetCurrentDeployment',
  'WorkflowService.GetDeploymentReachability',
  'WorkflowService.GetSearchAttributes',
  'WorkflowService.GetWorkerBuildIdCompatibility',
  'WorkflowService.GetWorkerTaskReachability',
  'WorkflowService.GetWorkerVersioningRules',
  'WorkflowService.ListArchivedWorkflowExecutions',
  'WorkflowService.ListBatchOperations',
  'WorkflowService.ListDeployments',
  'WorkflowService.ListTaskQueuePartitions',
  'WorkflowService.ListWorkerDeployments',
  'WorkflowService.ListWorkers',
  'WorkflowService.ListWorkflowRules',
  'WorkflowService.PauseActivity',
  'WorkflowService.RecordWorkerHeartbeat',
  'WorkflowService.ResetActivity',
  'WorkflowService.ResetStickyTaskQueue',
  'WorkflowService.ResetWorkflowExecution',
  'WorkflowService.RespondNexusTaskCompleted',
  'WorkflowService.RespondNexusTaskFailed',
  'WorkflowService.SetCurrentDeployment',
  'WorkflowService.SetWorkerDeploymentCurrentVersion',
  'WorkflowService.SetWorkerDeploymentManager',
  'WorkflowService.SetWorkerDeploymentRampingVersion',
  'WorkflowService.StartBatchOperation',
  'WorkflowService.StopBatchOperation',
  'WorkflowService.TriggerWorkflowRule',
  'WorkflowService.UnpauseActivity',
  'WorkflowService.UpdateActivityOptions',
  'WorkflowService.UpdateTaskQueueConfig',
  'WorkflowService.UpdateWorkerBuildIdCompatibility',
  'WorkflowService.UpdateWorkerConfig',
  'WorkflowService.UpdateWorkerDeploymentVersionMetadata',
  'WorkflowService.UpdateWorkerVersioningRules',
  'WorkflowService.UpdateWorkflowExecutionOptions',
];

const MIN_RUN_INTERVAL =
  'The real server holds the first workflow task of a new run until at least 1 s after the previous run started ' +
  '(history.workflowIdReuseMinimalInterval, a guard against tight continue-as-new and retry loops). Our dev ' +
  'server starts the next run at once, or after exactly the backoff the policy asks for, so chains in tests do ' +
  'not wait a second per run. The events and their order are the same; only the start delay differs.';

export const DIVERGENCES: Divergence[] = [
  {
    file: 'commands',
    scenario: 'fail: workflow retry policy starts a second run',
    aspect: 'retryBackoff',
    embedded: 'retry run starts after the policy interval (100 ms)',
    real: 'retry run starts about 1 s after the failed run started',
    reason: MIN_RUN_INTERVAL,
    matches: (e, r) => e === 'as requested' && r === 'longer than requested',
  },
  {
    file: 'commands',
    scenario: 'fail: workflow retry policy exhausted',
    aspect: 'retryBackoff',
    embedded: 'retry run starts after the policy interval (100 ms)',
    real: 'retry run starts about 1 s after the failed run started',
    reason: MIN_RUN_INTERVAL,
    matches: (e, r) => e === 'as requested' && r === 'longer than requested',
  },
  {
    file: 'commands',
    scenario: 'continue-as-new: a chain of three runs',
    aspect: 'continueBackoff',
    embedded: 'the continued run starts at once',
    real: 'the continued run starts about 1 s after the previous run started',
    reason: MIN_RUN_INTERVAL,
    matches: (e, r) => e === 'as requested' && r === 'longer than requested',
  },
  {
    file: 'commands',
    scenario: 'upsert search attributes: set, then remove one',
    aspect: 'searchAttributes',
    embedded: 'describe() leaves out an attribute the workflow removed',
    real: 'describe() still lists the removed attribute, with a null value ([null])',
    reason:
      'Both servers agree the attribute has no value: List, Count and queries on it treat it as unset on both. ' +
      'Only the deprecated untyped describe() map shows the leftover key on the real server; the typed ' +
      'search attributes are the same.',
    matches: (e, r) => (r as Obj).ConfInt !== undefined && (e as Obj).ConfInt === undefined,
  },
  {
    file: 'interactions',
    scenario: 'history: paged reads, reverse order and the close event',
    aspect: 'pageSizes',
    embedded: 'pages hold exactly maximum_page_size events (4, 4, 3)',
    real: 'pages hold whole storage batches, so a page may hold more events than asked (8, 3)',
    reason:
      'Both return every event once, in order, and the same next-page-token contract; the real page ' +
      'boundaries follow how it stored the events, which our store does not reproduce. Clients must not ' +
      'rely on page boundaries on either server.',
    matches: (e, r) => Array.isArray(e) && Array.isArray(r) && (e as number[]).every((n) => n <= 4),
  },
  {
    file: 'requests',
    scenario: 'raw poll: a long poll with a deadline under two seconds',
    aspect: 'result',
    embedded: 'answers empty',
    real: 'FAILED_PRECONDITION "Context timeout is too short."',
    reason:
      'The core treats FAILED_PRECONDITION on a poll as fatal to the worker. A poll that reaches a busy test ' +
      'machine late (an event loop blocked for a few seconds) would kill the worker under test; our dev ' +
      'server answers it empty and the worker polls again. The SDKs always send long deadlines (11 s or 70 s).',
    matches: (e, r) => e === 'empty' && (r as Obj).code === 'FAILED_PRECONDITION',
  },
  {
    file: 'requests',
    scenario: 'operator: the search attributes a new namespace has',
    aspect: 'presetCustom',
    embedded: 'seven custom attributes are registered in every namespace (CustomKeywordField, CustomIntField, …)',
    real: 'no custom attributes until you add them (temporal server start-dev --search-attribute)',
    reason:
      'The Custom*Field attributes are the ones Temporalite, the docker-compose auto-setup and older CLI dev ' +
      'servers registered, and tests written against those keep working. They cost nothing when unused; ' +
      'AddSearchAttributes and the namespaces option add more, as on the real server.',
    matches: (e, r) => Array.isArray(r) && (r as unknown[]).length === 0 && (e as string[]).includes('CustomKeywordField'),
  },
  {
    file: 'requests',
    scenario: 'visibility: malformed and unsupported queries',
    aspect: 'messages',
    embedded: 'INVALID_ARGUMENT "invalid query: …" naming the position in the query the user wrote',
    real: 'INVALID_ARGUMENT "invalid query: …" from its SQL translation (positions in the generated SQL)',
    reason:
      'Same status code and prefix; the explanation is worded by each server\'s own query parser. Ours points ' +
      'at the offending place in the query as written, which the real one cannot do for syntax errors.',
    matches: (e, r) =>
      Object.values(e as Obj).every((m) => String(m).startsWith('invalid query: ')) &&
      Object.values(r as Obj).every((m) => String(m).startsWith('invalid query: ')),
  },
  {
    file: 'requests',
    scenario: 'visibility: malformed and unsupported queries',
    aspect: 'orderBy',
    embedded: 'ORDER BY is supported in List (and ignored by Count)',
    real: 'INVALID_ARGUMENT: the CLI dev server\'s SQLite visibility does not support ORDER BY',
    reason:
      'Temporal Cloud and Elasticsearch-backed servers support ORDER BY; only the SQL visibility of the CLI ' +
      'dev server refuses it. Supporting it lets code written for production clusters run unchanged.',
    matches: (e, r) => (e as Obj).list === 'ok' && ((r as Obj).list as Obj).code === 'INVALID_ARGUMENT',
  },
  {
    file: 'requests',
    scenario: 'visibility: malformed and unsupported queries',
    aspect: 'wrongValueType',
    embedded: "INVALID_ARGUMENT for ConfInt = 'abc' (a text value for an Int attribute)",
    real: 'accepts the query and matches nothing',
    reason:
      'A value that can never match is almost always a bug in the query; Elasticsearch-backed servers refuse ' +
      'it too. Rejecting it points at the mistake instead of returning an empty list.',
    matches: (e, r) => (e as Obj).code === 'INVALID_ARGUMENT' && r === 'ok',
  },
  {
    file: 'system',
    scenario: 'RPCs: which methods answer UNIMPLEMENTED',
    aspect: 'unimplemented',
    embedded: `${NOT_IMPLEMENTED_HERE.length} more RPCs answer UNIMPLEMENTED: worker versioning and deployments, batch operations, workflow rules, activity pause/reset/options, workflow reset and delete, task queue description and configuration, worker listing and configuration, namespace deprecation and deletion, clusters, Nexus endpoints and tasks, archived visibility, GetSearchAttributes`,
    real: 'implements them (it answers UNIMPLEMENTED only for APIs newer than 1.29, as we do)',
    reason:
      'These are operator and platform features outside what the embedded dev server is for: running ' +
      'workflows, activities and their clients in tests and local development. SDKs treat UNIMPLEMENTED as ' +
      '"not available" where they probe, and the capability flags say so for versioning and Nexus. ' +
      'Use the real server (temporal server start-dev) to develop against these features.',
    matches: (e, r) => {
      const ours = e as string[];
      const theirs = r as string[];
      const extra = ours.filter((m) => !theirs.includes(m));
      return theirs.every((m) => ours.includes(m)) && JSON.stringify(extra) === JSON.stringify(NOT_IMPLEMENTED_HERE);
    },
  },
  {
    file: 'system',
    scenario: 'capabilities: GetSystemInfo',
    aspect: 'optional',
    embedded: 'supportsSchedules and eagerWorkflowStart are true; buildIdBasedVersioning and nexus are false',
    real: 'all four are true',
    reason:
      'Each false flag reflects a feature our dev server does not implement (worker versioning, Nexus), ' +
      'and each is advertised truthfully: the capability scenarios check that the behaviour matches what ' +
      'is advertised. With build-id versioning off, the core sends its build id as the binary checksum, ' +
      'which still fills the BuildIds search attribute as on the real server.',
    matches: (e, r) => {
      const { supportsSchedules, eagerWorkflowStart, ...rest } = e as Obj;
      return (
        supportsSchedules === true &&
        eagerWorkflowStart === true &&
        Object.values(rest).every((v) => v === false) &&
        Object.values(r as Obj).every((v) => v === true)
      );
    },
  },
];
