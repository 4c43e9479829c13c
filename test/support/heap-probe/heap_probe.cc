// heap_probe: the bytes the C allocator has handed out and not had back, for the leak tests.
// RSS cannot say that: glibc keeps the free memory left by a burst of 10,000 calls inside its
// arenas (fragmented, so trimming returns little), and RSS then reflects the burst, not what is
// still allocated. The real core uses the system allocator, so this counts the core, the addon
// and Node's own native allocations alike. Built next to the fake core (development clones only).
#include <malloc.h>
#include <node_api.h>

namespace {

napi_value InUse(napi_env env, napi_callback_info) {
  napi_value result = nullptr;
#if defined(__GLIBC__)
  // mallinfo2 sums every arena: small chunks in use plus chunks served by mmap.
  struct mallinfo2 info = mallinfo2();
  napi_create_double(env, static_cast<double>(info.uordblks + info.hblkhd), &result);
#else
  napi_throw_error(env, nullptr, "heap_probe needs glibc (mallinfo2)");
#endif
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn = nullptr;
  if (napi_create_function(env, "inUse", NAPI_AUTO_LENGTH, InUse, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "inUse", fn) != napi_ok) return nullptr;
  return exports;
}
