#include "replayer.h"

#include "addon.h"
#include "byte_array.h"
#include "errors.h"
#include "options.h"

namespace temporal_native {

Napi::Function ReplayerObject::DefineClass(Napi::Env env) {
  return ObjectWrap<ReplayerObject>::DefineClass(env, "Replayer",
      {InstanceMethod<&ReplayerObject::PushHistory>("pushHistory"),
       InstanceMethod<&ReplayerObject::CloseHistoryStream>("closeHistoryStream")});
}

Napi::Value ReplayerObject::Create(Napi::Env env, RefPtr<RuntimeHandle> runtime, Napi::Value options) {
  auto holder = ToReplayerOptions(options);
  const CoreApi* api = runtime->api;
  TemporalCoreWorkerReplayerOrFail result = api->worker_replayer_new(runtime->raw, &holder->options);
  if (result.fail != nullptr) {
    std::string message = CoreBytes(api, result.fail).ToString();
    if (result.worker_replay_pusher != nullptr) api->worker_replay_pusher_free(result.worker_replay_pusher);
    if (result.worker != nullptr) api->worker_free(result.worker);
    throw MakeError(env, "core", "Replayer creation failed: " + message);
  }
  auto* handle = new WorkerHandle(runtime, RefPtr<ConnectionHandle>(), result.worker, result.worker_replay_pusher, *holder);
  RefPtr<WorkerHandle> keep(handle);
  Napi::Object replayer = GetAddonData(env)->replayer_class.New({Napi::External<WorkerHandle>::New(env, handle)});
  replayer.DefineProperty(Napi::PropertyDescriptor::Value("worker", NewWorkerObject(env, handle), napi_enumerable));
  return replayer;
}

ReplayerObject::ReplayerObject(const Napi::CallbackInfo& info) : ObjectWrap<ReplayerObject>(info) {
  handle_ = RefPtr<WorkerHandle>(ExternalArg<WorkerHandle>(info, "Replayer"));
  ctx_ = handle_->ctx();
  ctx_->TrackOwner(this);
}

ReplayerObject::~ReplayerObject() { ctx_->UntrackOwner(this); }

Napi::Value ReplayerObject::PushHistory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) throw MakeError(env, "state", "Replayer.pushHistory: the replayer has been released");
  handle_->RequireUsable(env, "pushHistory");
  if (handle_->pusher() == nullptr) {
    throw MakeError(env, "state", "Replayer.pushHistory: the history stream is closed");
  }
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "pushHistory workflowId must be a string");
  std::string workflow_id = info[0].As<Napi::String>().Utf8Value();
  if (workflow_id.empty()) throw Napi::TypeError::New(env, "pushHistory workflowId must not be empty");
  std::vector<uint8_t> history = CopyBytes(info[1], "pushHistory history");
  const CoreApi* api = handle_->api();
  TemporalCoreWorkerReplayPushResult result =
      api->worker_replay_push(handle_->raw(), handle_->pusher(), ByteRef(workflow_id), ByteRef(history));
  CoreBytes fail(api, result.fail);
  if (fail) throw MakeError(env, "core", "Pushing the history failed: " + fail.ToString());
  handle_->NotePush();
  return env.Undefined();
}

Napi::Value ReplayerObject::CloseHistoryStream(const Napi::CallbackInfo& info) {
  if (handle_) handle_->ClosePusher();
  return info.Env().Undefined();
}

}  // namespace temporal_native
