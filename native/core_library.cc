#include "core_library.h"

#include <dlfcn.h>

#include <map>
#include <memory>
#include <mutex>

namespace temporal_native {

namespace {

// Never destroyed (see LoadCoreLibrary). Keyed by the path as given: dlopen itself deduplicates
// the underlying library.
std::mutex& g_mutex = *new std::mutex();
std::map<std::string, std::unique_ptr<CoreApi>>& g_loaded = *new std::map<std::string, std::unique_ptr<CoreApi>>();

}  // namespace

const CoreApi* LoadCoreLibrary(const std::string& path, CoreLoadError* error) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto found = g_loaded.find(path);
  if (found != g_loaded.end()) return found->second.get();

  error->path = path;
  // RTLD_LOCAL: the core's own symbols must not interpose on anything else in the process.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* detail = dlerror();
    error->detail = detail != nullptr ? detail : "dlopen failed";
    return nullptr;
  }

  auto api = std::make_unique<CoreApi>();
  api->path = path;
#define TN_CORE_FN(name)                                                            \
  api->name = reinterpret_cast<decltype(api->name)>(dlsym(handle, "temporal_core_" #name)); \
  if (api->name == nullptr) {                                                       \
    error->symbol = "temporal_core_" #name;                                         \
    dlclose(handle);                                                                \
    return nullptr;                                                                 \
  }
#define TN_CORE_OPTIONAL_FN(name) \
  api->name = reinterpret_cast<decltype(api->name)>(dlsym(handle, "temporal_core_" #name));
#include "core_functions.inc"
#undef TN_CORE_OPTIONAL_FN
#undef TN_CORE_FN
  using PatchLevelFn = uint32_t (*)();
  if (auto patch_level = reinterpret_cast<PatchLevelFn>(dlsym(handle, "temporal_native_core_patches"))) {
    api->patches = patch_level();
  }

  const CoreApi* result = api.get();
  g_loaded.emplace(path, std::move(api));
  return result;
}

}  // namespace temporal_native
