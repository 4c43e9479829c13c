#include "connection.h"

#include "addon.h"
#include "byte_array.h"
#include "call.h"
#include "errors.h"
#include "options.h"
#include "worker.h"

namespace temporal_native {

namespace {

class ConnectCall : public Call {
 public:
  ConnectCall(RefPtr<RuntimeHandle> runtime, std::unique_ptr<ConnectOptionsHolder> options)
      : Call(runtime->ctx), runtime_(std::move(runtime)), options_(std::move(options)) {}

  void Begin() { runtime_->api->client_connect(runtime_->raw, &options_->options, this, &ConnectCall::Callback); }

  void DiscardOffThread() override { fail_.reset(); }

 private:
  static void Callback(void* user_data, TemporalCoreConnection* success, const TemporalCoreByteArray* fail) noexcept {
    auto* call = static_cast<ConnectCall*>(user_data);
    call->connection_ = success;
    call->fail_ = CoreBytes(call->runtime_->api, fail);
    call->Delivered();
  }

  void OnResult(Napi::Env env) override {
    if (connection_ != nullptr) {
      auto* handle = new ConnectionHandle(runtime_, std::exchange(connection_, nullptr));
      RefPtr<ConnectionHandle> keep(handle);
      Resolve(env, GetAddonData(env)->connection_class.New({Napi::External<ConnectionHandle>::New(env, handle)}));
    } else {
      Reject(env, MakeError(env, "core", "Connect failed: " + fail_.ToString()).Value());
    }
  }

  void OnOrphanResult(Napi::Env) override {
    // Nobody wants the connection any more: wrapping it in a handle and dropping it frees it.
    if (connection_ != nullptr) RefPtr<ConnectionHandle>(new ConnectionHandle(runtime_, std::exchange(connection_, nullptr)));
  }

  RefPtr<RuntimeHandle> runtime_;
  std::unique_ptr<ConnectOptionsHolder> options_;
  TemporalCoreConnection* connection_ = nullptr;
  CoreBytes fail_;
};

class RpcCallOp : public Call {
 public:
  RpcCallOp(RefPtr<ConnectionHandle> connection, std::unique_ptr<RpcCallHolder> options)
      : Call(connection->runtime->ctx), connection_(std::move(connection)), options_(std::move(options)) {
    // Every call gets a token, so environment teardown can cancel calls that have no signal.
    token_ = api()->cancellation_token_new();
    options_->options.cancellation_token = token_;
  }

  ~RpcCallOp() override {
    // Only reached after the core called back: the token is no longer referenced.
    api()->cancellation_token_free(token_);
  }

  void Begin(Napi::Env env, Napi::Value signal) {
    api()->client_rpc_call(connection_->raw, &options_->options, this, &RpcCallOp::Callback);
    // Attached after the core call: JS cannot run in between, and a signal whose
    // addEventListener throws then settles the promise instead of stranding an in-flight call.
    if (!signal.IsObject()) return;
    try {
      Napi::Object target = signal.As<Napi::Object>();
      Napi::Function listener = Napi::Function::New(env, &RpcCallOp::OnAbortEvent, "onAbort",
                                                    reinterpret_cast<void*>(static_cast<uintptr_t>(id())));
      Napi::Object once = Napi::Object::New(env);
      once.Set("once", true);
      target.Get("addEventListener").As<Napi::Function>().Call(target, {Napi::String::New(env, "abort"), listener, once});
      signal_ = Napi::Persistent(target);
      listener_ = Napi::Persistent(listener);
    } catch (const Napi::Error& error) {
      Abandon(env, error.Value());
    }
  }

  void DiscardOffThread() override {
    success_.reset();
    message_.reset();
    details_.reset();
  }

 private:
  const CoreApi* api() const { return connection_->runtime->api; }

  static void Callback(void* user_data, const TemporalCoreByteArray* success, uint32_t status_code,
                       const TemporalCoreByteArray* failure_message, const TemporalCoreByteArray* failure_details) noexcept {
    auto* call = static_cast<RpcCallOp*>(user_data);
    const CoreApi* api = call->api();
    call->success_ = CoreBytes(api, success);
    call->status_ = status_code;
    call->message_ = CoreBytes(api, failure_message);
    call->details_ = CoreBytes(api, failure_details);
    call->Delivered();
  }

  static Napi::Value OnAbortEvent(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(info.Data()));
    Call* call = GetAddonData(env)->ctx->Find(id);
    if (call == nullptr) return env.Undefined();  // already finished
    auto* rpc = static_cast<RpcCallOp*>(call);
    Napi::Value reason = rpc->signal_.IsEmpty() ? env.Undefined() : rpc->signal_.Value().Get("reason");
    Napi::Error error = MakeError(env, "aborted", "rpcCall " + rpc->options_->rpc + " was aborted");
    error.Set("cause", reason);
    rpc->Abandon(env, error.Value());
    return env.Undefined();
  }

  void DetachSignal() {
    if (signal_.IsEmpty()) return;
    if (ctx_->tearing_down()) {
      // No JS runs any more: just let go of the references.
      signal_.Reset();
      listener_.Reset();
      return;
    }
    Napi::Env env = signal_.Env();
    Napi::HandleScope scope(env);
    try {
      Napi::Object target = signal_.Value();
      target.Get("removeEventListener").As<Napi::Function>().Call(target, {Napi::String::New(env, "abort"), listener_.Value()});
    } catch (const Napi::Error&) {
      // The signal object misbehaved; the listener is `once` and finds no call any more.
    }
    signal_.Reset();
    listener_.Reset();
  }

  void OnResult(Napi::Env env) override {
    DetachSignal();
    if (success_) {
      Resolve(env, success_.ToBuffer(env));
    } else {
      Reject(env, MakeRpcError(env, status_, message_.ToString(), details_).Value());
    }
  }

  void OnOrphanResult(Napi::Env) override { DetachSignal(); }

  void OnAbandon() override {
    api()->cancellation_token_cancel(token_);
    DetachSignal();
  }

  RefPtr<ConnectionHandle> connection_;
  std::unique_ptr<RpcCallHolder> options_;
  TemporalCoreCancellationToken* token_ = nullptr;
  Napi::ObjectReference signal_;
  Napi::FunctionReference listener_;
  CoreBytes success_, message_, details_;
  uint32_t status_ = 0;
};

}  // namespace

Napi::Value StartConnect(Napi::Env env, RefPtr<RuntimeHandle> runtime, Napi::Value options) {
  auto holder = ToConnectOptions(options);
  auto* call = new ConnectCall(std::move(runtime), std::move(holder));
  Napi::Value promise = call->Start(env);
  call->Begin();
  return promise;
}

Napi::Function ConnectionObject::DefineClass(Napi::Env env) {
  return ObjectWrap<ConnectionObject>::DefineClass(env, "Connection",
      {InstanceMethod<&ConnectionObject::RpcCall>("rpcCall"),
       InstanceMethod<&ConnectionObject::UpdateMetadata>("updateMetadata"),
       InstanceMethod<&ConnectionObject::UpdateBinaryMetadata>("updateBinaryMetadata"),
       InstanceMethod<&ConnectionObject::UpdateApiKey>("updateApiKey"),
       InstanceMethod<&ConnectionObject::CreateWorker>("createWorker"),
       InstanceMethod<&ConnectionObject::Close>("close")});
}

ConnectionObject::ConnectionObject(const Napi::CallbackInfo& info) : ObjectWrap<ConnectionObject>(info) {
  handle_ = RefPtr<ConnectionHandle>(ExternalArg<ConnectionHandle>(info, "Connection"));
  ctx_ = handle_->runtime->ctx;
  ctx_->TrackOwner(this);
}

ConnectionObject::~ConnectionObject() { ctx_->UntrackOwner(this); }

ConnectionHandle* ConnectionObject::Live(Napi::Env env, const char* method) {
  if (!handle_) throw MakeError(env, "state", std::string("Connection.") + method + ": the connection is closed");
  return handle_.get();
}

Napi::Value ConnectionObject::RpcCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConnectionHandle* handle = Live(env, "rpcCall");
  auto holder = ToRpcCallOptions(info[0], info[1], info[2], info[3]);
  Napi::Value signal = holder->signal;
  if (signal.IsObject() && signal.As<Napi::Object>().Get("aborted").ToBoolean().Value()) {
    // Already aborted: the core is never asked.
    auto deferred = Napi::Promise::Deferred::New(env);
    Napi::Error error = MakeError(env, "aborted", "rpcCall " + holder->rpc + " was aborted before it started");
    error.Set("cause", signal.As<Napi::Object>().Get("reason"));
    deferred.Reject(error.Value());
    return deferred.Promise();
  }
  auto* call = new RpcCallOp(RefPtr<ConnectionHandle>(handle), std::move(holder));
  Napi::Value promise = call->Start(env);
  call->Begin(env, signal);
  return promise;
}

Napi::Value ConnectionObject::UpdateMetadata(const Napi::CallbackInfo& info) {
  ConnectionHandle* handle = Live(info.Env(), "updateMetadata");
  MetadataBuffers metadata = ToMetadata(info[0], "updateMetadata metadata", false);
  handle->runtime->api->client_update_metadata(handle->raw, metadata.Get());
  return info.Env().Undefined();
}

Napi::Value ConnectionObject::UpdateBinaryMetadata(const Napi::CallbackInfo& info) {
  ConnectionHandle* handle = Live(info.Env(), "updateBinaryMetadata");
  MetadataBuffers metadata = ToMetadata(info[0], "updateBinaryMetadata metadata", true);
  handle->runtime->api->client_update_binary_metadata(handle->raw, metadata.Get());
  return info.Env().Undefined();
}

Napi::Value ConnectionObject::UpdateApiKey(const Napi::CallbackInfo& info) {
  ConnectionHandle* handle = Live(info.Env(), "updateApiKey");
  std::string key;
  if (info[0].IsString()) {
    key = info[0].As<Napi::String>().Utf8Value();
  } else if (!info[0].IsUndefined() && !info[0].IsNull()) {
    throw Napi::TypeError::New(info.Env(), "updateApiKey apiKey must be a string or undefined");
  }
  handle->runtime->api->client_update_api_key(handle->raw, ByteRef(key));
  return info.Env().Undefined();
}

Napi::Value ConnectionObject::CreateWorker(const Napi::CallbackInfo& info) {
  return CreateWorkerObject(info.Env(), RefPtr<ConnectionHandle>(Live(info.Env(), "createWorker")), info[0]);
}

Napi::Value ConnectionObject::Close(const Napi::CallbackInfo& info) {
  // In-flight calls and workers keep the core connection alive until they finish.
  handle_.reset();
  return info.Env().Undefined();
}

}  // namespace temporal_native
