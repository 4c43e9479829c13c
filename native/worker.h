// A core worker: its handle carries the shutdown state machine, its JS object the calls.
//
// Order enforced here (the real core aborts the process on any call after finalize, and hangs
// finalize while a poller is undrained):
//   running → initiateShutdown → every enabled poller returned null and no poll / completion /
//   validate in flight → finalizeShutdown → finalized (core worker freed, every call refused).
#pragma once

#include <napi.h>

#include <memory>

#include "connection.h"
#include "env_context.h"
#include "refcounted.h"
#include "runtime.h"

namespace temporal_native {

struct WorkerOptionsHolder;

enum class WorkerState { kRunning, kShutdownInitiated, kFinalizing, kFinalized };
enum PollKind { kWorkflowPoll = 0, kActivityPoll = 1 };

class WorkerHandle : public RefCounted, public TeardownWorker {
 public:
  WorkerHandle(RefPtr<RuntimeHandle> runtime, RefPtr<ConnectionHandle> connection, TemporalCoreWorker* raw,
               TemporalCoreWorkerReplayPusher* pusher, const WorkerOptionsHolder& options);
  ~WorkerHandle() override;

  const CoreApi* api() const { return api_; }
  const std::shared_ptr<EnvContext>& ctx() const { return ctx_; }
  TemporalCoreWorker* raw() const { return raw_; }
  TemporalCoreWorkerReplayPusher* pusher() const { return pusher_; }
  void NotePush() { pushed_ = true; }
  // closeHistoryStream: the caller has polled the activation of the last pushed history.
  void ClosePusher();
  // Finalize and destruction, where a push may still be pending: see the .cc.
  void ReleasePusher();
  WorkerState state() const { return state_; }
  bool polls(PollKind kind) const { return enabled_[kind]; }
  bool drained(PollKind kind) const { return drained_[kind]; }

  // Throws a "state" error unless the worker may still reach the core.
  void RequireUsable(Napi::Env env, const char* method) const;
  void Initiate();
  // Empty when finalize may start now; otherwise what still has to happen, in words.
  std::string FinalizeBlocker() const;
  // Marks the start / end of operations (JS thread).
  void PollStarted(PollKind kind) { polls_in_flight_[kind]++; }
  void PollFinished(PollKind kind, bool shut_down);
  void OpStarted() { ops_in_flight_++; }
  void OpFinished() { ops_in_flight_--; }
  void FinalizeStarted() { state_ = WorkerState::kFinalizing; }
  // The core worker is done: free it now; later calls are refused without reaching the core.
  void FinalizeFinished();

  void TeardownInitiate() override;
  bool TeardownFinalizeIfReady(Napi::Env env) override;

 private:
  const CoreApi* const api_;
  const std::shared_ptr<EnvContext> ctx_;
  // Released as soon as the worker finalizes, so that a lingering JS worker object does not keep
  // the connection or the runtime alive.
  RefPtr<RuntimeHandle> runtime_;
  RefPtr<ConnectionHandle> connection_;  // empty for a replayer's worker
  TemporalCoreWorker* raw_;
  TemporalCoreWorkerReplayPusher* pusher_;
  bool pushed_ = false;
  WorkerState state_ = WorkerState::kRunning;
  bool enabled_[2];
  bool drained_[2] = {false, false};
  int polls_in_flight_[2] = {0, 0};
  int ops_in_flight_ = 0;
};

// connection.createWorker(options): Worker
Napi::Value CreateWorkerObject(Napi::Env env, RefPtr<ConnectionHandle> connection, Napi::Value options);
// Wraps an existing handle (used by the replayer).
Napi::Object NewWorkerObject(Napi::Env env, WorkerHandle* handle);
// Starts finalize; `awaited` false during teardown.
Napi::Value StartFinalize(Napi::Env env, WorkerHandle* handle, bool awaited);

class WorkerObject : public Napi::ObjectWrap<WorkerObject>, public JsOwner {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit WorkerObject(const Napi::CallbackInfo& info);
  ~WorkerObject() override;
  void DropJsRef() override { handle_.reset(); }

 private:
  Napi::Value Validate(const Napi::CallbackInfo& info);
  Napi::Value PollWorkflowActivation(const Napi::CallbackInfo& info);
  Napi::Value PollActivityTask(const Napi::CallbackInfo& info);
  Napi::Value CompleteWorkflowActivation(const Napi::CallbackInfo& info);
  Napi::Value CompleteActivityTask(const Napi::CallbackInfo& info);
  Napi::Value RecordActivityHeartbeat(const Napi::CallbackInfo& info);
  Napi::Value RequestWorkflowEviction(const Napi::CallbackInfo& info);
  Napi::Value InitiateShutdown(const Napi::CallbackInfo& info);
  Napi::Value FinalizeShutdown(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value Poll(Napi::Env env, PollKind kind);
  Napi::Value Complete(const Napi::CallbackInfo& info, PollKind kind);
  WorkerHandle* Live(Napi::Env env, const char* method);

  RefPtr<WorkerHandle> handle_;
  std::shared_ptr<EnvContext> ctx_;
};

}  // namespace temporal_native
