/**
 * System and namespace calls: GetSystemInfo (capabilities the core reads, spec §1), DescribeNamespace
 * (mandatory for worker start; all newer capabilities off), Register/List/Update namespace, cluster
 * info, and gRPC health.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { durationToMs, msToDuration } from '../codec';
import { invalidArgument, namespaceAlreadyExists, namespaceNotFound, requireString } from '../errors';
import type { Engine, NamespaceRecord } from '../engine/engine';
import { retentionMsOf } from '../engine/retention';
import type { HealthHandlers, WorkflowServiceHandlers } from '../transport';


export const SERVER_VERSION = '1.27.0';

function describeNamespace(ns: NamespaceRecord): object {
  return {
    namespaceInfo: {
      name: ns.name,
      state: 1,
      description: ns.description,
      ownerEmail: '',
      data: {},
      id: ns.id,
      capabilities: {
        eagerWorkflowStart: true,
        syncUpdate: true,
        asyncUpdate: true,
        workerHeartbeats: false,
        reportedProblemsSearchAttribute: false,
        workflowPausing: false,
        standaloneActivities: false,
        workerPollCompleteOnShutdown: false,
        pollerAutoscaling: false,
      },
      supportsSchedules: true,
    },
    config: {
      workflowExecutionRetentionTtl: msToDuration(retentionMsOf(ns)),
      // ARCHIVAL_STATE_DISABLED, as on the real dev server: nothing is archived here.
      historyArchivalState: 1,
      visibilityArchivalState: 1,
    },
    replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }], state: 0 },
    failoverVersion: 0,
    isGlobalNamespace: false,
  };
}

/** The real dev server's retention for the namespaces it creates: one day. */
export const DEFAULT_RETENTION_MS = 86_400_000;

export function newNamespace(name: string, description = '', retentionMs = DEFAULT_RETENTION_MS, registeredAt = Date.now()): NamespaceRecord {
  return { name, id: randomUUID(), description, retentionDays: Math.max(1, Math.round(retentionMs / 86_400_000)), retentionMs, registeredAt };
}

export function systemHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async getSystemInfo() {
      return {
        serverVersion: SERVER_VERSION,
        capabilities: {
          signalAndQueryHeader: true,
          internalErrorDifferentiation: true,
          activityFailureIncludeHeartbeat: true,
          supportsSchedules: true,
          encodedFailureAttributes: true,
          buildIdBasedVersioning: false,
          upsertMemo: true,
          eagerWorkflowStart: true,
          sdkMetadata: true,
          countGroupByExecutionStatus: true,
          nexus: false,
        },
      };
    },

    async getClusterInfo() {
      return {
        supportedClients: {},
        serverVersion: SERVER_VERSION,
        clusterId: 'temporal-native-dev-server',
        clusterName: 'active',
        historyShardCount: 1,
        persistenceStore: 'temporal-native',
        visibilityStore: 'temporal-native',
      };
    },

    async describeNamespace(req) {
      if (req.id) {
        const ns = [...engine.namespaces.values()].find((n) => n.id === req.id);
        if (!ns) throw namespaceNotFound(req.id);
        return describeNamespace(ns);
      }
      return describeNamespace(engine.requireNamespace(req.namespace));
    },

    async listNamespaces() {
      return { namespaces: [...engine.namespaces.values()].map(describeNamespace) };
    },

    async registerNamespace(req) {
      const name = requireString(req.namespace, 'namespace');
      if (engine.namespaces.has(name)) throw namespaceAlreadyExists(name);
      const retentionMs = durationToMs(req.workflowExecutionRetentionPeriod, 'workflow_execution_retention_period');
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw invalidArgument(`namespace ${JSON.stringify(name)} is not a valid name`);
      engine.transact(() => {
        engine.addNamespace(newNamespace(name, req.description ?? '', retentionMs > 0 ? retentionMs : DEFAULT_RETENTION_MS, engine.clock.now()));
      });
      return {};
    },

    async updateNamespace(req) {
      const ns = engine.requireNamespace(req.namespace);
      engine.transact(() => {
        const updated = { ...ns };
        if (req.updateInfo?.description !== undefined && req.updateInfo.description !== null) updated.description = req.updateInfo.description;
        if (req.config?.workflowExecutionRetentionTtl) {
          const retentionMs = durationToMs(req.config.workflowExecutionRetentionTtl, 'config.workflow_execution_retention_ttl');
          if (retentionMs > 0) {
            updated.retentionMs = retentionMs;
            updated.retentionDays = Math.max(1, Math.round(retentionMs / 86_400_000));
          }
        }
        engine.addNamespace(updated);
      });
      return describeNamespace(engine.requireNamespace(req.namespace));
    },
  };
}

export function healthHandlers(): HealthHandlers {
  return {
    async check() {
      return { status: 1 };
    },
  };
}
