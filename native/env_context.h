// Per-JS-environment state (main thread or a worker_thread each get one).
//
// Core callbacks arrive on core threads. They push their call onto `completed_` and wake the JS
// thread through one napi_threadsafe_function; the JS thread drains the whole batch. The TSFN
// carries no data, so nothing is lost if it is closing: the teardown hook drains the same queue.
#pragma once

#include <napi.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace temporal_native {

class Call;

// A JS object that holds a reference on a native handle; teardown makes it let go.
class JsOwner {
 public:
  virtual void DropJsRef() = 0;

 protected:
  ~JsOwner() = default;
};

// A worker that teardown must shut down in order.
class TeardownWorker {
 public:
  // Initiates shutdown if it has not been.
  virtual void TeardownInitiate() = 0;
  // Starts finalize (promise-less) if the order allows it now; true if it did.
  virtual bool TeardownFinalizeIfReady(Napi::Env env) = 0;

 protected:
  ~TeardownWorker() = default;
};

struct LogLine {
  // Which registered logger receives the line (see LogForwarder).
  uint64_t route;
  int level;
  std::string target;
  std::string message;
  uint64_t timestamp_ms;
  std::string fields_json;
};

class EnvContext : public std::enable_shared_from_this<EnvContext> {
 public:
  // Creates the context and registers the environment cleanup hook.
  static std::shared_ptr<EnvContext> Create(Napi::Env env);
  ~EnvContext();

  // --- JS thread ---
  uint64_t Register(Call* call);
  void Unregister(uint64_t id);
  Call* Find(uint64_t id) const;
  // In-flight core operations keep the event loop alive, like any pending I/O.
  void OpStarted(Napi::Env env);
  void OpFinished(Napi::Env env);
  void SetLogger(uint64_t route, Napi::Function logger);
  void ClearLogger(uint64_t route);
  void TrackOwner(JsOwner* owner) { owners_.insert(owner); }
  void UntrackOwner(JsOwner* owner) { owners_.erase(owner); }
  void TrackWorker(TeardownWorker* worker) { workers_.insert(worker); }
  void UntrackWorker(TeardownWorker* worker) { workers_.erase(worker); }
  bool tearing_down() const;

  // --- any thread ---
  void Deliver(Call* call);
  void DeliverLog(LogLine&& line);

 private:
  EnvContext() = default;
  static void CallJs(Napi::Env env, Napi::Function unused, EnvContext* ctx, void* unused_data);
  static void CleanupHook(void* arg);
  void Drain(Napi::Env env);
  void Teardown(Napi::Env env);

  using Tsfn = Napi::TypedThreadSafeFunction<EnvContext, void, CallJs>;
  Tsfn wake_;

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  std::condition_variable delivered_;
  std::vector<Call*> completed_;
  std::vector<LogLine> logs_;
  bool wake_pending_ = false;
  bool tearing_down_ = false;
  bool torn_down_ = false;

  // JS thread only.
  napi_env env_ = nullptr;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Call*> calls_;
  size_t in_flight_ = 0;
  std::unordered_map<uint64_t, Napi::FunctionReference> loggers_;
  std::set<JsOwner*> owners_;
  std::set<TeardownWorker*> workers_;
  std::shared_ptr<EnvContext> self_for_hook_;
};

}  // namespace temporal_native
