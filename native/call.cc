#include "call.h"

#include "env_context.h"

namespace temporal_native {

Call::Call(std::shared_ptr<EnvContext> ctx) : ctx_(std::move(ctx)) {}

Napi::Value Call::Start(Napi::Env env, bool awaited) {
  Napi::Value promise = env.Undefined();
  if (awaited) {
    napi_value raw_promise;
    NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &deferred_, &raw_promise), env.Undefined());
    promise = Napi::Value(env, raw_promise);
    refs_ = 2;
  }
  id_ = ctx_->Register(this);
  ctx_->OpStarted(env);
  return promise;
}

void Call::Delivered() { ctx_->Deliver(this); }

void Call::Complete(Napi::Env env) {
  ctx_->OpFinished(env);
  OnFinished();
  if (deferred_ != nullptr) {
    Napi::HandleScope scope(env);
    try {
      OnResult(env);
    } catch (const Napi::Error& error) {
      // Building the JS result failed (e.g. out of memory): the promise still settles.
      if (deferred_ != nullptr) Reject(env, error.Value());
    }
    if (deferred_ != nullptr) Reject(env, Napi::Error::New(env, "temporal-native: call finished without a result").Value());
    ReleaseRef();
  } else {
    OnOrphanResult(env);
  }
  ctx_->Unregister(id_);
  ReleaseRef();
}

void Call::Abandon(Napi::Env env, Napi::Value reason) {
  if (deferred_ == nullptr) return;
  OnAbandon();
  Reject(env, reason);
  ReleaseRef();
}

void Call::Resolve(Napi::Env env, Napi::Value value) {
  napi_deferred deferred = deferred_;
  deferred_ = nullptr;
  if (deferred != nullptr) napi_resolve_deferred(env, deferred, value);
}

void Call::Reject(Napi::Env env, Napi::Value reason) {
  napi_deferred deferred = deferred_;
  deferred_ = nullptr;
  if (deferred != nullptr) napi_reject_deferred(env, deferred, reason);
}

void Call::ReleaseRef() {
  if (--refs_ == 0) delete this;
}

}  // namespace temporal_native
