// fake_core_probe: drives a core library's C ABI directly, for the checks the addon never lets
// through (it validates worker options itself) but the fake core must still make like the real
// core. test/native/worker-options.test.ts runs it; pointed at the real library (and a server for
// the connection) it shows what the real core answers to the same options.
//
//   fake_core_probe <library> worker-options <scenario> [target-url]
//   fake_core_probe <library> replayer-options <scenario>
//   fake_core_probe <library> register-again freed|shutdown [target-url]
//
// Prints one line: "ok" when the worker was created, else "fail: <the core's message>".
// register-again creates a worker, frees it (after initiate_shutdown with "shutdown"), then
// creates the same worker again on the same connection and reports that second creation.
#include <dlfcn.h>

#include <condition_variable>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unistd.h>

#include "temporal-sdk-core-c-bridge.h"

namespace {

void* g_library = nullptr;

void* Lookup(const char* name) {
  void* found = dlsym(g_library, name);
  if (found == nullptr) {
    std::fprintf(stderr, "probe: %s missing from the library\n", name);
    std::exit(2);
  }
  return found;
}
// The library is dlopened, not linked: decltype only borrows each entry point's type.
#define CORE(name) (reinterpret_cast<decltype(&temporal_core_##name)>(Lookup("temporal_core_" #name)))

TemporalCoreByteArrayRef Ref(const std::string& text) {
  static const uint8_t kEmpty[1] = {0};
  if (text.empty()) return TemporalCoreByteArrayRef{kEmpty, 0};
  return TemporalCoreByteArrayRef{reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

const TemporalCoreByteArrayRef kNoRefs[1] = {{reinterpret_cast<const uint8_t*>(""), 0}};

std::string Take(TemporalCoreRuntime* runtime, const TemporalCoreByteArray* bytes) {
  std::string text(reinterpret_cast<const char*>(bytes->data), bytes->size);
  CORE(byte_array_free)(runtime, bytes);
  return text;
}

// Everything an options struct points to, kept alive together.
struct Options {
  std::string namespace_ = "default";
  std::string task_queue = "probe-queue-" + std::to_string(getpid());
  std::string identity_override;
  std::string build_id = "probe";
  TemporalCorePollerBehaviorSimpleMaximum workflow_pollers{2}, activity_pollers{2}, nexus_pollers{1};
  TemporalCorePollerBehaviorAutoscaling autoscaling{1, 4, 2};
  TemporalCoreWorkerOptions o{};

  Options() {
    auto fixed = [](uintptr_t slots) {
      TemporalCoreSlotSupplier supplier{};
      supplier.tag = TemporalCoreSlotSupplier_FixedSize;
      supplier.fixed_size.num_slots = slots;
      return supplier;
    };
    o.max_cached_workflows = 100;
    o.tuner.workflow_slot_supplier = fixed(10);
    o.tuner.activity_slot_supplier = fixed(10);
    o.tuner.local_activity_slot_supplier = fixed(10);
    o.tuner.nexus_task_slot_supplier = fixed(1);
    o.task_types = TemporalCoreWorkerTaskTypes{true, false, true, false};
    o.sticky_queue_schedule_to_start_timeout_millis = 10000;
    o.max_heartbeat_throttle_interval_millis = 60000;
    o.default_heartbeat_throttle_interval_millis = 30000;
    o.workflow_task_poller_behavior = TemporalCorePollerBehavior{&workflow_pollers, nullptr};
    o.activity_task_poller_behavior = TemporalCorePollerBehavior{&activity_pollers, nullptr};
    o.nexus_task_poller_behavior = TemporalCorePollerBehavior{&nexus_pollers, nullptr};
    o.nonsticky_to_sticky_poll_ratio = 0.2f;
    o.nondeterminism_as_workflow_fail_for_types = TemporalCoreByteArrayRefArray{kNoRefs, 0};
    o.plugins = TemporalCoreByteArrayRefArray{kNoRefs, 0};
    o.storage_drivers = TemporalCoreByteArrayRefArray{kNoRefs, 0};
    o.max_eager_activity_reservations_per_workflow_task = 3;
  }

  const TemporalCoreWorkerOptions* Get() {
    o.namespace_ = Ref(namespace_);
    o.task_queue = Ref(task_queue);
    o.identity_override = Ref(identity_override);
    o.versioning_strategy.tag = TemporalCoreWorkerVersioningStrategy_None;
    o.versioning_strategy.none.build_id = Ref(build_id);
    return &o;
  }
};

// Each scenario changes the defaults (a valid worker) in one way; `identity` is the connection's.
bool Apply(const std::string& scenario, Options* options, std::string* identity) {
  TemporalCoreWorkerOptions& o = options->o;
  std::map<std::string, std::function<void()>> scenarios = {
      {"valid", [] {}},
      {"empty-namespace", [&] { options->namespace_.clear(); }},
      {"empty-task-queue", [&] { options->task_queue.clear(); }},
      {"empty-identity", [&] { identity->clear(); }},
      {"identity-override", [&] { identity->clear(); options->identity_override = "probe-override"; }},
      {"no-task-types", [&] { o.task_types = TemporalCoreWorkerTaskTypes{false, false, false, false}; }},
      {"local-activities-without-workflows", [&] { o.task_types = TemporalCoreWorkerTaskTypes{false, true, true, false}; }},
      {"both-poller-behaviors", [&] { o.activity_task_poller_behavior.autoscaling = &options->autoscaling; }},
      {"unset-poller-behaviors",
       [&] {
         o.workflow_task_poller_behavior = TemporalCorePollerBehavior{nullptr, nullptr};
         o.activity_task_poller_behavior = TemporalCorePollerBehavior{nullptr, nullptr};
         o.nexus_task_poller_behavior = TemporalCorePollerBehavior{nullptr, nullptr};
       }},
      {"simple-maximum-zero", [&] { options->activity_pollers.simple_maximum = 0; }},
      {"autoscaling-minimum-zero",
       [&] {
         options->autoscaling = {0, 4, 2};
         o.activity_task_poller_behavior = TemporalCorePollerBehavior{nullptr, &options->autoscaling};
       }},
      {"autoscaling-maximum-below-minimum",
       [&] {
         options->autoscaling = {3, 2, 2};
         o.activity_task_poller_behavior = TemporalCorePollerBehavior{nullptr, &options->autoscaling};
       }},
      {"autoscaling-initial-outside",
       [&] {
         options->autoscaling = {1, 4, 5};
         o.activity_task_poller_behavior = TemporalCorePollerBehavior{nullptr, &options->autoscaling};
       }},
      {"cache-with-one-poller", [&] { options->workflow_pollers.simple_maximum = 1; }},
      {"no-cache-one-poller",
       [&] {
         o.max_cached_workflows = 0;
         options->workflow_pollers.simple_maximum = 1;
       }},
      {"cache-with-autoscaling",
       [&] {
         options->autoscaling = {1, 1, 1};
         o.workflow_task_poller_behavior = TemporalCorePollerBehavior{nullptr, &options->autoscaling};
       }},
      {"activities-per-second-negative", [&] { o.max_activities_per_second = -1; }},
      {"activities-per-second-infinite", [&] { o.max_activities_per_second = INFINITY; }},
      {"activities-per-second-nan", [&] { o.max_activities_per_second = NAN; }},
  };
  auto found = scenarios.find(scenario);
  if (found == scenarios.end()) return false;
  found->second();
  return true;
}

TemporalCoreRuntime* NewRuntime() {
  TemporalCoreTelemetryOptions telemetry{nullptr, nullptr};
  std::string version = "probe";
  TemporalCoreRuntimeInfo info{TemporalCoreRuntimeType_Node, Ref(version)};
  TemporalCoreRuntimeOptions options{};
  options.telemetry = &telemetry;
  options.runtime_info = TemporalCoreRuntimeInfoArray{&info, 1};
  TemporalCoreRuntimeOrFail result = CORE(runtime_new)(&options);
  if (result.fail != nullptr) {
    std::printf("fail: runtime: %s\n", Take(result.runtime, result.fail).c_str());
    std::exit(1);
  }
  return result.runtime;
}

struct ConnectWait {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  TemporalCoreConnection* connection = nullptr;
  std::string fail;
};

TemporalCoreConnection* Connect(TemporalCoreRuntime* runtime, const std::string& target, const std::string& identity) {
  std::string name = "temporal-native-probe", version = "0.0.0", api_key;
  TemporalCoreConnectionOptions options{};
  options.target_url = Ref(target);
  options.client_name = Ref(name);
  options.client_version = Ref(version);
  options.metadata = TemporalCoreMetadataRef{kNoRefs, 0};
  options.binary_metadata = TemporalCoreMetadataRef{kNoRefs, 0};
  options.api_key = Ref(api_key);
  options.identity = Ref(identity);
  static ConnectWait wait;
  static TemporalCoreRuntime* owner;
  owner = runtime;
  CORE(client_connect)(runtime, &options, &wait,
                       [](void* user_data, TemporalCoreConnection* connection, const TemporalCoreByteArray* fail) {
                         auto* w = static_cast<ConnectWait*>(user_data);
                         std::lock_guard<std::mutex> lock(w->mutex);
                         w->connection = connection;
                         if (fail != nullptr) w->fail = Take(owner, fail);
                         w->finished = true;
                         w->done.notify_all();
                       });
  std::unique_lock<std::mutex> lock(wait.mutex);
  wait.done.wait(lock, [] { return wait.finished; });
  if (wait.connection == nullptr) {
    std::printf("fail: connect: %s\n", wait.fail.c_str());
    std::exit(1);
  }
  return wait.connection;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <library> worker-options|replayer-options <scenario> [target-url]\n", argv[0]);
    return 2;
  }
  g_library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (g_library == nullptr) {
    std::fprintf(stderr, "probe: %s\n", dlerror());
    return 2;
  }
  std::string command = argv[2], scenario = argv[3];
  std::string target = argc > 4 ? argv[4] : "http://localhost:7233";
  Options options;
  std::string identity = "probe@test";
  if (command == "register-again") {
    if (scenario != "freed" && scenario != "shutdown") {
      std::fprintf(stderr, "probe: register-again takes freed or shutdown\n");
      return 2;
    }
    TemporalCoreRuntime* runtime = NewRuntime();
    TemporalCoreConnection* connection = Connect(runtime, target, identity);
    TemporalCoreWorkerOrFail first = CORE(worker_new)(connection, options.Get());
    if (first.fail != nullptr) {
      std::printf("fail: first worker: %s\n", Take(runtime, first.fail).c_str());
      return 1;
    }
    if (scenario == "shutdown") CORE(worker_initiate_shutdown)(first.worker);
    CORE(worker_free)(first.worker);
    TemporalCoreWorkerOrFail again = CORE(worker_new)(connection, options.Get());
    if (again.fail != nullptr) {
      std::printf("fail: %s\n", Take(runtime, again.fail).c_str());
    } else {
      std::printf("ok\n");
      CORE(worker_free)(again.worker);
    }
    std::fflush(stdout);
    CORE(client_free)(connection);
    CORE(runtime_free)(runtime);
    return 0;
  }
  if (!Apply(scenario, &options, &identity)) {
    std::fprintf(stderr, "probe: unknown scenario %s\n", scenario.c_str());
    return 2;
  }
  TemporalCoreRuntime* runtime = NewRuntime();
  if (command == "worker-options") {
    TemporalCoreConnection* connection = Connect(runtime, target, identity);
    TemporalCoreWorkerOrFail result = CORE(worker_new)(connection, options.Get());
    if (result.fail != nullptr) {
      std::printf("fail: %s\n", Take(runtime, result.fail).c_str());
    } else {
      std::printf("ok\n");
      CORE(worker_free)(result.worker);
    }
    std::fflush(stdout);
    CORE(client_free)(connection);
  } else if (command == "replayer-options") {
    TemporalCoreWorkerReplayerOrFail result = CORE(worker_replayer_new)(runtime, options.Get());
    if (result.fail != nullptr) {
      std::printf("fail: %s\n", Take(runtime, result.fail).c_str());
    } else {
      std::printf("ok\n");
      CORE(worker_replay_pusher_free)(result.worker_replay_pusher);
      CORE(worker_free)(result.worker);
    }
    std::fflush(stdout);
  } else {
    std::fprintf(stderr, "probe: unknown command %s\n", command.c_str());
    return 2;
  }
  CORE(runtime_free)(runtime);
  return 0;
}
