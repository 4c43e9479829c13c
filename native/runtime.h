// The core runtime (Tokio + telemetry), its handle and its JS object.
#pragma once

#include <napi.h>

#include <memory>

#include "core_library.h"
#include "env_context.h"
#include "metric_meter.h"
#include "refcounted.h"

namespace temporal_native {

class RuntimeHandle : public RefCounted {
 public:
  RuntimeHandle(const CoreApi* api, TemporalCoreRuntime* raw, std::shared_ptr<EnvContext> ctx, uint64_t log_route,
                bool free_in_background)
      : api(api), raw(raw), ctx(std::move(ctx)), log_route_(log_route), free_in_background_(free_in_background) {}
  ~RuntimeHandle() override;

  const CoreApi* const api;
  TemporalCoreRuntime* const raw;
  const std::shared_ptr<EnvContext> ctx;
  // The core's meter, made on the first createMetric; freed before the runtime.
  RefPtr<MetricMeterHandle> meter;
  bool meter_checked = false;

 private:
  const uint64_t log_route_;  // 0: no logger
  // runtime_free of a runtime with an OTLP exporter waits for the exporter's shutdown (about 5 s
  // with a live collector connection): it then runs on a thread of its own, not the JS thread.
  const bool free_in_background_;
};

// Waits for every runtime still being freed in the background (environment teardown calls it, so
// that no core code runs past the process's exit).
void JoinBackgroundRuntimeFrees();

class RuntimeObject : public Napi::ObjectWrap<RuntimeObject>, public JsOwner {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  // createRuntime(libraryPath: string, options?: RuntimeOptions): Runtime
  static Napi::Value Create(const Napi::CallbackInfo& info);

  explicit RuntimeObject(const Napi::CallbackInfo& info);
  ~RuntimeObject() override;
  void DropJsRef() override { handle_.reset(); }

 private:
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value CreateReplayer(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  // createMetric(kind, name, unit, description): number | null (null: no metrics exporter)
  Napi::Value CreateMetric(const Napi::CallbackInfo& info);
  // recordMetric(id, value, attributes?): void
  Napi::Value RecordMetric(const Napi::CallbackInfo& info);
  RuntimeHandle* Live(Napi::Env env, const char* method);

  RefPtr<RuntimeHandle> handle_;
  std::shared_ptr<EnvContext> ctx_;
};

}  // namespace temporal_native
