// A core client connection: connect, rpcCall with cancellation, metadata / API key updates.
#pragma once

#include <napi.h>

#include "env_context.h"
#include "refcounted.h"
#include "runtime.h"

namespace temporal_native {

class ConnectionHandle : public RefCounted {
 public:
  ConnectionHandle(RefPtr<RuntimeHandle> runtime, TemporalCoreConnection* raw) : runtime(std::move(runtime)), raw(raw) {}
  ~ConnectionHandle() override { runtime->api->client_free(raw); }

  const RefPtr<RuntimeHandle> runtime;
  TemporalCoreConnection* const raw;
};

// runtime.connect(options): Promise<Connection>
Napi::Value StartConnect(Napi::Env env, RefPtr<RuntimeHandle> runtime, Napi::Value options);

class ConnectionObject : public Napi::ObjectWrap<ConnectionObject>, public JsOwner {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit ConnectionObject(const Napi::CallbackInfo& info);
  ~ConnectionObject() override;
  void DropJsRef() override { handle_.reset(); }

 private:
  Napi::Value RpcCall(const Napi::CallbackInfo& info);
  Napi::Value UpdateMetadata(const Napi::CallbackInfo& info);
  Napi::Value UpdateBinaryMetadata(const Napi::CallbackInfo& info);
  Napi::Value UpdateApiKey(const Napi::CallbackInfo& info);
  Napi::Value CreateWorker(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  ConnectionHandle* Live(Napi::Env env, const char* method);

  RefPtr<ConnectionHandle> handle_;
  std::shared_ptr<EnvContext> ctx_;
};

}  // namespace temporal_native
