#include "options.h"

#include <cmath>
#include <limits>

#include "byte_array.h"

namespace temporal_native {

namespace {

const TemporalCoreByteArrayRef kEmptyRefs[1] = {{reinterpret_cast<const uint8_t*>(""), 0}};

[[noreturn]] void Fail(Napi::Env env, const std::string& field, const std::string& what) {
  throw Napi::TypeError::New(env, field + " " + what);
}

[[noreturn]] void OutOfRange(Napi::Env env, const std::string& field, const std::string& what) {
  throw Napi::RangeError::New(env, field + " " + what);
}

Napi::Object AsObject(Napi::Value value, const std::string& field) {
  if (!value.IsObject() || value.IsArray()) Fail(value.Env(), field, "must be an object");
  return value.As<Napi::Object>();
}

bool IsAbsent(Napi::Value value) { return value.IsUndefined() || value.IsNull(); }

std::string ReadString(Napi::Object obj, const char* key, const std::string& prefix, bool required,
                       const std::string& fallback = std::string()) {
  Napi::Value value = obj.Get(key);
  if (IsAbsent(value)) {
    if (required) Fail(obj.Env(), prefix + "." + key, "is required");
    return fallback;
  }
  if (!value.IsString()) Fail(obj.Env(), prefix + "." + key, "must be a string");
  return value.As<Napi::String>().Utf8Value();
}

bool ReadBool(Napi::Object obj, const char* key, const std::string& prefix, bool required, bool fallback = false) {
  Napi::Value value = obj.Get(key);
  if (IsAbsent(value)) {
    if (required) Fail(obj.Env(), prefix + "." + key, "is required");
    return fallback;
  }
  if (!value.IsBoolean()) Fail(obj.Env(), prefix + "." + key, "must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

double ReadNumber(Napi::Object obj, const char* key, const std::string& prefix, bool required, double fallback,
                  double min, double max, bool integer) {
  Napi::Value value = obj.Get(key);
  std::string field = prefix + "." + key;
  if (IsAbsent(value)) {
    if (required) Fail(obj.Env(), field, "is required");
    return fallback;
  }
  if (!value.IsNumber()) Fail(obj.Env(), field, "must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number)) OutOfRange(obj.Env(), field, "must be finite");
  if (integer && std::floor(number) != number) OutOfRange(obj.Env(), field, "must be an integer");
  if (number < min || number > max) {
    OutOfRange(obj.Env(), field, "must be between " + std::to_string(static_cast<long long>(min)) + " and " +
                                     std::to_string(static_cast<unsigned long long>(max)));
  }
  return number;
}

// Largest integer a JS number carries exactly.
constexpr double kMaxSafe = 9007199254740991.0;

uint64_t ReadMillis(Napi::Object obj, const char* key, const std::string& prefix, bool required, uint64_t fallback = 0) {
  return static_cast<uint64_t>(ReadNumber(obj, key, prefix, required, static_cast<double>(fallback), 0, kMaxSafe, true));
}

uint32_t ReadU32(Napi::Object obj, const char* key, const std::string& prefix, bool required, uint32_t fallback = 0) {
  return static_cast<uint32_t>(ReadNumber(obj, key, prefix, required, fallback, 0, 4294967295.0, true));
}

std::vector<uint8_t> ReadBytes(Napi::Object obj, const char* key, const std::string& prefix) {
  Napi::Value value = obj.Get(key);
  if (IsAbsent(value)) return {};
  return CopyBytes(value, (prefix + "." + key).c_str());
}

void RequireNoNewline(Napi::Env env, const std::string& text, const std::string& field) {
  if (text.find('\n') != std::string::npos) Fail(env, field, "must not contain a newline");
}

// `{ simpleMaximum }` or `{ autoscaling: { minimum, maximum, initial } }`; returns true for autoscaling.
bool ReadPollerBehavior(Napi::Object obj, const char* key, const std::string& prefix,
                        TemporalCorePollerBehaviorSimpleMaximum* simple,
                        TemporalCorePollerBehaviorAutoscaling* autoscaling) {
  std::string field = prefix + "." + key;
  Napi::Object behavior = AsObject(obj.Get(key), field);
  Napi::Value scaling = behavior.Get("autoscaling");
  if (IsAbsent(scaling)) {
    simple->simple_maximum = static_cast<uintptr_t>(ReadNumber(behavior, "simpleMaximum", field, true, 0, 1, 1e6, true));
    return false;
  }
  std::string scaling_field = field + ".autoscaling";
  Napi::Object a = AsObject(scaling, scaling_field);
  autoscaling->minimum = static_cast<uintptr_t>(ReadNumber(a, "minimum", scaling_field, true, 0, 1, 1e6, true));
  autoscaling->maximum = static_cast<uintptr_t>(ReadNumber(a, "maximum", scaling_field, true, 0, 1, 1e6, true));
  autoscaling->initial = static_cast<uintptr_t>(ReadNumber(a, "initial", scaling_field, true, 0, 1, 1e6, true));
  if (autoscaling->minimum > autoscaling->maximum || autoscaling->initial < autoscaling->minimum ||
      autoscaling->initial > autoscaling->maximum) {
    OutOfRange(obj.Env(), scaling_field, "must satisfy minimum <= initial <= maximum");
  }
  return true;
}

TemporalCoreSlotSupplier FixedSlots(uintptr_t slots) {
  TemporalCoreSlotSupplier supplier{};
  supplier.tag = TemporalCoreSlotSupplier_FixedSize;
  supplier.fixed_size.num_slots = slots;
  return supplier;
}

TemporalCorePollerBehavior Poller(bool autoscales, const TemporalCorePollerBehaviorSimpleMaximum* maximum,
                                  const TemporalCorePollerBehaviorAutoscaling* autoscaling) {
  TemporalCorePollerBehavior behavior{};
  behavior.simple_maximum = autoscales ? nullptr : maximum;
  behavior.autoscaling = autoscales ? autoscaling : nullptr;
  return behavior;
}

// Refs shared by every worker struct: string lists the addon never sets.
TemporalCoreByteArrayRefArray EmptyRefArray() { return TemporalCoreByteArrayRefArray{kEmptyRefs, 0}; }

void FillWorkerStrings(WorkerOptionsHolder* holder) {
  TemporalCoreWorkerOptions& o = holder->options;
  o.namespace_ = ByteRef(holder->namespace_);
  o.task_queue = ByteRef(holder->task_queue);
  o.identity_override = ByteRef(holder->identity_override);
  o.versioning_strategy.tag = TemporalCoreWorkerVersioningStrategy_None;
  o.versioning_strategy.none.build_id = ByteRef(holder->build_id);
  o.workflow_task_poller_behavior =
      Poller(holder->workflow_autoscales, &holder->workflow_pollers, &holder->workflow_autoscaling);
  o.activity_task_poller_behavior =
      Poller(holder->activity_autoscales, &holder->activity_pollers, &holder->activity_autoscaling);
  o.nexus_task_poller_behavior = Poller(holder->nexus_autoscales, &holder->nexus_pollers, &holder->nexus_autoscaling);
  o.nondeterminism_as_workflow_fail = false;
  o.nondeterminism_as_workflow_fail_for_types = EmptyRefArray();
  o.plugins = EmptyRefArray();
  o.storage_drivers = EmptyRefArray();
}

// `{ key: value }` → `key\nvalue\nkey\nvalue`, the core's newline-delimited map.
std::string ReadNewlineMap(Napi::Object obj, const char* key, const std::string& prefix) {
  std::string field = prefix + "." + key;
  Napi::Value value = obj.Get(key);
  if (IsAbsent(value)) return std::string();
  Napi::Object map = AsObject(value, field);
  Napi::Array keys = map.GetPropertyNames();
  std::string out;
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string name = keys.Get(i).ToString().Utf8Value();
    std::string entry_field = field + "[\"" + name + "\"]";
    if (name.empty()) Fail(obj.Env(), field, "keys must not be empty");
    RequireNoNewline(obj.Env(), name, field + " key " + name);
    Napi::Value item = map.Get(name);
    if (!item.IsString()) Fail(obj.Env(), entry_field, "must be a string");
    std::string text = item.As<Napi::String>().Utf8Value();
    RequireNoNewline(obj.Env(), text, entry_field);
    if (!out.empty()) out += "\n";
    out += name + "\n" + text;
  }
  return out;
}

// `{ metric: [1, 5, 10] }` → `metric\n1,5,10`.
std::string ReadBucketOverrides(Napi::Object obj, const std::string& prefix) {
  std::string field = prefix + ".histogramBucketOverrides";
  Napi::Value value = obj.Get("histogramBucketOverrides");
  if (IsAbsent(value)) return std::string();
  Napi::Object map = AsObject(value, field);
  Napi::Array keys = map.GetPropertyNames();
  std::string out;
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string name = keys.Get(i).ToString().Utf8Value();
    std::string entry_field = field + "[\"" + name + "\"]";
    if (name.empty()) Fail(obj.Env(), field, "keys must not be empty");
    RequireNoNewline(obj.Env(), name, field + " key " + name);
    Napi::Value item = map.Get(name);
    if (!item.IsArray()) Fail(obj.Env(), entry_field, "must be an array of numbers");
    Napi::Array buckets = item.As<Napi::Array>();
    std::string list;
    for (uint32_t j = 0; j < buckets.Length(); j++) {
      Napi::Value bucket = buckets.Get(j);
      if (!bucket.IsNumber() || !std::isfinite(bucket.As<Napi::Number>().DoubleValue())) {
        Fail(obj.Env(), entry_field, "must be an array of finite numbers");
      }
      if (j > 0) list += ",";
      list += bucket.ToString().Utf8Value();
    }
    if (!out.empty()) out += "\n";
    out += name + "\n" + list;
  }
  return out;
}

void ReadMetrics(Napi::Object obj, RuntimeOptionsHolder* holder) {
  const std::string prefix = "RuntimeOptions.metrics";
  Napi::Env env = obj.Env();
  Napi::Value prometheus = obj.Get("prometheus");
  Napi::Value otel = obj.Get("otel");
  if (IsAbsent(prometheus) == IsAbsent(otel)) Fail(env, prefix, "must have exactly one of prometheus, otel");
  if (!IsAbsent(prometheus)) {
    std::string field = prefix + ".prometheus";
    Napi::Object p = AsObject(prometheus, field);
    holder->bind_address = ReadString(p, "bindAddress", field, true);
    holder->bucket_overrides = ReadBucketOverrides(p, field);
    holder->prometheus.bind_address = ByteRef(holder->bind_address);
    holder->prometheus.counters_total_suffix = ReadBool(p, "countersTotalSuffix", field, false, false);
    holder->prometheus.unit_suffix = ReadBool(p, "unitSuffix", field, false, false);
    holder->prometheus.durations_as_seconds = ReadBool(p, "useSecondsForDurations", field, false, false);
    holder->prometheus.histogram_bucket_overrides = ByteRef(holder->bucket_overrides);
    holder->metrics.prometheus = &holder->prometheus;
  } else {
    std::string field = prefix + ".otel";
    Napi::Object o = AsObject(otel, field);
    holder->otel_url = ReadString(o, "url", field, true);
    holder->otel_headers = ReadNewlineMap(o, "headers", field);
    holder->bucket_overrides = ReadBucketOverrides(o, field);
    holder->opentelemetry.url = ByteRef(holder->otel_url);
    holder->opentelemetry.headers = ByteRef(holder->otel_headers);
    holder->opentelemetry.metric_periodicity_millis = ReadU32(o, "metricsExportIntervalMs", field, false, 1000);
    std::string temporality = ReadString(o, "temporality", field, false, "cumulative");
    if (temporality == "cumulative") {
      holder->opentelemetry.metric_temporality = TemporalCoreOpenTelemetryMetricTemporality_Cumulative;
    } else if (temporality == "delta") {
      holder->opentelemetry.metric_temporality = TemporalCoreOpenTelemetryMetricTemporality_Delta;
    } else {
      Fail(env, field + ".temporality", "must be \"cumulative\" or \"delta\" (got " + temporality + ")");
    }
    holder->opentelemetry.durations_as_seconds = ReadBool(o, "useSecondsForDurations", field, false, false);
    holder->opentelemetry.protocol = ReadBool(o, "http", field, false, false) ? TemporalCoreOpenTelemetryProtocol_Http
                                                                             : TemporalCoreOpenTelemetryProtocol_Grpc;
    holder->opentelemetry.histogram_bucket_overrides = ByteRef(holder->bucket_overrides);
    holder->metrics.opentelemetry = &holder->opentelemetry;
  }
  holder->global_tags = ReadNewlineMap(obj, "globalTags", prefix);
  holder->metric_prefix = ReadString(obj, "metricPrefix", prefix, false, "temporal_");
  holder->metrics.custom_meter = nullptr;
  holder->metrics.attach_service_name = ReadBool(obj, "attachServiceName", prefix, false, true);
  holder->metrics.global_tags = ByteRef(holder->global_tags);
  holder->metrics.metric_prefix = ByteRef(holder->metric_prefix);
  holder->has_metrics = true;
}

}  // namespace

TemporalCoreMetadataRef MetadataBuffers::Get() const {
  if (refs.empty()) return TemporalCoreMetadataRef{kEmptyRefs, 0};
  return TemporalCoreMetadataRef{refs.data(), refs.size()};
}

MetadataBuffers ToMetadata(Napi::Value value, const std::string& field, bool binary) {
  MetadataBuffers buffers;
  if (IsAbsent(value)) return buffers;
  Napi::Object object = AsObject(value, field);
  Napi::Array keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string key = keys.Get(i).ToString().Utf8Value();
    std::string entry_field = field + "[\"" + key + "\"]";
    if (key.empty()) Fail(value.Env(), field, "keys must not be empty");
    RequireNoNewline(value.Env(), key, field + " key " + key);
    Napi::Value item = object.Get(key);
    std::string entry = key + "\n";
    if (binary) {
      std::vector<uint8_t> bytes = CopyBytes(item, entry_field.c_str());
      entry.append(bytes.begin(), bytes.end());
    } else {
      if (!item.IsString()) Fail(value.Env(), entry_field, "must be a string");
      std::string text = item.As<Napi::String>().Utf8Value();
      RequireNoNewline(value.Env(), text, entry_field);
      entry += text;
    }
    buffers.entries.push_back(std::move(entry));
  }
  for (const std::string& entry : buffers.entries) buffers.refs.push_back(ByteRef(entry));
  return buffers;
}

std::unique_ptr<RuntimeOptionsHolder> ToRuntimeOptions(Napi::Value value, Napi::Function* logger) {
  const std::string prefix = "RuntimeOptions";
  auto holder = std::make_unique<RuntimeOptionsHolder>();
  Napi::Object obj = IsAbsent(value) ? Napi::Object::New(value.Env()) : AsObject(value, prefix);
  holder->filter = ReadString(obj, "logFilter", prefix, false, "temporal_sdk_core=WARN,temporalio_sdk_core=WARN");
  uint64_t heartbeat = ReadMillis(obj, "workerHeartbeatIntervalMs", prefix, false, 0);
  if (heartbeat != 0 && (heartbeat < 1000 || heartbeat > 60000)) {
    OutOfRange(value.Env(), prefix + ".workerHeartbeatIntervalMs", "must be 0 (off) or between 1000 and 60000");
  }
  Napi::Value log_fn = obj.Get("logger");
  if (!IsAbsent(log_fn)) {
    if (!log_fn.IsFunction()) Fail(value.Env(), prefix + ".logger", "must be a function");
    *logger = log_fn.As<Napi::Function>();
    holder->has_logger = true;
    holder->default_logger = ReadBool(obj, "loggerIsDefault", prefix, false, false);
  }
  const napi_node_version* version = nullptr;
  napi_get_node_version(value.Env(), &version);
  if (version != nullptr) {
    holder->node_version = std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
                           std::to_string(version->patch);
  }
  holder->logging.filter = ByteRef(holder->filter);
  holder->logging.forward_to = nullptr;  // set by the runtime once the route is registered
  holder->telemetry.logging = holder->has_logger ? &holder->logging : nullptr;
  Napi::Value metrics = obj.Get("metrics");
  if (!IsAbsent(metrics)) ReadMetrics(AsObject(metrics, prefix + ".metrics"), holder.get());
  holder->telemetry.metrics = holder->has_metrics ? &holder->metrics : nullptr;
  holder->runtime_info.runtime_type = TemporalCoreRuntimeType_Node;
  holder->runtime_info.version = ByteRef(holder->node_version);
  holder->options.telemetry = &holder->telemetry;
  holder->options.worker_heartbeat_interval_millis = heartbeat;
  holder->options.runtime_info = TemporalCoreRuntimeInfoArray{&holder->runtime_info, 1};
  holder->options.disable_environment_info = false;
  return holder;
}

std::unique_ptr<ConnectOptionsHolder> ToConnectOptions(Napi::Value value) {
  const std::string prefix = "ConnectionOptions";
  Napi::Env env = value.Env();
  Napi::Object obj = AsObject(value, prefix);
  auto holder = std::make_unique<ConnectOptionsHolder>();
  TemporalCoreConnectionOptions& o = holder->options;

  bool tls_enabled = false;
  Napi::Value tls = obj.Get("tls");
  if (tls.IsBoolean()) {
    tls_enabled = tls.As<Napi::Boolean>().Value();
  } else if (!IsAbsent(tls)) {
    Napi::Object tls_obj = AsObject(tls, prefix + ".tls");
    tls_enabled = true;
    holder->tls_root_ca = ReadBytes(tls_obj, "serverRootCaCert", prefix + ".tls");
    holder->tls_domain = ReadString(tls_obj, "serverNameOverride", prefix + ".tls", false);
    Napi::Value pair = tls_obj.Get("clientCertPair");
    if (!IsAbsent(pair)) {
      Napi::Object pair_obj = AsObject(pair, prefix + ".tls.clientCertPair");
      holder->tls_client_cert = CopyBytes(pair_obj.Get("crt"), (prefix + ".tls.clientCertPair.crt").c_str());
      holder->tls_client_key = CopyBytes(pair_obj.Get("key"), (prefix + ".tls.clientCertPair.key").c_str());
    }
  }
  std::string address = ReadString(obj, "address", prefix, true);
  if (address.empty()) Fail(env, prefix + ".address", "must not be empty");
  holder->target_url = address.find("://") == std::string::npos
      ? std::string(tls_enabled ? "https://" : "http://") + address
      : address;
  holder->client_name = ReadString(obj, "clientName", prefix, true);
  holder->client_version = ReadString(obj, "clientVersion", prefix, true);
  holder->identity = ReadString(obj, "identity", prefix, true);
  holder->api_key = ReadString(obj, "apiKey", prefix, false);
  holder->metadata = ToMetadata(obj.Get("metadata"), prefix + ".metadata", false);
  holder->binary_metadata = ToMetadata(obj.Get("binaryMetadata"), prefix + ".binaryMetadata", true);

  o.target_url = ByteRef(holder->target_url);
  o.client_name = ByteRef(holder->client_name);
  o.client_version = ByteRef(holder->client_version);
  o.metadata = holder->metadata.Get();
  o.binary_metadata = holder->binary_metadata.Get();
  o.api_key = ByteRef(holder->api_key);
  o.identity = ByteRef(holder->identity);
  if (tls_enabled) {
    holder->tls.server_root_ca_cert = ByteRef(holder->tls_root_ca);
    holder->tls.domain = ByteRef(holder->tls_domain);
    holder->tls.client_cert = ByteRef(holder->tls_client_cert);
    holder->tls.client_private_key = ByteRef(holder->tls_client_key);
    o.tls_options = &holder->tls;
  }
  Napi::Value retry = obj.Get("retry");
  if (!IsAbsent(retry)) {
    std::string field = prefix + ".retry";
    Napi::Object r = AsObject(retry, field);
    holder->retry.initial_interval_millis = ReadMillis(r, "initialIntervalMs", field, true);
    holder->retry.randomization_factor = ReadNumber(r, "randomizationFactor", field, true, 0, 0, 1, false);
    holder->retry.multiplier = ReadNumber(r, "multiplier", field, true, 0, 1, 1e6, false);
    holder->retry.max_interval_millis = ReadMillis(r, "maxIntervalMs", field, true);
    holder->retry.max_elapsed_time_millis = ReadMillis(r, "maxElapsedTimeMs", field, true);
    holder->retry.max_retries = static_cast<uintptr_t>(ReadNumber(r, "maxRetries", field, true, 0, 0, 1e9, true));
    o.retry_options = &holder->retry;
  }
  // A zero-initialised struct would switch keepalive, DNS load balancing and the payload size
  // warnings off: absent settings take the core's own defaults (temporalio-client 0.7).
  Napi::Value keep_alive = obj.Get("keepAlive");
  if (!(keep_alive.IsBoolean() && !keep_alive.As<Napi::Boolean>().Value())) {
    std::string field = prefix + ".keepAlive";
    Napi::Object k = IsAbsent(keep_alive) ? Napi::Object::New(env) : AsObject(keep_alive, field);
    holder->keep_alive.interval_millis = ReadMillis(k, "intervalMs", field, false, 30000);
    holder->keep_alive.timeout_millis = ReadMillis(k, "timeoutMs", field, false, 15000);
    o.keep_alive_options = &holder->keep_alive;
  }
  Napi::Value dns = obj.Get("dnsLoadBalancing");
  // The core turns DNS load balancing off behind a proxy (with a warning): leave it off here.
  bool proxied = !IsAbsent(obj.Get("proxy"));
  if (!proxied && !(dns.IsBoolean() && !dns.As<Napi::Boolean>().Value())) {
    std::string field = prefix + ".dnsLoadBalancing";
    Napi::Object d = IsAbsent(dns) ? Napi::Object::New(env) : AsObject(dns, field);
    holder->dns_load_balancing.resolution_interval_millis = ReadMillis(d, "resolutionIntervalMs", field, false, 30000);
    o.dns_load_balancing_options = &holder->dns_load_balancing;
  }
  Napi::Value proxy = obj.Get("proxy");
  if (!IsAbsent(proxy)) {
    std::string field = prefix + ".proxy";
    Napi::Object p = AsObject(proxy, field);
    holder->proxy_target_host = ReadString(p, "targetHost", field, true);
    if (holder->proxy_target_host.empty()) Fail(env, field + ".targetHost", "must not be empty");
    Napi::Value auth = p.Get("basicAuth");
    if (!IsAbsent(auth)) {
      Napi::Object a = AsObject(auth, field + ".basicAuth");
      holder->proxy_username = ReadString(a, "username", field + ".basicAuth", true);
      holder->proxy_password = ReadString(a, "password", field + ".basicAuth", true);
    }
    holder->proxy.target_host = ByteRef(holder->proxy_target_host);
    // Empty user name and password: the core sends no Proxy-Authorization header.
    holder->proxy.username = ByteRef(holder->proxy_username);
    holder->proxy.password = ByteRef(holder->proxy_password);
    o.http_connect_proxy_options = &holder->proxy;
  }
  std::string compression = ReadString(obj, "grpcCompression", prefix, false, "gzip");
  if (compression == "gzip") o.grpc_compression = TemporalCoreClientGrpcCompression_Gzip;
  else if (compression == "none") o.grpc_compression = TemporalCoreClientGrpcCompression_None;
  else Fail(env, prefix + ".grpcCompression", "must be \"gzip\" or \"none\" (got " + compression + ")");
  o.payloads_warn_size = ReadMillis(obj, "payloadsWarnSize", prefix, false, 512 * 1024);
  o.memo_warn_size = ReadMillis(obj, "memoWarnSize", prefix, false, 2 * 1024);
  return holder;
}

std::unique_ptr<RpcCallHolder> ToRpcCallOptions(Napi::Value service, Napi::Value rpc, Napi::Value request,
                                                Napi::Value options) {
  Napi::Env env = service.Env();
  auto holder = std::make_unique<RpcCallHolder>();
  TemporalCoreRpcCallOptions& o = holder->options;
  if (!service.IsString()) Fail(env, "rpcCall service", "must be a string");
  std::string name = service.As<Napi::String>().Utf8Value();
  if (name == "workflow") o.service = TemporalCoreRpcService_Workflow;
  else if (name == "operator") o.service = TemporalCoreRpcService_Operator;
  else if (name == "cloud") o.service = TemporalCoreRpcService_Cloud;
  else if (name == "test") o.service = TemporalCoreRpcService_Test;
  else if (name == "health") o.service = TemporalCoreRpcService_Health;
  else Fail(env, "rpcCall service", "must be one of workflow, operator, cloud, test, health (got " + name + ")");
  if (!rpc.IsString()) Fail(env, "rpcCall rpc", "must be a string");
  holder->rpc = rpc.As<Napi::String>().Utf8Value();
  if (holder->rpc.empty()) Fail(env, "rpcCall rpc", "must not be empty");
  holder->request = CopyBytes(request, "rpcCall request");

  const std::string prefix = "RpcCallOptions";
  Napi::Object obj = IsAbsent(options) ? Napi::Object::New(env) : AsObject(options, prefix);
  o.retry = ReadBool(obj, "retry", prefix, false, false);
  o.timeout_millis = ReadU32(obj, "timeoutMs", prefix, false, 0);
  holder->metadata = ToMetadata(obj.Get("metadata"), prefix + ".metadata", false);
  holder->binary_metadata = ToMetadata(obj.Get("binaryMetadata"), prefix + ".binaryMetadata", true);
  holder->signal = obj.Get("signal");
  if (!IsAbsent(holder->signal)) {
    if (!holder->signal.IsObject() || !holder->signal.As<Napi::Object>().Get("addEventListener").IsFunction()) {
      Fail(env, prefix + ".signal", "must be an AbortSignal");
    }
  }
  o.rpc = ByteRef(holder->rpc);
  o.req = ByteRef(holder->request);
  o.metadata = holder->metadata.Get();
  o.binary_metadata = holder->binary_metadata.Get();
  o.cancellation_token = nullptr;
  return holder;
}

std::unique_ptr<WorkerOptionsHolder> ToWorkerOptions(Napi::Value value) {
  const std::string prefix = "WorkerOptions";
  Napi::Env env = value.Env();
  Napi::Object obj = AsObject(value, prefix);
  auto holder = std::make_unique<WorkerOptionsHolder>();
  TemporalCoreWorkerOptions& o = holder->options;
  holder->namespace_ = ReadString(obj, "namespace", prefix, true);
  holder->task_queue = ReadString(obj, "taskQueue", prefix, true);
  if (holder->namespace_.empty()) Fail(env, prefix + ".namespace", "must not be empty");
  if (holder->task_queue.empty()) Fail(env, prefix + ".taskQueue", "must not be empty");
  holder->identity_override = ReadString(obj, "identityOverride", prefix, false);
  holder->build_id = ReadString(obj, "buildId", prefix, true);
  if (holder->build_id.empty()) Fail(env, prefix + ".buildId", "must not be empty");

  Napi::Object types = AsObject(obj.Get("taskTypes"), prefix + ".taskTypes");
  o.task_types.enable_workflows = ReadBool(types, "workflows", prefix + ".taskTypes", true);
  o.task_types.enable_remote_activities = ReadBool(types, "activities", prefix + ".taskTypes", true);
  o.task_types.enable_local_activities = ReadBool(types, "localActivities", prefix + ".taskTypes", true);
  o.task_types.enable_nexus = ReadBool(types, "nexus", prefix + ".taskTypes", true);
  if (o.task_types.enable_nexus) {
    // The addon has no nexus poller, and an undrained poller would hang finalize.
    Fail(env, prefix + ".taskTypes.nexus", "is not supported by the native backend (must be false)");
  }
  if (!o.task_types.enable_workflows && !o.task_types.enable_remote_activities && !o.task_types.enable_local_activities) {
    Fail(env, prefix + ".taskTypes", "must enable at least one of workflows, activities, localActivities");
  }
  if (o.task_types.enable_local_activities && !o.task_types.enable_workflows) {
    Fail(env, prefix + ".taskTypes.localActivities", "requires taskTypes.workflows");
  }

  std::string slots_field = prefix + ".slots";
  Napi::Object slots = AsObject(obj.Get("slots"), slots_field);
  auto slot = [&](const char* key) {
    return static_cast<uintptr_t>(ReadNumber(slots, key, slots_field, true, 0, 1, 1e6, true));
  };
  // A kind listed in `resourceBasedSlots` gets the core's resource-based supplier instead.
  Napi::Value resource_value = obj.Get("resourceBasedSlots");
  std::string resource_field = prefix + ".resourceBasedSlots";
  Napi::Object resource = IsAbsent(resource_value) ? Napi::Object::New(env) : AsObject(resource_value, resource_field);
  auto supplier = [&](const char* key) {
    Napi::Value spec = resource.Get(key);
    if (IsAbsent(spec)) return FixedSlots(slot(key));
    std::string field = resource_field + "." + key;
    Napi::Object r = AsObject(spec, field);
    TemporalCoreSlotSupplier s{};
    s.tag = TemporalCoreSlotSupplier_ResourceBased;
    s.resource_based.minimum_slots = static_cast<uintptr_t>(ReadNumber(r, "minimumSlots", field, true, 0, 0, 1e6, true));
    s.resource_based.maximum_slots = static_cast<uintptr_t>(ReadNumber(r, "maximumSlots", field, true, 0, 1, 1e6, true));
    s.resource_based.ramp_throttle_ms = ReadMillis(r, "rampThrottleMs", field, true);
    s.resource_based.tuner_options.target_memory_usage = ReadNumber(r, "targetMemoryUsage", field, true, 0, 0, 1, false);
    s.resource_based.tuner_options.target_cpu_usage = ReadNumber(r, "targetCpuUsage", field, true, 0, 0, 1, false);
    return s;
  };
  o.tuner.workflow_slot_supplier = supplier("workflow");
  o.tuner.activity_slot_supplier = supplier("activity");
  o.tuner.local_activity_slot_supplier = supplier("localActivity");
  o.tuner.nexus_task_slot_supplier = supplier("nexus");

  o.max_cached_workflows = ReadU32(obj, "maxCachedWorkflows", prefix, true);
  o.sticky_queue_schedule_to_start_timeout_millis = ReadMillis(obj, "stickyQueueScheduleToStartTimeoutMs", prefix, true);
  o.max_heartbeat_throttle_interval_millis = ReadMillis(obj, "maxHeartbeatThrottleIntervalMs", prefix, true);
  o.default_heartbeat_throttle_interval_millis = ReadMillis(obj, "defaultHeartbeatThrottleIntervalMs", prefix, true);
  o.graceful_shutdown_period_millis = ReadMillis(obj, "gracefulShutdownPeriodMs", prefix, true);
  o.max_activities_per_second = ReadNumber(obj, "maxActivitiesPerSecond", prefix, true, 0, 0, 1e12, false);
  o.max_task_queue_activities_per_second =
      ReadNumber(obj, "maxTaskQueueActivitiesPerSecond", prefix, true, 0, 0, 1e12, false);
  holder->workflow_autoscales = ReadPollerBehavior(obj, "workflowTaskPollerBehavior", prefix,
                                                   &holder->workflow_pollers, &holder->workflow_autoscaling);
  holder->activity_autoscales = ReadPollerBehavior(obj, "activityTaskPollerBehavior", prefix,
                                                   &holder->activity_pollers, &holder->activity_autoscaling);
  holder->nexus_autoscales =
      ReadPollerBehavior(obj, "nexusTaskPollerBehavior", prefix, &holder->nexus_pollers, &holder->nexus_autoscaling);
  o.nonsticky_to_sticky_poll_ratio =
      static_cast<float>(ReadNumber(obj, "nonStickyToStickyPollRatio", prefix, true, 0, 0, 1, false));
  o.disable_payload_error_limit = false;
  o.max_eager_activity_reservations_per_workflow_task =
      ReadU32(obj, "maxEagerActivityReservations", prefix, false, 3);
  FillWorkerStrings(holder.get());
  return holder;
}

std::unique_ptr<WorkerOptionsHolder> ToReplayerOptions(Napi::Value value) {
  // The shape .NET uses for replay: workflows only, a small cache, a small fixed tuner.
  const std::string prefix = "ReplayerOptions";
  Napi::Env env = value.Env();
  Napi::Object obj = IsAbsent(value) ? Napi::Object::New(env) : AsObject(value, prefix);
  auto holder = std::make_unique<WorkerOptionsHolder>();
  TemporalCoreWorkerOptions& o = holder->options;
  holder->namespace_ = ReadString(obj, "namespace", prefix, false, "default");
  holder->task_queue = ReadString(obj, "taskQueue", prefix, false, "temporal-native-replay");
  holder->build_id = ReadString(obj, "buildId", prefix, false, "temporal-native-replay");
  if (holder->namespace_.empty()) Fail(env, prefix + ".namespace", "must not be empty");
  if (holder->task_queue.empty()) Fail(env, prefix + ".taskQueue", "must not be empty");
  if (holder->build_id.empty()) Fail(env, prefix + ".buildId", "must not be empty");
  // The core's replay worker sizes its own cache: a value here would be ignored, so none is read.
  if (!IsAbsent(obj.Get("maxCachedWorkflows"))) {
    Fail(env, prefix + ".maxCachedWorkflows", "is not supported: the core ignores it for replay workers");
  }
  o.max_cached_workflows = 2;
  o.task_types.enable_workflows = true;
  o.tuner.workflow_slot_supplier = FixedSlots(2);
  o.tuner.activity_slot_supplier = FixedSlots(1);
  o.tuner.local_activity_slot_supplier = FixedSlots(1);
  o.tuner.nexus_task_slot_supplier = FixedSlots(1);
  o.sticky_queue_schedule_to_start_timeout_millis = 10000;
  o.max_heartbeat_throttle_interval_millis = 60000;
  o.default_heartbeat_throttle_interval_millis = 30000;
  holder->workflow_pollers.simple_maximum = 2;
  holder->activity_pollers.simple_maximum = 1;
  holder->nexus_pollers.simple_maximum = 1;
  o.nonsticky_to_sticky_poll_ratio = 0.2f;
  FillWorkerStrings(holder.get());
  return holder;
}

}  // namespace temporal_native
