// Byte arrays, input checks and small helpers.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
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

std::string Base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string RustDebugString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[12];
          std::snprintf(buf, sizeof(buf), "\\u{%x}", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string NewUuid() {
  static std::mutex* mutex = new std::mutex();
  static std::mt19937_64* rng = new std::mt19937_64(std::random_device{}());
  uint64_t hi, lo;
  {
    std::lock_guard<std::mutex> lock(*mutex);
    hi = (*rng)();
    lo = (*rng)();
  }
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                     // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
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
