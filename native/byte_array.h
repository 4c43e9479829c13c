// Byte buffers crossing the C boundary in both directions.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "core_library.h"

namespace temporal_native {

// A byte array the core handed us. Freed exactly once, by the destructor, with
// temporal_core_byte_array_free. The runtime argument is always NULL: the core then skips its
// buffer pool, which lets an array be freed on any thread and after its runtime is gone.
class CoreBytes {
 public:
  CoreBytes() = default;
  CoreBytes(const CoreApi* api, const TemporalCoreByteArray* bytes) : api_(api), bytes_(bytes) {}
  CoreBytes(CoreBytes&& other) noexcept;
  CoreBytes& operator=(CoreBytes&& other) noexcept;
  CoreBytes(const CoreBytes&) = delete;
  CoreBytes& operator=(const CoreBytes&) = delete;
  ~CoreBytes() { reset(); }

  void reset();
  explicit operator bool() const { return bytes_ != nullptr; }
  const uint8_t* data() const { return bytes_->data; }
  size_t size() const { return bytes_->size; }
  std::string ToString() const;
  // Copies into a new Buffer; the core array can be freed right after.
  Napi::Buffer<uint8_t> ToBuffer(Napi::Env env) const;

 private:
  const CoreApi* api_ = nullptr;
  const TemporalCoreByteArray* bytes_ = nullptr;
};

// Never hand the core a NULL data pointer, even for empty input: the Rust side builds a slice
// from it, and a NULL slice is undefined behaviour (debug builds abort).
TemporalCoreByteArrayRef ByteRef(const std::string& bytes);
TemporalCoreByteArrayRef ByteRef(const std::vector<uint8_t>& bytes);
TemporalCoreByteArrayRef EmptyByteRef();

// Copies the bytes of a Uint8Array / Buffer argument; `field` names it in the TypeError.
std::vector<uint8_t> CopyBytes(Napi::Value value, const char* field);

}  // namespace temporal_native
