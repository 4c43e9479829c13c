#include "runtime.h"

#include <mutex>
#include <thread>
#include <vector>

#include "addon.h"
#include "byte_array.h"
#include "connection.h"
#include "errors.h"
#include "log_forwarder.h"
#include "options.h"
#include "replayer.h"

namespace temporal_native {

namespace {

// Never destroyed: a teardown may still join them while statics are being destroyed.
std::mutex& g_free_mutex = *new std::mutex();
std::vector<std::thread>& g_free_threads = *new std::vector<std::thread>();

}  // namespace

void JoinBackgroundRuntimeFrees() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(g_free_mutex);
    threads.swap(g_free_threads);
  }
  for (std::thread& thread : threads) thread.join();
}

RuntimeHandle::~RuntimeHandle() {
  meter.reset();  // metrics and meter first: they belong to this runtime's telemetry
  if (free_in_background_) {
    // The log route closes first here: lines the core logs while it shuts down are dropped by the
    // (static) callback instead of reaching a JS thread that no longer waits for them.
    if (log_route_ != 0) {
      LogForwarder::Unregister(log_route_);
      ctx->ClearLogger(log_route_);
    }
    const CoreApi* core = api;
    TemporalCoreRuntime* runtime = raw;
    std::lock_guard<std::mutex> lock(g_free_mutex);
    g_free_threads.emplace_back([core, runtime] { core->runtime_free(runtime); });
    return;
  }
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
       InstanceMethod<&RuntimeObject::Close>("close"),
       InstanceMethod<&RuntimeObject::CreateMetric>("createMetric"),
       InstanceMethod<&RuntimeObject::RecordMetric>("recordMetric")});
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
  auto* handle = new RuntimeHandle(api, result.runtime, data->ctx, log_route, options->metrics.opentelemetry != nullptr);
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

Napi::Value RuntimeObject::CreateMetric(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RuntimeHandle* handle = Live(env, "createMetric");
  MetricMeterHandle::Kind kind;
  if (!info[0].IsString() || !MetricMeterHandle::ParseKind(info[0].As<Napi::String>().Utf8Value(), &kind)) {
    throw Napi::TypeError::New(env, "createMetric kind must be one of counter, histogram, histogram-f64, gauge, "
                                    "gauge-f64, up-down-counter");
  }
  std::string text[3];
  const char* names[3] = {"name", "unit", "description"};
  for (int i = 0; i < 3; i++) {
    if (!info[i + 1].IsString()) throw Napi::TypeError::New(env, std::string("createMetric ") + names[i] + " must be a string");
    text[i] = info[i + 1].As<Napi::String>().Utf8Value();
  }
  if (text[0].empty()) throw Napi::TypeError::New(env, "createMetric name must not be empty");
  if (!handle->api->HasMetrics()) {
    throw MakeError(env, "library", "The Temporal core library at " + handle->api->path +
                                        " lacks the metric entry points (temporal_core_metric_*)");
  }
  if (!handle->meter_checked) {
    handle->meter = MetricMeterHandle::Create(handle->api, handle->raw);
    handle->meter_checked = true;
  }
  if (!handle->meter) return env.Null();
  return Napi::Number::New(env, handle->meter->Define(kind, text[0], text[1], text[2]));
}

Napi::Value RuntimeObject::RecordMetric(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RuntimeHandle* handle = Live(env, "recordMetric");
  if (!handle->meter) throw MakeError(env, "state", "Runtime.recordMetric: no metric was created on this runtime");
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "recordMetric id must be a number");
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "recordMetric value must be a number");
  double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 0 && id < 4294967296.0) || id != static_cast<double>(static_cast<uint32_t>(id))) {
    throw Napi::RangeError::New(env, "recordMetric id does not name a metric of this runtime");
  }
  handle->meter->Record(env, static_cast<uint32_t>(id), info[1].As<Napi::Number>().DoubleValue(), info[2]);
  return env.Undefined();
}

}  // namespace temporal_native
