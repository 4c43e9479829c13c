// Core log forwarding. The core's `forward_to` callback carries no user data, so a line cannot be
// traced back to the runtime that logged it: the route to JS is process-wide. Every runtime that
// forwards logs registers here; each line goes to one of them: the runtime with an explicit logger
// if there is one (at most one may exist at a time; a second is refused with an error that says
// why), else the oldest runtime using the SDK's default logger. Lines are copied on the logging
// thread, which may be a core thread or the JS thread inside a synchronous core call, and
// delivered on that runtime's loop later.
#pragma once

#include <cstdint>
#include <memory>

#include "core_library.h"

namespace temporal_native {

class EnvContext;

class LogForwarder {
 public:
  // Returns the route id (never 0), or 0 when `explicit_logger` is set and another runtime with an
  // explicit logger is registered.
  static uint64_t Register(const CoreApi* api, std::shared_ptr<EnvContext> ctx, bool explicit_logger);
  static void Unregister(uint64_t route);
  // Environment teardown: drops every route into `ctx`.
  static void UnregisterContext(EnvContext* ctx);
  // The C callback handed to the core.
  static void Forward(TemporalCoreForwardedLogLevel level, const TemporalCoreForwardedLog* log);
};

}  // namespace temporal_native
