// A replay worker plus the pusher that feeds it histories.
#pragma once

#include <napi.h>

#include "env_context.h"
#include "refcounted.h"
#include "runtime.h"
#include "worker.h"

namespace temporal_native {

class ReplayerObject : public Napi::ObjectWrap<ReplayerObject>, public JsOwner {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  // runtime.createReplayer(options): Replayer
  static Napi::Value Create(Napi::Env env, RefPtr<RuntimeHandle> runtime, Napi::Value options);

  explicit ReplayerObject(const Napi::CallbackInfo& info);
  ~ReplayerObject() override;
  void DropJsRef() override { handle_.reset(); }

 private:
  Napi::Value PushHistory(const Napi::CallbackInfo& info);
  Napi::Value CloseHistoryStream(const Napi::CallbackInfo& info);

  RefPtr<WorkerHandle> handle_;
  std::shared_ptr<EnvContext> ctx_;
};

}  // namespace temporal_native
