#include "env_context.h"

#include "call.h"
#include "errors.h"
#include "log_forwarder.h"
#include "runtime.h"

namespace temporal_native {

namespace {
// How long environment teardown waits for in-flight core operations to call back after it has
// cancelled them and initiated worker shutdown. Operations still running afterwards are leaked
// rather than freed under the core's feet.
constexpr std::chrono::milliseconds kTeardownWait{5000};

const char* LevelName(int level) {
  switch (level) {
    case 0: return "TRACE";
    case 1: return "DEBUG";
    case 2: return "INFO";
    case 3: return "WARN";
    default: return "ERROR";
  }
}
}  // namespace

std::shared_ptr<EnvContext> EnvContext::Create(Napi::Env env) {
  std::shared_ptr<EnvContext> ctx(new EnvContext());
  ctx->env_ = env;
  ctx->wake_ = Tsfn::New(env, "temporal-native completions", 0, 1, ctx.get());
  // Only in-flight operations keep the loop alive (see OpStarted).
  ctx->wake_.Unref(env);
  // Registered after the TSFN so that it runs before the TSFN's own cleanup (hooks run in
  // reverse order of registration).
  ctx->self_for_hook_ = ctx;
  napi_add_env_cleanup_hook(env, CleanupHook, ctx.get());
  return ctx;
}

EnvContext::~EnvContext() = default;

uint64_t EnvContext::Register(Call* call) {
  uint64_t id = next_id_++;
  calls_.emplace(id, call);
  return id;
}

void EnvContext::Unregister(uint64_t id) { calls_.erase(id); }

Call* EnvContext::Find(uint64_t id) const {
  auto found = calls_.find(id);
  return found == calls_.end() ? nullptr : found->second;
}

void EnvContext::OpStarted(Napi::Env env) {
  if (in_flight_++ == 0 && !tearing_down()) wake_.Ref(env);
}

void EnvContext::OpFinished(Napi::Env env) {
  if (--in_flight_ == 0 && !tearing_down()) wake_.Unref(env);
}

void EnvContext::SetLogger(uint64_t route, Napi::Function logger) { loggers_[route] = Napi::Persistent(logger); }

void EnvContext::ClearLogger(uint64_t route) { loggers_.erase(route); }

bool EnvContext::tearing_down() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tearing_down_;
}

void EnvContext::Deliver(Call* call) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (torn_down_) {
    // The environment is gone and will never process this call: free what can be freed from
    // any thread, leak the rest (handles must not be freed inside a core callback).
    call->DiscardOffThread();
    return;
  }
  completed_.push_back(call);
  if (tearing_down_) {
    delivered_.notify_all();
    return;
  }
  if (!wake_pending_) {
    wake_pending_ = true;
    // Under the lock: teardown flips `tearing_down_` under the same lock before the TSFN goes.
    wake_.NonBlockingCall();
  }
}

void EnvContext::DeliverLog(LogLine&& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tearing_down_) return;
  logs_.push_back(std::move(line));
  if (!wake_pending_) {
    wake_pending_ = true;
    wake_.NonBlockingCall();
  }
}

void EnvContext::CallJs(Napi::Env env, Napi::Function, EnvContext* ctx, void*) {
  if (env == nullptr || ctx == nullptr) return;  // TSFN finalizing; teardown drains the queue.
  // No C++ exception may leave this function: node calls it from C.
  try {
    ctx->Drain(env);
  } catch (const Napi::Error& error) {
    napi_fatal_exception(env, error.Value());
  } catch (...) {
  }
}

void EnvContext::Drain(Napi::Env env) {
  std::vector<Call*> completed;
  std::vector<LogLine> logs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_pending_ = false;
    completed.swap(completed_);
    logs.swap(logs_);
  }
  Napi::HandleScope scope(env);
  // A throwing logger must not stop the batch: every promise still settles. The first error is
  // rethrown afterwards so it surfaces as an uncaught exception rather than vanishing.
  napi_value first_error = nullptr;
  for (LogLine& line : logs) {
    auto logger = loggers_.find(line.route);
    if (logger == loggers_.end() || logger->second.IsEmpty()) continue;
    {
      Napi::Object record = Napi::Object::New(env);
      record.Set("level", LevelName(line.level));
      record.Set("target", line.target);
      record.Set("message", line.message);
      record.Set("timestampMs", Napi::Number::New(env, static_cast<double>(line.timestamp_ms)));
      record.Set("fieldsJson", line.fields_json);
      try {
        logger->second.Call({record});
      } catch (const Napi::Error& error) {
        if (first_error == nullptr) first_error = error.Value();
      }
    }
  }
  for (Call* call : completed) call->Complete(env);
  // Reported like an exception thrown from a timer callback: process 'uncaughtException'.
  if (first_error != nullptr) napi_fatal_exception(env, first_error);
}

void EnvContext::CleanupHook(void* arg) {
  auto* ctx = static_cast<EnvContext*>(arg);
  std::shared_ptr<EnvContext> keep = std::move(ctx->self_for_hook_);
  ctx->Teardown(Napi::Env(ctx->env_));
}

void EnvContext::Teardown(Napi::Env env) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tearing_down_ = true;
    logs_.clear();
  }
  LogForwarder::UnregisterContext(this);
  loggers_.clear();
  Napi::HandleScope scope(env);

  // 1. Nothing JS-side is waiting any more: reject every pending promise (best effort: JS may
  //    already be unable to run) and cancel what can be cancelled.
  std::vector<Call*> pending;
  for (auto& entry : calls_) pending.push_back(entry.second);
  for (Call* call : pending) {
    try {
      call->Abandon(env, MakeError(env, "teardown", "The JavaScript environment is shutting down").Value());
    } catch (const Napi::Error&) {
      call->Abandon(env, env.Undefined());
    }
  }
  // 2. Workers begin the shutdown order, then JS objects let go of their handles (an idle
  //    worker is freed right here, after its shutdown was initiated).
  std::set<TeardownWorker*> workers = workers_;
  for (TeardownWorker* worker : workers) worker->TeardownInitiate();
  std::set<JsOwner*> owners = owners_;
  for (JsOwner* owner : owners) owner->DropJsRef();

  // 3. Drain callbacks until nothing is in flight (or the wait ends). Completing calls releases
  //    their handle references, which frees workers, then connections, and the runtime last.
  auto deadline = std::chrono::steady_clock::now() + kTeardownWait;
  while (true) {
    workers = workers_;
    for (TeardownWorker* worker : workers) worker->TeardownFinalizeIfReady(env);
    if (in_flight_ == 0) break;
    std::vector<Call*> completed;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      delivered_.wait_until(lock, deadline, [this] { return !completed_.empty(); });
      completed.swap(completed_);
    }
    if (completed.empty()) break;  // deadline passed
    for (Call* call : completed) call->Complete(env);
  }
  // Runtimes being freed in the background (OTLP exporters) finish before the environment is gone.
  JoinBackgroundRuntimeFrees();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    torn_down_ = true;
    for (Call* call : completed_) call->DiscardOffThread();
    completed_.clear();
  }
  wake_.Abort();
}

}  // namespace temporal_native
