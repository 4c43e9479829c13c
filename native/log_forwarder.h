// Core log forwarding. The core's `forward_to` callback carries no user data, so the route to JS
// is process-wide: at most one runtime with a logger may exist at a time (creating a second one
// is refused with an error that says why). Lines are copied on the logging thread, which may be a
// core thread or the JS thread inside a synchronous core call, and delivered on the loop later.
#pragma once

#include <memory>

#include "core_library.h"

namespace temporal_native {

class EnvContext;

class LogForwarder {
 public:
  // False if another runtime already owns the route.
  static bool Register(const CoreApi* api, std::shared_ptr<EnvContext> ctx);
  static void UnregisterContext(EnvContext* ctx);
  // The C callback handed to the core.
  static void Forward(TemporalCoreForwardedLogLevel level, const TemporalCoreForwardedLog* log);
};

}  // namespace temporal_native
