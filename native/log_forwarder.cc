#include "log_forwarder.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "env_context.h"

namespace temporal_native {

namespace {

struct Route {
  uint64_t id;
  const CoreApi* api;
  std::shared_ptr<EnvContext> ctx;
  bool explicit_logger;
};

// Never destroyed: core threads may log while the process exits, after static destructors ran.
std::mutex& g_mutex = *new std::mutex();
std::vector<Route>& g_routes = *new std::vector<Route>();
uint64_t g_next_id = 1;

std::string Copy(TemporalCoreByteArrayRef ref) {
  if (ref.data == nullptr || ref.size == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(ref.data), ref.size);
}

// Under g_mutex. Registration order is kept, so "first" means oldest.
const Route* Target() {
  for (const Route& route : g_routes) {
    if (route.explicit_logger) return &route;
  }
  return g_routes.empty() ? nullptr : &g_routes.front();
}

}  // namespace

uint64_t LogForwarder::Register(const CoreApi* api, std::shared_ptr<EnvContext> ctx, bool explicit_logger) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (explicit_logger) {
    for (const Route& route : g_routes) {
      if (route.explicit_logger) return 0;
    }
  }
  uint64_t id = g_next_id++;
  g_routes.push_back(Route{id, api, std::move(ctx), explicit_logger});
  return id;
}

void LogForwarder::Unregister(uint64_t route_id) {
  std::shared_ptr<EnvContext> released;  // dropped outside the lock
  std::lock_guard<std::mutex> lock(g_mutex);
  auto found = std::find_if(g_routes.begin(), g_routes.end(), [&](const Route& r) { return r.id == route_id; });
  if (found == g_routes.end()) return;
  released = std::move(found->ctx);
  g_routes.erase(found);
}

void LogForwarder::UnregisterContext(EnvContext* ctx) {
  std::vector<std::shared_ptr<EnvContext>> released;
  std::lock_guard<std::mutex> lock(g_mutex);
  for (auto it = g_routes.begin(); it != g_routes.end();) {
    if (it->ctx.get() == ctx) {
      released.push_back(std::move(it->ctx));
      it = g_routes.erase(it);
    } else {
      ++it;
    }
  }
}

void LogForwarder::Forward(TemporalCoreForwardedLogLevel level, const TemporalCoreForwardedLog* log) {
  // No C++ exception may unwind into the core.
  try {
    std::lock_guard<std::mutex> lock(g_mutex);
    const Route* route = Target();
    if (route == nullptr || log == nullptr) return;
    const CoreApi* api = route->api;
    LogLine line{route->id, static_cast<int>(level), Copy(api->forwarded_log_target(log)),
                 Copy(api->forwarded_log_message(log)), api->forwarded_log_timestamp_millis(log),
                 Copy(api->forwarded_log_fields_json(log))};
    route->ctx->DeliverLog(std::move(line));
  } catch (...) {
  }
}

}  // namespace temporal_native
