#include "log_forwarder.h"

#include <mutex>
#include <string>

#include "env_context.h"

namespace temporal_native {

namespace {
// Never destroyed: core threads may log while the process exits, after static destructors ran.
std::mutex& g_mutex = *new std::mutex();
const CoreApi* g_api = nullptr;
std::shared_ptr<EnvContext>& g_ctx = *new std::shared_ptr<EnvContext>();

std::string Copy(TemporalCoreByteArrayRef ref) {
  if (ref.data == nullptr || ref.size == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(ref.data), ref.size);
}
}  // namespace

bool LogForwarder::Register(const CoreApi* api, std::shared_ptr<EnvContext> ctx) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_ctx != nullptr) return false;
  g_api = api;
  g_ctx = std::move(ctx);
  return true;
}

void LogForwarder::UnregisterContext(EnvContext* ctx) {
  std::shared_ptr<EnvContext> released;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_ctx.get() != ctx) return;
    released = std::move(g_ctx);
    g_api = nullptr;
  }
}

void LogForwarder::Forward(TemporalCoreForwardedLogLevel level, const TemporalCoreForwardedLog* log) {
  // No C++ exception may unwind into the core.
  try {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_ctx == nullptr || log == nullptr) return;
    LogLine line{static_cast<int>(level), Copy(g_api->forwarded_log_target(log)),
                 Copy(g_api->forwarded_log_message(log)), g_api->forwarded_log_timestamp_millis(log),
                 Copy(g_api->forwarded_log_fields_json(log))};
    g_ctx->DeliverLog(std::move(line));
  } catch (...) {
  }
}

}  // namespace temporal_native
