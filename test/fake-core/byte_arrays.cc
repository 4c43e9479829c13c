// Byte arrays, input checks and small helpers.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <vector>

#include "fake_core.h"

namespace fake {

Counters& counters() {
  static Counters* instance = new Counters();  // never destroyed: scheduler threads outlive statics
  return *instance;
}

void Die(const std::string& message) {
  std::fprintf(stderr, "fake core: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string Str(TemporalCoreByteArrayRef ref, const char* what) {
  // The Rust side builds a slice from the pointer; NULL is undefined behaviour even when empty.
  if (ref.data == nullptr) Die(std::string("ByteArrayRef with NULL data passed as ") + what);
  return std::string(reinterpret_cast<const char*>(ref.data), ref.size);
}

std::map<std::string, std::string> Metadata(TemporalCoreMetadataRef ref, const char* what) {
  if (ref.data == nullptr) Die(std::string("ByteArrayRefArray with NULL data passed as ") + what);
  std::map<std::string, std::string> result;
  for (size_t i = 0; i < ref.size; i++) {
    std::string entry = Str(ref.data[i], what);
    size_t split = entry.find('\n');
    if (split == std::string::npos) Die(std::string("metadata entry without a newline in ") + what);
    result[entry.substr(0, split)] = entry.substr(split + 1);
  }
  return result;
}

namespace {

std::mutex& LiveArraysMutex() {
  static std::mutex* m = new std::mutex();
  return *m;
}
std::set<const TemporalCoreByteArray*>& LiveArrays() {
  static auto* s = new std::set<const TemporalCoreByteArray*>();
  return *s;
}

}  // namespace

const TemporalCoreByteArray* NewBytes(const std::string& bytes) {
  auto* data = new uint8_t[bytes.size() + 1];
  std::copy(bytes.begin(), bytes.end(), data);
  auto* array = new TemporalCoreByteArray{data, bytes.size(), bytes.size(), false};
  {
    std::lock_guard<std::mutex> lock(LiveArraysMutex());
    LiveArrays().insert(array);
  }
  counters().byte_arrays++;
  return array;
}

std::string JsonEscape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace fake

extern "C" void temporal_core_byte_array_free(TemporalCoreRuntime* runtime, const TemporalCoreByteArray* bytes) {
  if (bytes == nullptr) return;
  if (runtime != nullptr) fake::CheckRuntime(runtime, "byte_array_free");
  {
    std::lock_guard<std::mutex> lock(fake::LiveArraysMutex());
    if (fake::LiveArrays().erase(bytes) == 0) fake::Die("byte_array_free of an array that is not live (double free?)");
  }
  fake::counters().byte_arrays--;
  delete[] bytes->data;
  delete bytes;
}
