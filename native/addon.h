// Per-environment addon data: the context and the (JS-invisible) constructors of the wrappers.
#pragma once

#include <napi.h>

#include <memory>

#include "env_context.h"

namespace temporal_native {

struct AddonData {
  std::shared_ptr<EnvContext> ctx;
  Napi::FunctionReference runtime_class;
  Napi::FunctionReference connection_class;
  Napi::FunctionReference worker_class;
  Napi::FunctionReference replayer_class;
};

AddonData* GetAddonData(Napi::Env env);

// Wrappers are created natively only: their constructors take an External to the handle.
template <class T>
T* ExternalArg(const Napi::CallbackInfo& info, const char* what) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " objects cannot be constructed from JavaScript");
  }
  return info[0].As<Napi::External<T>>().Data();
}

}  // namespace temporal_native
