// The C bridge is loaded at run time (dlopen), never linked: the addon must build and load on a
// machine without the Rust core, and a missing library or symbol must surface as a JS error.
#pragma once

#include <cstdint>
#include <string>

#include "temporal-sdk-core-c-bridge.h"

namespace temporal_native {

// Every entry point the addon calls, resolved once. Adding a call means adding it here and to the
// X-macro list in core_functions.inc; nothing else calls dlsym.
struct CoreApi {
#define TN_CORE_FN(name) decltype(&::temporal_core_##name) name = nullptr;
#include "core_functions.inc"
#undef TN_CORE_FN
  std::string path;
  // Bits of `temporal_native_core_patches()`, an optional symbol that only a library built by
  // scripts/build-core exports (see third_party/core-patches); 0 for an unpatched library.
  uint32_t patches = 0;
  bool ForwardsLogsAfterFirstClone() const { return (patches & kPatchLogForwarder) != 0; }
  bool PushesWithoutBorrow() const { return (patches & kPatchReplayPusher) != 0; }
  // Every optional metric entry point resolved (the real library has them; the fake core not).
  bool HasMetrics() const {
    return metric_meter_new != nullptr && metric_meter_free != nullptr && metric_attributes_new != nullptr &&
           metric_attributes_free != nullptr && metric_new != nullptr && metric_free != nullptr &&
           metric_record_integer != nullptr && metric_record_float != nullptr &&
           metric_record_integer_signed != nullptr;
  }

  static constexpr uint32_t kPatchLogForwarder = 1;
  static constexpr uint32_t kPatchReplayPusher = 2;
};

// Why a load failed: exactly one of `symbol` (library opened, entry point missing) or neither
// (the library itself could not be opened; `detail` carries dlerror()).
struct CoreLoadError {
  std::string path;
  std::string symbol;
  std::string detail;
};

// Returns the table for `path`, loading it on first use. Libraries stay loaded for the life of the
// process: core threads may still be running library code after every handle is freed.
const CoreApi* LoadCoreLibrary(const std::string& path, CoreLoadError* error);

}  // namespace temporal_native
