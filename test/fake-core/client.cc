// Connections, the core's per-connection worker registry, and rpc_call.
//
// Like the real C bridge, rpc_call routes by service and name: a name the real core does not know
// for the service fails with "Unknown RPC call <name>" (status 0, no details), health's Watch fails
// as not implemented, and a known name whose request bytes do not decode fails with prost's
// "failed to decode Protobuf message: ..." (checked structurally, see protobuf.h). A call that
// passes answers with its request bytes.
//
// The Test service (4) also carries the fake's scripts, names the real core's TestService does not
// have; metadata carries parameters, request bytes the payload:
//   Echo            answer the request bytes (after `fake-delay-ms`, default 0)
//   Fail            gRPC failure: status `fake-status-code` (default 2), message `fake-message`,
//                   details = request bytes; status 0 gives a non-gRPC failure (no details)
//   Hang            never answer until cancelled (or until timeout_millis: DEADLINE_EXCEEDED)
//   Stats           JSON live counts (byte arrays, runtimes, connections, workers, pushers, tokens,
//                   rpcs / worker operations in flight); the Stats call itself (its answer
//                   array, its token, its slot in flight) is not counted
//   ConnectionState JSON of the connection's options and this call's options as the core saw them
//   EnqueueTask     hand the request bytes to workers on `fake-task-queue` as a `fake-kind` task:
//                   a WorkflowActivation with a run_id (workflow) or an ActivityTask with a
//                   task_token (activity); anything else fails the call
//   Workers         JSON of the live workers (replay workers too) on `fake-task-queue`
//   Log             emit a log line (level `fake-level`, message = request) from a core thread
//   Configure       `fake-worker-delay-ms`: delay of worker callbacks
// Every behaviour honours the cancellation token: a cancelled call answers status 0, "Cancelled".
#include <mutex>
#include <sstream>
#include <vector>

#include "fake_core.h"
#include "protobuf.h"

struct TemporalCoreConnection {
  uint32_t magic = fake::kLiveMagic;
  TemporalCoreRuntime* runtime = nullptr;
  std::atomic<int> refs{1};          // the handle plus every worker made from it
  std::atomic<int> rpcs_in_flight{0};
  std::mutex mutex;
  std::string target_url, client_name, client_version, identity, api_key;
  std::map<std::string, std::string> metadata, binary_metadata;
  bool tls = false;
  std::string tls_root_ca, tls_domain, tls_client_cert, tls_client_key;
  bool has_retry = false;
  TemporalCoreClientRetryOptions retry{};
  std::vector<fake::WorkerRegistration> registrations;  // guarded by mutex
};

namespace fake {

void ConnectionRetain(TemporalCoreConnection* connection) { connection->refs++; }

void ConnectionRelease(TemporalCoreConnection* connection) {
  if (--connection->refs == 0) {
    TemporalCoreRuntime* runtime = connection->runtime;
    connection->magic = kDeadMagic;
    delete connection;
    RuntimeRelease(runtime);
  }
}

TemporalCoreRuntime* ConnectionRuntime(TemporalCoreConnection* connection) { return connection->runtime; }

void CheckConnection(const TemporalCoreConnection* connection, const char* call) {
  if (connection == nullptr) Die(std::string(call) + " with a NULL connection");
  if (connection->magic != kLiveMagic) Die(std::string(call) + " on a freed connection");
}

std::string ConnectionIdentity(TemporalCoreConnection* connection) {
  std::lock_guard<std::mutex> lock(connection->mutex);
  return connection->identity;
}

namespace {

const char* Bool(bool value) { return value ? "true" : "false"; }

std::string TaskTypesDebug(const TemporalCoreWorkerTaskTypes& t) {
  return std::string("WorkerTaskTypes { enable_workflows: ") + Bool(t.enable_workflows) +
         ", enable_local_activities: " + Bool(t.enable_local_activities) +
         ", enable_remote_activities: " + Bool(t.enable_remote_activities) + ", enable_nexus: " + Bool(t.enable_nexus) +
         " }";
}

bool Overlaps(const TemporalCoreWorkerTaskTypes& a, const TemporalCoreWorkerTaskTypes& b) {
  return (a.enable_workflows && b.enable_workflows) || (a.enable_local_activities && b.enable_local_activities) ||
         (a.enable_remote_activities && b.enable_remote_activities) || (a.enable_nexus && b.enable_nexus);
}

}  // namespace

// ClientWorkerSetImpl::register: one worker per (namespace, task queue) and overlapping task
// types, unless deployment build ids tell them apart. The fake only has versioning strategy None,
// whose build id is None to the registry, so every pair of such workers is compared.
std::string RegisterWorker(TemporalCoreConnection* connection, const WorkerRegistration& registration) {
  const TemporalCoreWorkerTaskTypes& types = registration.types;
  if (!types.enable_workflows && !types.enable_local_activities && !types.enable_remote_activities &&
      !types.enable_nexus) {
    return "Worker must have at least one capability enabled (workflows, activities, or nexus)";
  }
  if (!types.enable_workflows && types.enable_local_activities) {
    return "Local activities cannot be enabled without workflows";
  }
  std::lock_guard<std::mutex> lock(connection->mutex);
  for (const WorkerRegistration& existing : connection->registrations) {
    if (existing.namespace_ == registration.namespace_ && existing.task_queue == registration.task_queue &&
        Overlaps(types, existing.types)) {
      // The real format string hands its last two arguments over in swapped order; kept as is.
      return "Registration of multiple workers with overlapping worker task types on the same namespace, task "
             "queue, and deployment build ID not allowed: SlotKey { namespace: " +
             RustDebugString(registration.namespace_) + ", task_queue: " + RustDebugString(registration.task_queue) +
             " }, worker_instance_key: " + TaskTypesDebug(existing.types) +
             " build_id: None, new task types: " + TaskTypesDebug(types) +
             ", existing task types: " + registration.key + ".";
    }
  }
  connection->registrations.push_back(registration);
  return "";
}

void UnregisterWorker(TemporalCoreConnection* connection, const std::string& key) {
  std::lock_guard<std::mutex> lock(connection->mutex);
  auto& list = connection->registrations;
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (it->key == key) {
      list.erase(it);
      return;
    }
  }
}

namespace {

#include "rpc_names.inc"

template <size_t N>
bool Listed(const char* const (&names)[N], const std::string& name) {
  for (const char* listed : names) {
    if (name == listed) return true;
  }
  return false;
}

// The real core's match arms for the service (see rpc_names.inc).
bool KnownRpc(TemporalCoreRpcService service, const std::string& name) {
  switch (service) {
    case TemporalCoreRpcService_Workflow: return Listed(kWorkflowRpcs, name);
    case TemporalCoreRpcService_Operator: return Listed(kOperatorRpcs, name);
    case TemporalCoreRpcService_Cloud: return Listed(kCloudRpcs, name);
    case TemporalCoreRpcService_Test: return Listed(kTestRpcs, name);
    case TemporalCoreRpcService_Health: return Listed(kHealthRpcs, name);
  }
  return false;
}

// The fake's own scripts on the Test service.
bool Scripted(const std::string& name) {
  static const char* const kScripts[] = {"Echo", "Fail", "Hang", "Stats", "ConnectionState",
                                         "EnqueueTask", "Workers", "Log", "Configure"};
  return Listed(kScripts, name);
}

std::string MapJson(const std::map<std::string, std::string>& map, bool hex) {
  std::string out = "{";
  for (auto& entry : map) {
    if (out.size() > 1) out += ",";
    out += "\"" + JsonEscape(entry.first) + "\":\"" + JsonEscape(hex ? Hex(entry.second) : entry.second) + "\"";
  }
  return out + "}";
}

std::string StatsJson(bool own_token) {
  Counters& c = counters();
  std::ostringstream out;
  out << "{\"byteArrays\":" << c.byte_arrays << ",\"runtimes\":" << c.runtimes << ",\"connections\":"
      << c.connections << ",\"workers\":" << c.workers << ",\"pushers\":" << c.pushers << ",\"tokens\":"
      << c.tokens - (own_token ? 1 : 0)  // minus this Stats call's token
      << ",\"rpcsInFlight\":" << c.rpcs_in_flight - 1  // minus this Stats call
      << ",\"workerOpsInFlight\":" << c.worker_ops_in_flight << ",\"heartbeats\":" << c.heartbeats
      << ",\"evictions\":" << c.evictions << "}";
  return out.str();
}

// One in-flight rpc_call: answered exactly once, by its behaviour or by cancellation.
struct PendingRpc {
  TemporalCoreConnection* connection;
  void* user_data;
  TemporalCoreClientRpcCallCallback callback;
  TemporalCoreCancellationToken* token;
  uint64_t watch_id = 0;
  std::mutex mutex;
  bool answered = false;

  // success: `ok` set; failure: status + message (+ details unless `no_details`).
  void Answer(bool ok, const std::string& body, uint32_t status, const std::string& message, bool with_details) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (answered) return;
      answered = true;
    }
    if (token != nullptr && watch_id != 0) TokenUnwatch(token, watch_id);
    const TemporalCoreByteArray* success = ok ? NewBytes(body) : nullptr;
    const TemporalCoreByteArray* failure_message = ok ? nullptr : NewBytes(message);
    const TemporalCoreByteArray* failure_details = (!ok && with_details) ? NewBytes(body) : nullptr;
    TemporalCoreConnection* conn = connection;
    auto cb = callback;
    void* ud = user_data;
    conn->rpcs_in_flight--;
    counters().rpcs_in_flight--;
    cb(ud, success, ok ? 0 : status, failure_message, failure_details);
  }
};

void RunRpc(std::shared_ptr<PendingRpc> rpc, const TemporalCoreRpcCallOptions* options) {
  // Read the options here, on a core thread after rpc_call returned, as the real core does: the
  // caller must keep them (and every buffer they point to) alive until the callback.
  TemporalCoreConnection* conn = rpc->connection;
  CheckConnection(conn, "rpc_call task");
  std::string name = Str(options->rpc, "rpc_call rpc");
  std::string request = Str(options->req, "rpc_call req");
  std::map<std::string, std::string> md = Metadata(options->metadata, "rpc_call metadata");
  std::map<std::string, std::string> bmd = Metadata(options->binary_metadata, "rpc_call binary_metadata");
  uint32_t timeout = options->timeout_millis;
  bool retry = options->retry;
  TemporalCoreRpcService service = options->service;
  auto param = [&](const char* key, const std::string& fallback) {
    auto found = md.find(key);
    return found == md.end() ? fallback : found->second;
  };
  long delay = std::stol(param("fake-delay-ms", "0"));

  if (rpc->token != nullptr) {
    // The watcher holds the call: a hanging call lives on until cancelled (Answer unwatches).
    uint64_t id = TokenWatch(rpc->token, [rpc] {
      Schedule(std::chrono::milliseconds(0), [rpc] { rpc->Answer(false, "", 0, "Cancelled", false); });
    });
    {
      std::lock_guard<std::mutex> lock(rpc->mutex);
      rpc->watch_id = id;
    }
    if (id == 0) {
      rpc->Answer(false, "", 0, "Cancelled", false);
      return;
    }
  }
  auto later = [&](std::function<void()> fn) { Schedule(std::chrono::milliseconds(delay), std::move(fn)); };

  if (service != TemporalCoreRpcService_Test || !Scripted(name)) {
    // The real C bridge: the service's match on the name, then rpc_req's P::decode.
    std::string failure;
    if (!KnownRpc(service, name)) {
      failure = "Unknown RPC call " + name;
    } else if (service == TemporalCoreRpcService_Health && name == "Watch") {
      failure = "Health service Watch method is not implemented in C bridge";
    } else {
      pb::Decoded ignored;
      pb::Decode(request, specs::kAnyRequest, &ignored, &failure);
    }
    if (failure.empty()) {
      later([rpc, request] { rpc->Answer(true, request, 0, "", false); });
    } else {
      later([rpc, failure] { rpc->Answer(false, "", 0, failure, false); });
    }
  } else if (name == "Echo") {
    later([rpc, request] { rpc->Answer(true, request, 0, "", false); });
  } else if (name == "Fail") {
    uint32_t status = static_cast<uint32_t>(std::stoul(param("fake-status-code", "2")));
    std::string message = param("fake-message", "fake failure");
    later([rpc, request, status, message] { rpc->Answer(false, request, status, message, status != 0); });
  } else if (name == "Hang") {
    if (timeout > 0) {
      Schedule(std::chrono::milliseconds(timeout),
               [rpc] { rpc->Answer(false, "", 4, "Timeout expired", true); });
    }
  } else if (name == "Stats") {
    std::string stats = StatsJson(rpc->token != nullptr);
    rpc->Answer(true, stats, 0, "", false);
  } else if (name == "ConnectionState") {
    std::ostringstream out;
    {
      std::lock_guard<std::mutex> lock(conn->mutex);
      out << "{\"targetUrl\":\"" << JsonEscape(conn->target_url) << "\",\"clientName\":\""
          << JsonEscape(conn->client_name) << "\",\"clientVersion\":\"" << JsonEscape(conn->client_version)
          << "\",\"identity\":\"" << JsonEscape(conn->identity) << "\",\"apiKey\":\"" << JsonEscape(conn->api_key)
          << "\",\"metadata\":" << MapJson(conn->metadata, false)
          << ",\"binaryMetadataHex\":" << MapJson(conn->binary_metadata, true) << ",\"tls\":";
      if (conn->tls) {
        out << "{\"serverRootCaCert\":\"" << JsonEscape(conn->tls_root_ca) << "\",\"domain\":\""
            << JsonEscape(conn->tls_domain) << "\",\"clientCert\":\"" << JsonEscape(conn->tls_client_cert)
            << "\",\"clientPrivateKey\":\"" << JsonEscape(conn->tls_client_key) << "\"}";
      } else {
        out << "null";
      }
      out << ",\"retry\":";
      if (conn->has_retry) {
        out << "{\"initialIntervalMs\":" << conn->retry.initial_interval_millis << ",\"randomizationFactor\":"
            << conn->retry.randomization_factor << ",\"multiplier\":" << conn->retry.multiplier
            << ",\"maxIntervalMs\":" << conn->retry.max_interval_millis << ",\"maxElapsedTimeMs\":"
            << conn->retry.max_elapsed_time_millis << ",\"maxRetries\":" << conn->retry.max_retries << "}";
      } else {
        out << "null";
      }
    }
    out << ",\"call\":{\"retry\":" << (retry ? "true" : "false") << ",\"timeoutMs\":" << timeout
        << ",\"metadata\":" << MapJson(md, false) << ",\"binaryMetadataHex\":" << MapJson(bmd, true) << "}}";
    std::string body = out.str();
    later([rpc, body] { rpc->Answer(true, body, 0, "", false); });
  } else if (name == "EnqueueTask") {
    std::string refused = EnqueueTask(param("fake-task-queue", ""), param("fake-kind", "workflow"), request);
    later([rpc, refused] {
      if (refused.empty()) {
        rpc->Answer(true, "", 0, "", false);
      } else {
        rpc->Answer(false, "", 0, "fake core: EnqueueTask: " + refused, false);
      }
    });
  } else if (name == "Workers") {
    std::string body = WorkersJson(param("fake-task-queue", ""));
    later([rpc, body] { rpc->Answer(true, body, 0, "", false); });
  } else if (name == "Log") {
    int level = std::stoi(param("fake-level", "2"));
    TemporalCoreRuntime* runtime = conn->runtime;
    later([rpc, runtime, level, request] {
      runtime->Log(static_cast<TemporalCoreForwardedLogLevel>(level), request,
                   "{\"source\":\"fake-core\",\"rpc\":\"Log\",\"bytes\":" + std::to_string(request.size()) + "}");
      rpc->Answer(true, "", 0, "", false);
    });
  } else if (name == "Configure") {
    counters().worker_delay_ms = std::stol(param("fake-worker-delay-ms", "1"));
    later([rpc] { rpc->Answer(true, "", 0, "", false); });
  }
}

}  // namespace
}  // namespace fake

extern "C" {

void temporal_core_client_connect(TemporalCoreRuntime* runtime, const TemporalCoreConnectionOptions* options,
                                  void* user_data, TemporalCoreClientConnectCallback callback) {
  fake::CheckRuntime(runtime, "client_connect");
  auto* conn = new TemporalCoreConnection();
  conn->target_url = fake::Str(options->target_url, "target_url");
  conn->client_name = fake::Str(options->client_name, "client_name");
  conn->client_version = fake::Str(options->client_version, "client_version");
  conn->identity = fake::Str(options->identity, "identity");
  conn->api_key = fake::Str(options->api_key, "api_key");
  conn->metadata = fake::Metadata(options->metadata, "metadata");
  conn->binary_metadata = fake::Metadata(options->binary_metadata, "binary_metadata");
  if (options->tls_options != nullptr) {
    conn->tls = true;
    conn->tls_root_ca = fake::Str(options->tls_options->server_root_ca_cert, "tls server_root_ca_cert");
    conn->tls_domain = fake::Str(options->tls_options->domain, "tls domain");
    conn->tls_client_cert = fake::Str(options->tls_options->client_cert, "tls client_cert");
    conn->tls_client_key = fake::Str(options->tls_options->client_private_key, "tls client_private_key");
  }
  if (options->retry_options != nullptr) {
    conn->has_retry = true;
    conn->retry = *options->retry_options;
  }
  std::string url = conn->target_url;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    // Invalid options fail synchronously, on the caller's thread, before connect returns.
    delete conn;
    callback(user_data, nullptr, fake::NewBytes("Invalid target URL: " + url));
    return;
  }
  bool refuse = url.find("unreachable") != std::string::npos;
  if (refuse) {
    delete conn;
    fake::Schedule(std::chrono::milliseconds(2), [user_data, callback, url] {
      callback(user_data, nullptr, fake::NewBytes("Failed client connect: connection refused: " + url));
    });
    return;
  }
  conn->runtime = runtime;
  fake::RuntimeRetain(runtime);
  fake::counters().connections++;
  fake::Schedule(std::chrono::milliseconds(2), [conn, user_data, callback] {
    conn->runtime->Log(TemporalCoreForwardedLogLevel_Debug, "Connected",
                       "{\"targetUrl\":\"" + fake::JsonEscape(conn->target_url) + "\"}");
    callback(user_data, conn, nullptr);
  });
}

void temporal_core_client_free(TemporalCoreConnection* client) {
  fake::CheckConnection(client, "client_free");
  if (client->rpcs_in_flight > 0) fake::Die("client_free while rpc_call operations are in flight on it");
  fake::counters().connections--;
  fake::ConnectionRelease(client);
}

void temporal_core_client_update_metadata(TemporalCoreConnection* client, TemporalCoreMetadataRef metadata) {
  fake::CheckConnection(client, "client_update_metadata");
  auto map = fake::Metadata(metadata, "update_metadata");
  std::lock_guard<std::mutex> lock(client->mutex);
  client->metadata = std::move(map);
}

void temporal_core_client_update_binary_metadata(TemporalCoreConnection* client, TemporalCoreMetadataRef metadata) {
  fake::CheckConnection(client, "client_update_binary_metadata");
  auto map = fake::Metadata(metadata, "update_binary_metadata");
  std::lock_guard<std::mutex> lock(client->mutex);
  client->binary_metadata = std::move(map);
}

void temporal_core_client_update_api_key(TemporalCoreConnection* client, TemporalCoreByteArrayRef api_key) {
  fake::CheckConnection(client, "client_update_api_key");
  std::string key = fake::Str(api_key, "update_api_key");
  std::lock_guard<std::mutex> lock(client->mutex);
  client->api_key = std::move(key);
}

void temporal_core_client_rpc_call(TemporalCoreConnection* client, const TemporalCoreRpcCallOptions* options,
                                   void* user_data, TemporalCoreClientRpcCallCallback callback) {
  fake::CheckConnection(client, "client_rpc_call");
  auto rpc = std::make_shared<fake::PendingRpc>();
  rpc->connection = client;
  rpc->user_data = user_data;
  rpc->callback = callback;
  rpc->token = const_cast<TemporalCoreCancellationToken*>(options->cancellation_token);
  client->rpcs_in_flight++;
  fake::counters().rpcs_in_flight++;
  fake::Schedule(std::chrono::milliseconds(0), [rpc, options] { fake::RunRpc(rpc, options); });
}

}  // extern "C"
