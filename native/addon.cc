// Module entry: per-environment data and the exported API.
//
//   createRuntime(libraryPath: string, options?: RuntimeOptions): Runtime
//   entryPoints: string[]   — every C bridge symbol the addon resolves
#include <napi.h>

#include "addon.h"
#include "connection.h"
#include "replayer.h"
#include "runtime.h"
#include "worker.h"

namespace temporal_native {

AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->ctx = EnvContext::Create(env);
  data->runtime_class = Napi::Persistent(RuntimeObject::DefineClass(env));
  data->connection_class = Napi::Persistent(ConnectionObject::DefineClass(env));
  data->worker_class = Napi::Persistent(WorkerObject::DefineClass(env));
  data->replayer_class = Napi::Persistent(ReplayerObject::DefineClass(env));
  env.SetInstanceData<AddonData>(data);

  exports.Set("createRuntime", Napi::Function::New(env, &RuntimeObject::Create, "createRuntime"));
  Napi::Array entry_points = Napi::Array::New(env);
  uint32_t index = 0;
#define TN_CORE_FN(name) entry_points.Set(index++, Napi::String::New(env, "temporal_core_" #name));
#include "core_functions.inc"
#undef TN_CORE_FN
  exports.Set("entryPoints", entry_points);
  return exports;
}

}  // namespace temporal_native

static Napi::Object InitTemporalNative(Napi::Env env, Napi::Object exports) {
  return temporal_native::Init(env, exports);
}

NODE_API_MODULE(temporal_native, InitTemporalNative)
