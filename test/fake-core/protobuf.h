// A minimal protobuf wire-format decoder and encoder, so the fake core accepts and refuses bytes
// the way the real core's prost decoding does, without a protobuf library.
//
// Decode() follows prost's own algorithm: the same varint, key, length and group rules, the same
// recursion limit (100) and the same error text, "failed to decode Protobuf message: " followed by
// one "Message.field: " per level the error passed through (innermost first; a oneof member is
// named by its oneof) and prost's description ("invalid varint", "buffer underflow", "invalid wire
// type: Varint (expected LengthDelimited)", "invalid string value: data is not UTF-8 encoded", ...).
// Fields a MessageSpec names are type-checked like prost does; every other field is skipped
// structurally, as prost skips unknown fields. A real core knows every field of every message, so
// a wrong wire type on a field the fake's spec leaves out is accepted here and refused there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fake {
namespace pb {

enum class Kind {
  kString,        // string: length-delimited, UTF-8 checked
  kBytes,         // bytes
  kVarint,        // int32/int64/uint32/uint64/bool/enum
  kPackedVarint,  // repeated numeric: packed (length-delimited) or one varint at a time
  kMessage,       // a nested message (spec may be null: structure only)
};

struct MessageSpec;

struct FieldSpec {
  uint32_t number;
  const char* name;  // prost's name in error stacks: the field's, or its oneof's for a oneof member
  Kind kind;
  const MessageSpec* message = nullptr;
  bool repeated = false;
  bool oneof = false;
};

struct MessageSpec {
  const char* name;
  std::vector<FieldSpec> fields;
  const FieldSpec* Find(uint32_t number) const;
};

struct Decoded;

struct Value {
  const FieldSpec* spec;
  std::string bytes;  // string / bytes / a message's raw bytes
  uint64_t varint = 0;
  std::shared_ptr<Decoded> message;
};

// The fields of a decoded message that its spec names, with prost's merge rules applied: a
// singular scalar keeps its last value, a singular message merges, a oneof keeps its last member.
struct Decoded {
  std::vector<Value> values;
  const Value* Get(uint32_t number) const;
  std::vector<const Value*> All(uint32_t number) const;
  // The member of oneof `name` that is set, or null.
  const Value* OneOf(const char* name) const;
  std::string Str(uint32_t number) const;  // "" when absent
};

// True on success; on failure `error` holds prost's Display text of the DecodeError.
bool Decode(const std::string& bytes, const MessageSpec& spec, Decoded* out, std::string* error);

// Encoding, for the messages the fake core produces itself (evictions, replay activations, cancels).
class Writer {
 public:
  Writer& Varint(uint32_t field, uint64_t value);
  Writer& Bytes(uint32_t field, const std::string& bytes);  // also strings
  Writer& Message(uint32_t field, const Writer& message);
  const std::string& str() const { return out_; }

 private:
  void Key(uint32_t field, int wire_type);
  void RawVarint(uint64_t value);
  std::string out_;
};

}  // namespace pb

// The messages the fake core reads, with the fields it reads or type-checks.
namespace specs {
extern const pb::MessageSpec kWorkflowActivationCompletion;
extern const pb::MessageSpec kActivityTaskCompletion;
extern const pb::MessageSpec kActivityHeartbeat;
extern const pb::MessageSpec kWorkflowActivation;
extern const pb::MessageSpec kActivityTask;
extern const pb::MessageSpec kHistory;
// A request message of unknown schema: structure only.
extern const pb::MessageSpec kAnyRequest;
}  // namespace specs

}  // namespace fake
