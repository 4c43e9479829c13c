// One refcounted object per asynchronous core operation.
//
// A call starts with two references: the awaiting side (its promise) and the in-flight core
// operation. The core callback, on whatever thread it runs, only stores what it was given and
// hands the call to EnvContext::Deliver; everything else happens on the JS thread:
//   - normally the result settles the promise, then both references go;
//   - if the promise was already settled (AbortSignal, environment teardown) the result lands on
//     the orphan path, which frees what the core delivered.
// A call also holds references on every handle it uses, so no handle is freed mid-operation.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

namespace temporal_native {

class EnvContext;

class Call {
 public:
  explicit Call(std::shared_ptr<EnvContext> ctx);
  virtual ~Call() = default;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // JS thread, before the core call: creates the promise and registers the call. A call started
  // with `awaited=false` has no promise (internal operations during teardown).
  Napi::Value Start(Napi::Env env, bool awaited = true);

  // Any thread: the core has called back and the subclass stored the result.
  void Delivered();

  // JS thread: processes the delivered result and drops the in-flight reference.
  void Complete(Napi::Env env);

  // JS thread: settles the promise early with `reason` and drops the awaiting reference; the core
  // operation stays in flight and still completes (onto the orphan path).
  void Abandon(Napi::Env env, Napi::Value reason);

  // Any thread, only after the environment is gone: free core-owned results without JS.
  virtual void DiscardOffThread() {}

  uint64_t id() const { return id_; }
  bool awaited() const { return deferred_ != nullptr; }

 protected:
  // Always runs on completion, before settling: bookkeeping such as worker counters.
  virtual void OnFinished() {}
  // Settles the promise from the stored result, with Resolve or Reject.
  virtual void OnResult(Napi::Env env) = 0;
  // No one awaits the result any more: free what the core delivered beyond byte arrays.
  virtual void OnOrphanResult(Napi::Env env) {}
  // The promise is being settled early: ask the core to stop (e.g. cancel a token).
  virtual void OnAbandon() {}

  void Resolve(Napi::Env env, Napi::Value value);
  void Reject(Napi::Env env, Napi::Value reason);

  std::shared_ptr<EnvContext> ctx_;

 private:
  void ReleaseRef();

  napi_deferred deferred_ = nullptr;
  uint64_t id_ = 0;
  int refs_ = 1;  // in-flight; +1 while awaited. JS thread only.
};

}  // namespace temporal_native
