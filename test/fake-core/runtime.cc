// Runtime, forwarded logs and cancellation tokens.
#include <mutex>
#include <vector>

#include "fake_core.h"

struct TemporalCoreCancellationToken {
  uint32_t magic = fake::kLiveMagic;
  std::mutex mutex;
  bool cancelled = false;
  uint64_t next_waiter = 1;
  std::map<uint64_t, std::function<void()>> waiters;
};

namespace fake {

void CheckRuntime(const TemporalCoreRuntime* runtime, const char* call) {
  if (runtime == nullptr) Die(std::string(call) + " with a NULL runtime");
  if (runtime->magic != kLiveMagic) Die(std::string(call) + " on a freed runtime");
}

void RuntimeRetain(TemporalCoreRuntime* runtime) { runtime->refs++; }

void RuntimeRelease(TemporalCoreRuntime* runtime) {
  if (--runtime->refs == 0) {
    runtime->magic = kDeadMagic;
    delete runtime;
  }
}

// Registers `on_cancel` to run (once) when the token is cancelled; returns 0 if it already was.
uint64_t TokenWatch(TemporalCoreCancellationToken* token, std::function<void()> on_cancel) {
  std::lock_guard<std::mutex> lock(token->mutex);
  if (token->cancelled) return 0;
  uint64_t id = token->next_waiter++;
  token->waiters.emplace(id, std::move(on_cancel));
  return id;
}

void TokenUnwatch(TemporalCoreCancellationToken* token, uint64_t id) {
  std::lock_guard<std::mutex> lock(token->mutex);
  token->waiters.erase(id);
}

}  // namespace fake

void TemporalCoreRuntime::Log(TemporalCoreForwardedLogLevel level, const std::string& message,
                              const std::string& fields_json) {
  if (forward_to == nullptr) return;
  TemporalCoreForwardedLog log{"temporal_fake_core", message,
                               static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count()),
                               fields_json};
  forward_to(level, &log);
}

extern "C" {

TemporalCoreRuntimeOrFail temporal_core_runtime_new(const TemporalCoreRuntimeOptions* options) {
  auto* runtime = new TemporalCoreRuntime{fake::kLiveMagic, nullptr, {1}};
  fake::counters().runtimes++;
  if (options == nullptr || options->telemetry == nullptr) {
    return TemporalCoreRuntimeOrFail{runtime, fake::NewBytes("fake core: runtime options are required")};
  }
  if (options->telemetry->metrics != nullptr) {
    return TemporalCoreRuntimeOrFail{runtime, fake::NewBytes("fake core: metrics are not supported")};
  }
  uint64_t heartbeat = options->worker_heartbeat_interval_millis;
  if (heartbeat != 0 && (heartbeat < 1000 || heartbeat > 60000)) {
    return TemporalCoreRuntimeOrFail{runtime, fake::NewBytes("worker_heartbeat_interval_millis out of range")};
  }
  for (size_t i = 0; i < options->runtime_info.size; i++) {
    fake::Str(options->runtime_info.data[i].version, "runtime_info.version");
  }
  if (const TemporalCoreLoggingOptions* logging = options->telemetry->logging) {
    std::string filter = fake::Str(logging->filter, "logging.filter");
    if (filter == "invalid filter") {
      return TemporalCoreRuntimeOrFail{runtime, fake::NewBytes("fake core: invalid log filter")};
    }
    runtime->forward_to = logging->forward_to;
    // Like the real core, a log line can arrive synchronously, on the caller's thread.
    runtime->Log(TemporalCoreForwardedLogLevel_Info, "Runtime created",
                 "{\"filter\":\"" + fake::JsonEscape(filter) + "\"}");
  }
  return TemporalCoreRuntimeOrFail{runtime, nullptr};
}

void temporal_core_runtime_free(TemporalCoreRuntime* runtime) {
  fake::CheckRuntime(runtime, "runtime_free");
  fake::counters().runtimes--;
  fake::RuntimeRelease(runtime);
}

TemporalCoreByteArrayRef temporal_core_forwarded_log_target(const TemporalCoreForwardedLog* log) {
  return TemporalCoreByteArrayRef{reinterpret_cast<const uint8_t*>(log->target.data()), log->target.size()};
}

TemporalCoreByteArrayRef temporal_core_forwarded_log_message(const TemporalCoreForwardedLog* log) {
  return TemporalCoreByteArrayRef{reinterpret_cast<const uint8_t*>(log->message.data()), log->message.size()};
}

uint64_t temporal_core_forwarded_log_timestamp_millis(const TemporalCoreForwardedLog* log) {
  return log->timestamp_ms;
}

TemporalCoreByteArrayRef temporal_core_forwarded_log_fields_json(const TemporalCoreForwardedLog* log) {
  return TemporalCoreByteArrayRef{reinterpret_cast<const uint8_t*>(log->fields_json.data()), log->fields_json.size()};
}

// Like the library scripts/build-core ships (third_party/core-patches/0003): the fake's log
// forwarding never stops early (patch 1) and its replay pushes never borrow the pusher (patch 2).
uint32_t temporal_native_core_patches(void) { return 0b11; }

TemporalCoreCancellationToken* temporal_core_cancellation_token_new(void) {
  fake::counters().tokens++;
  return new TemporalCoreCancellationToken();
}

void temporal_core_cancellation_token_cancel(TemporalCoreCancellationToken* token) {
  if (token == nullptr || token->magic != fake::kLiveMagic) fake::Die("cancellation_token_cancel on a freed token");
  std::map<uint64_t, std::function<void()>> waiters;
  {
    std::lock_guard<std::mutex> lock(token->mutex);
    if (token->cancelled) return;
    token->cancelled = true;
    waiters.swap(token->waiters);
  }
  for (auto& waiter : waiters) waiter.second();
}

void temporal_core_cancellation_token_free(TemporalCoreCancellationToken* token) {
  if (token == nullptr || token->magic != fake::kLiveMagic) fake::Die("cancellation_token_free on a freed token");
  {
    std::lock_guard<std::mutex> lock(token->mutex);
    if (!token->waiters.empty()) fake::Die("cancellation token freed while an rpc_call still uses it");
  }
  token->magic = fake::kDeadMagic;
  fake::counters().tokens--;
  delete token;
}

}  // extern "C"
