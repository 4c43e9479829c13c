#include "byte_array.h"

#include <utility>

namespace temporal_native {

namespace {
const uint8_t kEmpty[1] = {0};
}  // namespace

CoreBytes::CoreBytes(CoreBytes&& other) noexcept
    : api_(other.api_), bytes_(std::exchange(other.bytes_, nullptr)) {}

CoreBytes& CoreBytes::operator=(CoreBytes&& other) noexcept {
  if (this != &other) {
    reset();
    api_ = other.api_;
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

void CoreBytes::reset() {
  if (const TemporalCoreByteArray* bytes = std::exchange(bytes_, nullptr)) {
    api_->byte_array_free(nullptr, bytes);
  }
}

std::string CoreBytes::ToString() const {
  if (bytes_ == nullptr || bytes_->size == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(bytes_->data), bytes_->size);
}

Napi::Buffer<uint8_t> CoreBytes::ToBuffer(Napi::Env env) const {
  if (bytes_ == nullptr || bytes_->size == 0) return Napi::Buffer<uint8_t>::New(env, 0);
  return Napi::Buffer<uint8_t>::Copy(env, bytes_->data, bytes_->size);
}

TemporalCoreByteArrayRef EmptyByteRef() { return TemporalCoreByteArrayRef{kEmpty, 0}; }

TemporalCoreByteArrayRef ByteRef(const std::string& bytes) {
  if (bytes.empty()) return EmptyByteRef();
  return TemporalCoreByteArrayRef{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

TemporalCoreByteArrayRef ByteRef(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return EmptyByteRef();
  return TemporalCoreByteArrayRef{bytes.data(), bytes.size()};
}

std::vector<uint8_t> CopyBytes(Napi::Value value, const char* field) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(value.Env(), std::string(field) + " must be a Uint8Array");
  }
  auto array = value.As<Napi::Uint8Array>();
  const uint8_t* begin = array.Data();
  return std::vector<uint8_t>(begin, begin + array.ByteLength());
}

}  // namespace temporal_native
