#include "worker.h"

#include <string>
#include <vector>

#include "addon.h"
#include "byte_array.h"
#include "call.h"
#include "errors.h"
#include "options.h"

namespace temporal_native {

namespace {

const char* const kPollNames[2] = {"workflow", "activity"};

// Every async worker method reports failures through its promise, never by throwing.
template <class Fn>
Napi::Value AsPromise(Napi::Env env, Fn&& fn) {
  try {
    return fn();
  } catch (const Napi::Error& error) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(error.Value());
    return deferred.Promise();
  }
}

Napi::Value Resolved(Napi::Env env, Napi::Value value) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Resolve(value);
  return deferred.Promise();
}

class WorkerCall : public Call {
 public:
  enum class Kind { kValidate, kPoll, kComplete, kFinalize };

  WorkerCall(RefPtr<WorkerHandle> worker, Kind kind, PollKind poll = kWorkflowPoll)
      : Call(worker->ctx()), worker_(std::move(worker)), kind_(kind), poll_(poll) {}

  std::vector<uint8_t> input;  // completion bytes, alive until the callback

  void Begin() {
    WorkerHandle* w = worker_.get();
    const CoreApi* api = w->api();
    switch (kind_) {
      case Kind::kValidate:
        w->OpStarted();
        api->worker_validate(w->raw(), this, &WorkerCall::DoneCallback);
        break;
      case Kind::kPoll:
        w->PollStarted(poll_);
        if (poll_ == kWorkflowPoll) {
          api->worker_poll_workflow_activation(w->raw(), this, &WorkerCall::PollCallback);
        } else {
          api->worker_poll_activity_task(w->raw(), this, &WorkerCall::PollCallback);
        }
        break;
      case Kind::kComplete:
        w->OpStarted();
        if (poll_ == kWorkflowPoll) {
          api->worker_complete_workflow_activation(w->raw(), ByteRef(input), this, &WorkerCall::DoneCallback);
        } else {
          api->worker_complete_activity_task(w->raw(), ByteRef(input), this, &WorkerCall::DoneCallback);
        }
        break;
      case Kind::kFinalize:
        w->FinalizeStarted();
        api->worker_finalize_shutdown(w->raw(), this, &WorkerCall::DoneCallback);
        break;
    }
  }

  void DiscardOffThread() override {
    success_.reset();
    fail_.reset();
  }

 private:
  static void PollCallback(void* user_data, const TemporalCoreByteArray* success,
                           const TemporalCoreByteArray* fail) noexcept {
    auto* call = static_cast<WorkerCall*>(user_data);
    call->success_ = CoreBytes(call->worker_->api(), success);
    call->fail_ = CoreBytes(call->worker_->api(), fail);
    call->Delivered();
  }

  static void DoneCallback(void* user_data, const TemporalCoreByteArray* fail) noexcept {
    auto* call = static_cast<WorkerCall*>(user_data);
    call->fail_ = CoreBytes(call->worker_->api(), fail);
    call->Delivered();
  }

  void OnFinished() override {
    switch (kind_) {
      case Kind::kPoll:
        worker_->PollFinished(poll_, !success_ && !fail_);
        break;
      case Kind::kValidate:
      case Kind::kComplete:
        worker_->OpFinished();
        break;
      case Kind::kFinalize:
        worker_->FinalizeFinished();
        break;
    }
  }

  void OnResult(Napi::Env env) override {
    if (fail_) {
      std::string what = kind_ == Kind::kFinalize ? "Finalize shutdown failed: "
                         : kind_ == Kind::kValidate ? "Worker validation failed: "
                         : kind_ == Kind::kPoll ? std::string(kPollNames[poll_]) + " poll failed: "
                                                : std::string(kPollNames[poll_]) + " completion failed: ";
      Reject(env, MakeError(env, "core", what + fail_.ToString()).Value());
    } else if (kind_ == Kind::kPoll) {
      Resolve(env, success_ ? Napi::Value(success_.ToBuffer(env)) : env.Null());
    } else {
      Resolve(env, env.Undefined());
    }
  }

  RefPtr<WorkerHandle> worker_;
  Kind kind_;
  PollKind poll_;
  CoreBytes success_, fail_;
};

}  // namespace

WorkerHandle::WorkerHandle(RefPtr<RuntimeHandle> runtime, RefPtr<ConnectionHandle> connection, TemporalCoreWorker* raw,
                           TemporalCoreWorkerReplayPusher* pusher, const WorkerOptionsHolder& options)
    : api_(runtime->api),
      ctx_(runtime->ctx),
      runtime_(std::move(runtime)),
      connection_(std::move(connection)),
      raw_(raw),
      pusher_(pusher) {
  enabled_[kWorkflowPoll] = options.polls_workflows();
  enabled_[kActivityPoll] = options.polls_activities();
  ctx()->TrackWorker(this);
}

WorkerHandle::~WorkerHandle() {
  ctx()->UntrackWorker(this);
  ReleasePusher();
  // A worker that never finalized is still freed; one that finalized was freed already. The core
  // releases a worker's registration on its client only when shutdown is initiated, so a worker
  // dropped while running is shut down first: otherwise its namespace and task queue stay taken
  // and every later worker for them on that connection is refused.
  if (raw_ != nullptr) {
    if (state_ == WorkerState::kRunning) api()->worker_initiate_shutdown(raw_);
    api()->worker_free(raw_);
  }
}

void WorkerHandle::ClosePusher() {
  if (pusher_ != nullptr) api()->worker_replay_pusher_free(std::exchange(pusher_, nullptr));
}

void WorkerHandle::ReleasePusher() {
  if (pusher_ == nullptr) return;
  // An unpatched C bridge borrows the pusher in a task that may still be waiting to send the last
  // pushed history; freeing it then is a use after free. Leaking one small box is the safe choice
  // there. Our patched library (third_party/core-patches/0002) never borrows it.
  if (pushed_ && !api()->PushesWithoutBorrow()) {
    pusher_ = nullptr;
    return;
  }
  ClosePusher();
}

void WorkerHandle::RequireUsable(Napi::Env env, const char* method) const {
  if (state_ == WorkerState::kFinalizing || state_ == WorkerState::kFinalized) {
    throw MakeError(env, "state",
                    std::string("Worker.") + method + ": the worker has been finalized; no further calls are allowed");
  }
}

void WorkerHandle::Initiate() {
  if (state_ != WorkerState::kRunning) return;
  state_ = WorkerState::kShutdownInitiated;
  api()->worker_initiate_shutdown(raw_);
}

std::string WorkerHandle::FinalizeBlocker() const {
  if (state_ == WorkerState::kRunning) return "call initiateShutdown() first";
  if (state_ != WorkerState::kShutdownInitiated) return "the worker is already finalized";
  std::string missing;
  for (int kind = 0; kind < 2; kind++) {
    if (polls_in_flight_[kind] > 0) {
      missing += std::string(missing.empty() ? "" : "; ") + std::to_string(polls_in_flight_[kind]) + " " +
                 kPollNames[kind] + " poll(s) still in flight";
    } else if (enabled_[kind] && !drained_[kind]) {
      missing += std::string(missing.empty() ? "" : "; ") + "the " + kPollNames[kind] +
                 " poller has not been drained (poll until it returns null)";
    }
  }
  if (ops_in_flight_ > 0) {
    missing += std::string(missing.empty() ? "" : "; ") + std::to_string(ops_in_flight_) +
               " completion/validate call(s) still in flight";
  }
  return missing;
}

void WorkerHandle::PollFinished(PollKind kind, bool shut_down) {
  polls_in_flight_[kind]--;
  if (shut_down) drained_[kind] = true;
}

void WorkerHandle::FinalizeFinished() {
  state_ = WorkerState::kFinalized;
  ReleasePusher();
  api()->worker_free(std::exchange(raw_, nullptr));
  connection_.reset();
  runtime_.reset();
}

void WorkerHandle::TeardownInitiate() {
  if (state_ == WorkerState::kRunning) Initiate();
}

bool WorkerHandle::TeardownFinalizeIfReady(Napi::Env env) {
  if (state_ != WorkerState::kShutdownInitiated || !FinalizeBlocker().empty()) return false;
  StartFinalize(env, this, false);
  return true;
}

Napi::Value StartFinalize(Napi::Env env, WorkerHandle* handle, bool awaited) {
  auto* call = new WorkerCall(RefPtr<WorkerHandle>(handle), WorkerCall::Kind::kFinalize);
  Napi::Value promise = call->Start(env, awaited);
  call->Begin();
  return promise;
}

Napi::Value CreateWorkerObject(Napi::Env env, RefPtr<ConnectionHandle> connection, Napi::Value options) {
  auto holder = ToWorkerOptions(options);
  const CoreApi* api = connection->runtime->api;
  TemporalCoreWorkerOrFail result = api->worker_new(connection->raw, &holder->options);
  if (result.fail != nullptr) {
    std::string message = CoreBytes(api, result.fail).ToString();
    if (result.worker != nullptr) api->worker_free(result.worker);
    throw MakeError(env, "core", "Worker creation failed: " + message);
  }
  auto* handle = new WorkerHandle(connection->runtime, connection, result.worker, nullptr, *holder);
  RefPtr<WorkerHandle> keep(handle);
  return NewWorkerObject(env, handle);
}

Napi::Object NewWorkerObject(Napi::Env env, WorkerHandle* handle) {
  return GetAddonData(env)->worker_class.New({Napi::External<WorkerHandle>::New(env, handle)});
}

Napi::Function WorkerObject::DefineClass(Napi::Env env) {
  return ObjectWrap<WorkerObject>::DefineClass(env, "Worker",
      {InstanceMethod<&WorkerObject::Validate>("validate"),
       InstanceMethod<&WorkerObject::PollWorkflowActivation>("pollWorkflowActivation"),
       InstanceMethod<&WorkerObject::PollActivityTask>("pollActivityTask"),
       InstanceMethod<&WorkerObject::CompleteWorkflowActivation>("completeWorkflowActivation"),
       InstanceMethod<&WorkerObject::CompleteActivityTask>("completeActivityTask"),
       InstanceMethod<&WorkerObject::RecordActivityHeartbeat>("recordActivityHeartbeat"),
       InstanceMethod<&WorkerObject::RequestWorkflowEviction>("requestWorkflowEviction"),
       InstanceMethod<&WorkerObject::InitiateShutdown>("initiateShutdown"),
       InstanceMethod<&WorkerObject::FinalizeShutdown>("finalizeShutdown"),
       InstanceAccessor<&WorkerObject::GetState>("state")});
}

WorkerObject::WorkerObject(const Napi::CallbackInfo& info) : ObjectWrap<WorkerObject>(info) {
  handle_ = RefPtr<WorkerHandle>(ExternalArg<WorkerHandle>(info, "Worker"));
  ctx_ = handle_->ctx();
  ctx_->TrackOwner(this);
}

WorkerObject::~WorkerObject() { ctx_->UntrackOwner(this); }

WorkerHandle* WorkerObject::Live(Napi::Env env, const char* method) {
  if (!handle_) throw MakeError(env, "state", std::string("Worker.") + method + ": the worker has been released");
  handle_->RequireUsable(env, method);
  return handle_.get();
}

Napi::Value WorkerObject::Validate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsPromise(env, [&]() -> Napi::Value {
    auto* call = new WorkerCall(RefPtr<WorkerHandle>(Live(env, "validate")), WorkerCall::Kind::kValidate);
    Napi::Value promise = call->Start(env);
    call->Begin();
    return promise;
  });
}

Napi::Value WorkerObject::Poll(Napi::Env env, PollKind kind) {
  const char* method = kind == kWorkflowPoll ? "pollWorkflowActivation" : "pollActivityTask";
  return AsPromise(env, [&]() -> Napi::Value {
    WorkerHandle* handle = Live(env, method);
    if (!handle->polls(kind)) {
      throw MakeError(env, "state", std::string("Worker.") + method + ": this worker's taskTypes do not include " +
                                        kPollNames[kind] + " tasks");
    }
    // Once a poller has answered "shut down" it stays shut down; do not ask the core again.
    if (handle->drained(kind)) return Resolved(env, env.Null());
    auto* call = new WorkerCall(RefPtr<WorkerHandle>(handle), WorkerCall::Kind::kPoll, kind);
    Napi::Value promise = call->Start(env);
    call->Begin();
    return promise;
  });
}

Napi::Value WorkerObject::PollWorkflowActivation(const Napi::CallbackInfo& info) {
  return Poll(info.Env(), kWorkflowPoll);
}

Napi::Value WorkerObject::PollActivityTask(const Napi::CallbackInfo& info) { return Poll(info.Env(), kActivityPoll); }

Napi::Value WorkerObject::Complete(const Napi::CallbackInfo& info, PollKind kind) {
  Napi::Env env = info.Env();
  const char* method = kind == kWorkflowPoll ? "completeWorkflowActivation" : "completeActivityTask";
  return AsPromise(env, [&]() -> Napi::Value {
    WorkerHandle* handle = Live(env, method);
    std::vector<uint8_t> bytes = CopyBytes(info[0], (std::string(method) + " completion").c_str());
    auto* call = new WorkerCall(RefPtr<WorkerHandle>(handle), WorkerCall::Kind::kComplete, kind);
    call->input = std::move(bytes);
    Napi::Value promise = call->Start(env);
    call->Begin();
    return promise;
  });
}

Napi::Value WorkerObject::CompleteWorkflowActivation(const Napi::CallbackInfo& info) {
  return Complete(info, kWorkflowPoll);
}

Napi::Value WorkerObject::CompleteActivityTask(const Napi::CallbackInfo& info) { return Complete(info, kActivityPoll); }

Napi::Value WorkerObject::RecordActivityHeartbeat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  WorkerHandle* handle = Live(env, "recordActivityHeartbeat");
  std::vector<uint8_t> bytes = CopyBytes(info[0], "recordActivityHeartbeat heartbeat");
  CoreBytes fail(handle->api(), handle->api()->worker_record_activity_heartbeat(handle->raw(), ByteRef(bytes)));
  if (fail) throw MakeError(env, "core", "Recording the activity heartbeat failed: " + fail.ToString());
  return env.Undefined();
}

Napi::Value WorkerObject::RequestWorkflowEviction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  WorkerHandle* handle = Live(env, "requestWorkflowEviction");
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "requestWorkflowEviction runId must be a string");
  std::string run_id = info[0].As<Napi::String>().Utf8Value();
  if (run_id.empty()) throw Napi::TypeError::New(env, "requestWorkflowEviction runId must not be empty");
  // The core has no workflow cache to evict from (debug builds of the core panic here).
  if (!handle->polls(kWorkflowPoll)) {
    throw MakeError(env, "state", "Worker.requestWorkflowEviction: the worker was created without workflows (taskTypes.workflows is false)");
  }
  handle->api()->worker_request_workflow_eviction(handle->raw(), ByteRef(run_id));
  return env.Undefined();
}

Napi::Value WorkerObject::InitiateShutdown(const Napi::CallbackInfo& info) {
  Live(info.Env(), "initiateShutdown")->Initiate();
  return info.Env().Undefined();
}

Napi::Value WorkerObject::FinalizeShutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsPromise(env, [&]() -> Napi::Value {
    WorkerHandle* handle = Live(env, "finalizeShutdown");
    std::string blocker = handle->FinalizeBlocker();
    if (!blocker.empty()) {
      throw MakeError(env, "state", "Worker.finalizeShutdown: not allowed yet: " + blocker +
                                        ". Order: initiateShutdown, drain every poller to null, await every "
                                        "completion, then finalizeShutdown");
    }
    return StartFinalize(env, handle, true);
  });
}

Napi::Value WorkerObject::GetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) return Napi::String::New(env, "released");
  switch (handle_->state()) {
    case WorkerState::kRunning: return Napi::String::New(env, "running");
    case WorkerState::kShutdownInitiated: return Napi::String::New(env, "shutting-down");
    case WorkerState::kFinalizing: return Napi::String::New(env, "finalizing");
    case WorkerState::kFinalized: return Napi::String::New(env, "finalized");
  }
  return env.Undefined();
}

}  // namespace temporal_native
