// heap_probe: what the C allocator holds, for the leak tests. After a burst of 10,000 calls glibc
// keeps the freed memory inside its arenas, fragmented, where trimming the top of the heap
// (M_TRIM_THRESHOLD) returns little, so RSS shows the burst rather than what is still allocated.
// inUse() counts the bytes handed out and not had back; trim() gives every whole free page in
// every arena back to the OS (malloc_trim), after which RSS measures what stays resident. The
// real core uses the system allocator, so both cover the core, the addon and Node alike. Built
// next to the fake core (development clones only).
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

napi_value Trim(napi_env env, napi_callback_info) {
#if defined(__GLIBC__)
  malloc_trim(0);
#else
  napi_throw_error(env, nullptr, "heap_probe needs glibc (malloc_trim)");
#endif
  return nullptr;
}

bool Export(napi_env env, napi_value exports, const char* name, napi_callback callback) {
  napi_value fn = nullptr;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn) == napi_ok &&
         napi_set_named_property(env, exports, name, fn) == napi_ok;
}

}  // namespace

NAPI_MODULE_INIT() {
  if (!Export(env, exports, "inUse", InUse) || !Export(env, exports, "trim", Trim)) return nullptr;
  return exports;
}
