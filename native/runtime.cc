#include "runtime.h"

#include "addon.h"
#include "byte_array.h"
#include "connection.h"
#include "errors.h"
#include "log_forwarder.h"
#include "options.h"
#include "replayer.h"

namespace temporal_native {

RuntimeHandle::~RuntimeHandle() {
  // Free first, then close the log route: lines logged while the runtime shuts down still
  // find a valid (static) callback and are simply dropped after the route is gone.
  api->runtime_free(raw);
  if (log_route_ != 0) {
    LogForwarder::Unregister(log_route_);
    ctx->ClearLogger(log_route_);
  }
}

Napi::Function RuntimeObject::DefineClass(Napi::Env env) {
  return ObjectWrap<RuntimeObject>::DefineClass(env, "Runtime",
      {InstanceMethod<&RuntimeObject::Connect>("connect"),
       InstanceMethod<&RuntimeObject::CreateReplayer>("createReplayer"),
       InstanceMethod<&RuntimeObject::Close>("close")});
}

Napi::Value RuntimeObject::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetAddonData(env);
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "createRuntime libraryPath must be a string");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Napi::Function logger;
  std::unique_ptr<RuntimeOptionsHolder> options = ToRuntimeOptions(info[1], &logger);

  CoreLoadError load_error;
  const CoreApi* api = LoadCoreLibrary(path, &load_error);
  if (api == nullptr) throw MakeLibraryError(env, load_error);

  uint64_t log_route = 0;
  if (options->has_logger) {
    log_route = LogForwarder::Register(api, data->ctx, !options->default_logger);
    if (log_route == 0) {
      throw MakeError(env, "core",
                      "Another runtime already forwards core logs to its own logger in this process; the core's log "
                      "callback carries no context, so only one runtime at a time can have an explicit logger");
    }
    data->ctx->SetLogger(log_route, logger);
    options->logging.forward_to = &LogForwarder::Forward;
  }

  TemporalCoreRuntimeOrFail result = api->runtime_new(&options->options);
  if (result.fail != nullptr) {
    std::string message = CoreBytes(api, result.fail).ToString();
    if (result.runtime != nullptr) api->runtime_free(result.runtime);
    if (log_route != 0) {
      LogForwarder::Unregister(log_route);
      data->ctx->ClearLogger(log_route);
    }
    throw MakeError(env, "core", "Failed to create the core runtime: " + message);
  }
  auto* handle = new RuntimeHandle(api, result.runtime, data->ctx, log_route);
  RefPtr<RuntimeHandle> keep(handle);
  return data->runtime_class.New({Napi::External<RuntimeHandle>::New(env, handle)});
}

RuntimeObject::RuntimeObject(const Napi::CallbackInfo& info) : ObjectWrap<RuntimeObject>(info) {
  handle_ = RefPtr<RuntimeHandle>(ExternalArg<RuntimeHandle>(info, "Runtime"));
  ctx_ = handle_->ctx;
  ctx_->TrackOwner(this);
}

RuntimeObject::~RuntimeObject() { ctx_->UntrackOwner(this); }

RuntimeHandle* RuntimeObject::Live(Napi::Env env, const char* method) {
  if (!handle_) throw MakeError(env, "state", std::string("Runtime.") + method + ": the runtime is closed");
  return handle_.get();
}

Napi::Value RuntimeObject::Connect(const Napi::CallbackInfo& info) {
  return StartConnect(info.Env(), RefPtr<RuntimeHandle>(Live(info.Env(), "connect")), info[0]);
}

Napi::Value RuntimeObject::CreateReplayer(const Napi::CallbackInfo& info) {
  return ReplayerObject::Create(info.Env(), RefPtr<RuntimeHandle>(Live(info.Env(), "createReplayer")), info[0]);
}

Napi::Value RuntimeObject::Close(const Napi::CallbackInfo& info) {
  // Connections and workers made from this runtime keep it alive until they are freed.
  handle_.reset();
  return info.Env().Undefined();
}

}  // namespace temporal_native
