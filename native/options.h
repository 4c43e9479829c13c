// The one place where JS option objects become C structs. Each holder owns every buffer its
// struct points into and is not movable once built, so the struct stays valid for as long as the
// holder lives; callers keep the holder alive as long as the core may read it (rpc_call reads its
// options inside the core task, after the C call has returned).
//
// The accepted JS shapes are those of lib/core/types.ts (RuntimeOptions, ConnectionOptions,
// RpcCallOptions, WorkerOptions, ReplayerOptions). A wrong field is a TypeError / RangeError whose
// message names it.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "core_library.h"

namespace temporal_native {

struct MetadataBuffers {
  std::vector<std::string> entries;  // "key\nvalue"
  std::vector<TemporalCoreByteArrayRef> refs;
  TemporalCoreMetadataRef Get() const;
};
MetadataBuffers ToMetadata(Napi::Value value, const std::string& field, bool binary);

struct RuntimeOptionsHolder {
  std::string filter;
  std::string node_version;
  bool has_logger = false;
  // The SDK's default logger rather than one the user chose: any number may coexist.
  bool default_logger = false;
  TemporalCoreLoggingOptions logging{};
  // options.metrics: exactly one of prometheus / otel, plus the shared settings.
  bool has_metrics = false;
  std::string bind_address, otel_url, otel_headers, bucket_overrides, global_tags, metric_prefix;
  TemporalCorePrometheusOptions prometheus{};
  TemporalCoreOpenTelemetryOptions opentelemetry{};
  TemporalCoreMetricsOptions metrics{};
  TemporalCoreTelemetryOptions telemetry{};
  TemporalCoreRuntimeInfo runtime_info{};
  TemporalCoreRuntimeOptions options{};
};
// `forward_to` is installed when options.logger is a function (returned in `logger`).
std::unique_ptr<RuntimeOptionsHolder> ToRuntimeOptions(Napi::Value value, Napi::Function* logger);

struct ConnectOptionsHolder {
  std::string target_url, client_name, client_version, api_key, identity;
  std::string tls_domain;
  std::vector<uint8_t> tls_root_ca, tls_client_cert, tls_client_key;
  MetadataBuffers metadata, binary_metadata;
  TemporalCoreClientTlsOptions tls{};
  TemporalCoreClientRetryOptions retry{};
  TemporalCoreClientKeepAliveOptions keep_alive{};
  TemporalCoreClientDnsLoadBalancingOptions dns_load_balancing{};
  std::string proxy_target_host, proxy_username, proxy_password;
  TemporalCoreClientHttpConnectProxyOptions proxy{};
  TemporalCoreConnectionOptions options{};
};
std::unique_ptr<ConnectOptionsHolder> ToConnectOptions(Napi::Value value);

struct RpcCallHolder {
  std::string rpc;
  std::vector<uint8_t> request;
  MetadataBuffers metadata, binary_metadata;
  TemporalCoreRpcCallOptions options{};
  Napi::Value signal;  // undefined or an AbortSignal; only valid during the JS call
};
std::unique_ptr<RpcCallHolder> ToRpcCallOptions(Napi::Value service, Napi::Value rpc, Napi::Value request,
                                                Napi::Value options);

struct WorkerOptionsHolder {
  std::string namespace_, task_queue, identity_override, build_id;
  TemporalCorePollerBehaviorSimpleMaximum workflow_pollers{}, activity_pollers{}, nexus_pollers{};
  TemporalCorePollerBehaviorAutoscaling workflow_autoscaling{}, activity_autoscaling{}, nexus_autoscaling{};
  // Which of the two pollers structs above each kind uses (the core reads exactly one).
  bool workflow_autoscales = false, activity_autoscales = false, nexus_autoscales = false;
  TemporalCoreWorkerOptions options{};
  bool polls_workflows() const { return options.task_types.enable_workflows; }
  bool polls_activities() const {
    return options.task_types.enable_remote_activities || options.task_types.enable_local_activities;
  }
};
std::unique_ptr<WorkerOptionsHolder> ToWorkerOptions(Napi::Value value);
std::unique_ptr<WorkerOptionsHolder> ToReplayerOptions(Napi::Value value);

}  // namespace temporal_native
