// Protobuf wire format the way prost (the real core's decoder) reads it; see protobuf.h.
#include "protobuf.h"

#include <algorithm>

namespace fake {
namespace pb {

namespace {

constexpr int kRecursionLimit = 100;  // prost's RECURSION_LIMIT

enum Wire { kVarintWire = 0, kSixtyFourBit = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4, kThirtyTwoBit = 5 };

const char* WireName(int wire) {
  switch (wire) {
    case kVarintWire: return "Varint";
    case kSixtyFourBit: return "SixtyFourBit";
    case kLengthDelimited: return "LengthDelimited";
    case kStartGroup: return "StartGroup";
    case kEndGroup: return "EndGroup";
    default: return "ThirtyTwoBit";
  }
}

// A prost DecodeError: a description plus the (message, field) stack it passed through.
struct Error {
  std::string description;
  std::vector<std::string> stack;
};

using Result = std::unique_ptr<Error>;  // null: success

Result Fail(std::string description) {
  auto error = std::make_unique<Error>();
  error->description = std::move(description);
  return error;
}

// The whole buffer stays visible to nested messages, as in prost: a nested message stops at a
// limit (bytes that must remain), and overrunning it is "delimited length exceeded".
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  size_t remaining() const { return static_cast<size_t>(end - p); }
};

Result DecodeVarint(Cursor& c, uint64_t* value) {
  uint64_t result = 0;
  for (int count = 0; count < 10; count++) {
    if (c.remaining() == 0) return Fail("invalid varint");
    uint8_t byte = *c.p++;
    result |= static_cast<uint64_t>(byte & 0x7f) << (count * 7);
    if (byte < 0x80) {
      if (count == 9 && byte >= 0x02) return Fail("invalid varint");
      *value = result;
      return nullptr;
    }
  }
  return Fail("invalid varint");
}

Result DecodeKey(Cursor& c, uint32_t* tag, int* wire) {
  uint64_t key = 0;
  if (Result r = DecodeVarint(c, &key)) return r;
  if (key > 0xffffffffULL) return Fail("invalid key value: " + std::to_string(key));
  uint64_t wire_value = key & 7;
  if (wire_value > 5) return Fail("invalid wire type value: " + std::to_string(wire_value));
  *wire = static_cast<int>(wire_value);
  *tag = static_cast<uint32_t>(key) >> 3;
  if (*tag < 1) return Fail("invalid tag value: 0");
  return nullptr;
}

Result CheckWire(int expected, int actual) {
  if (expected == actual) return nullptr;
  return Fail(std::string("invalid wire type: ") + WireName(actual) + " (expected " + WireName(expected) + ")");
}

Result SkipField(int wire, uint32_t tag, Cursor& c, int depth) {
  if (depth <= 0) return Fail("recursion limit reached");
  uint64_t len = 0;
  switch (wire) {
    case kVarintWire: {
      uint64_t ignored;
      if (Result r = DecodeVarint(c, &ignored)) return r;
      break;
    }
    case kThirtyTwoBit: len = 4; break;
    case kSixtyFourBit: len = 8; break;
    case kLengthDelimited:
      if (Result r = DecodeVarint(c, &len)) return r;
      break;
    case kStartGroup:
      for (;;) {
        uint32_t inner_tag;
        int inner_wire;
        if (Result r = DecodeKey(c, &inner_tag, &inner_wire)) return r;
        if (inner_wire == kEndGroup) {
          if (inner_tag != tag) return Fail("unexpected end group tag");
          break;
        }
        if (Result r = SkipField(inner_wire, inner_tag, c, depth - 1)) return r;
      }
      break;
    default:  // kEndGroup
      return Fail("unexpected end group tag");
  }
  if (len > c.remaining()) return Fail("buffer underflow");
  c.p += len;
  return nullptr;
}

bool ValidUtf8(const std::string& s) {
  size_t i = 0, n = s.size();
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  while (i < n) {
    uint8_t b = byte(i);
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf;  // bounds of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;  // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (i + len > n) return false;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (size_t k = 2; k < len; k++) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return false;
    }
    i += len;
  }
  return true;
}

Result ReadLengthDelimited(Cursor& c, std::string* out) {
  uint64_t len = 0;
  if (Result r = DecodeVarint(c, &len)) return r;
  if (len > c.remaining()) return Fail("buffer underflow");
  out->assign(reinterpret_cast<const char*>(c.p), static_cast<size_t>(len));
  c.p += len;
  return nullptr;
}

Result DecodeFields(Cursor& c, size_t limit, const MessageSpec* spec, Decoded* out, int depth);

// prost's message::merge: wire type, recursion limit, then the fields up to the length's limit.
Result MergeMessage(int wire, Cursor& c, const MessageSpec* spec, Decoded* out, int depth, std::string* raw) {
  if (Result r = CheckWire(kLengthDelimited, wire)) return r;
  if (depth <= 0) return Fail("recursion limit reached");
  uint64_t len = 0;
  if (Result r = DecodeVarint(c, &len)) return r;
  size_t remaining = c.remaining();
  if (len > remaining) return Fail("buffer underflow");
  size_t limit = remaining - static_cast<size_t>(len);
  const uint8_t* start = c.p;
  if (Result r = DecodeFields(c, limit, spec, out, depth - 1)) return r;
  if (c.remaining() != limit) return Fail("delimited length exceeded");
  raw->assign(reinterpret_cast<const char*>(start), static_cast<size_t>(c.p - start));
  return nullptr;
}

Value* Last(Decoded* out, uint32_t number) {
  for (auto it = out->values.rbegin(); it != out->values.rend(); ++it) {
    if (it->spec->number == number) return &*it;
  }
  return nullptr;
}

void RemoveOneOf(Decoded* out, const char* name) {
  out->values.erase(std::remove_if(out->values.begin(), out->values.end(),
                                   [&](const Value& v) { return v.spec->oneof && std::string(v.spec->name) == name; }),
                    out->values.end());
}

Result MergeField(const FieldSpec& field, int wire, Cursor& c, Decoded* out, int depth) {
  switch (field.kind) {
    case Kind::kString:
    case Kind::kBytes: {
      if (Result r = CheckWire(kLengthDelimited, wire)) return r;
      Value value{&field};
      if (Result r = ReadLengthDelimited(c, &value.bytes)) return r;
      if (field.kind == Kind::kString && !ValidUtf8(value.bytes)) {
        return Fail("invalid string value: data is not UTF-8 encoded");
      }
      if (!field.repeated) {
        if (field.oneof) {
          RemoveOneOf(out, field.name);
        } else if (Value* previous = Last(out, field.number)) {
          *previous = std::move(value);
          return nullptr;
        }
      }
      out->values.push_back(std::move(value));
      return nullptr;
    }
    case Kind::kVarint:
    case Kind::kPackedVarint: {
      if (field.kind == Kind::kPackedVarint && wire == kLengthDelimited) {
        uint64_t len = 0;
        if (Result r = DecodeVarint(c, &len)) return r;
        size_t remaining = c.remaining();
        if (len > remaining) return Fail("buffer underflow");
        size_t limit = remaining - static_cast<size_t>(len);
        while (c.remaining() > limit) {
          Value value{&field};
          if (Result r = DecodeVarint(c, &value.varint)) return r;
          out->values.push_back(std::move(value));
        }
        if (c.remaining() != limit) return Fail("delimited length exceeded");
        return nullptr;
      }
      if (Result r = CheckWire(kVarintWire, wire)) return r;
      Value value{&field};
      if (Result r = DecodeVarint(c, &value.varint)) return r;
      if (!field.repeated && field.kind == Kind::kVarint) {
        if (field.oneof) {
          RemoveOneOf(out, field.name);
        } else if (Value* previous = Last(out, field.number)) {
          *previous = std::move(value);
          return nullptr;
        }
      }
      out->values.push_back(std::move(value));
      return nullptr;
    }
    case Kind::kMessage: {
      // A singular message seen again merges into the first (prost's merge); a oneof switching
      // members replaces the previous member.
      Value* existing = nullptr;
      if (!field.repeated) {
        if (field.oneof) {
          const Value* current = out->OneOf(field.name);
          if (current != nullptr && current->spec->number == field.number) {
            existing = Last(out, field.number);
          } else {
            RemoveOneOf(out, field.name);
          }
        } else {
          existing = Last(out, field.number);
        }
      }
      auto decoded = existing != nullptr ? existing->message : std::make_shared<Decoded>();
      std::string raw;
      if (Result r = MergeMessage(wire, c, field.message, decoded.get(), depth, &raw)) return r;
      if (existing != nullptr) {
        existing->bytes += raw;
      } else {
        Value value{&field};
        value.bytes = std::move(raw);
        value.message = std::move(decoded);
        out->values.push_back(std::move(value));
      }
      return nullptr;
    }
  }
  return nullptr;
}

Result DecodeFields(Cursor& c, size_t limit, const MessageSpec* spec, Decoded* out, int depth) {
  while (c.remaining() > limit) {
    uint32_t tag;
    int wire;
    if (Result r = DecodeKey(c, &tag, &wire)) return r;
    const FieldSpec* field = spec != nullptr ? spec->Find(tag) : nullptr;
    if (field == nullptr) {
      if (Result r = SkipField(wire, tag, c, depth)) return r;
      continue;
    }
    if (Result r = MergeField(*field, wire, c, out, depth)) {
      r->stack.push_back(std::string(spec->name) + "." + field->name);
      return r;
    }
  }
  return nullptr;
}

}  // namespace

const FieldSpec* MessageSpec::Find(uint32_t number) const {
  for (const FieldSpec& field : fields) {
    if (field.number == number) return &field;
  }
  return nullptr;
}

const Value* Decoded::Get(uint32_t number) const {
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    if (it->spec->number == number) return &*it;
  }
  return nullptr;
}

std::vector<const Value*> Decoded::All(uint32_t number) const {
  std::vector<const Value*> result;
  for (const Value& value : values) {
    if (value.spec->number == number) result.push_back(&value);
  }
  return result;
}

const Value* Decoded::OneOf(const char* name) const {
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    if (it->spec->oneof && std::string(it->spec->name) == name) return &*it;
  }
  return nullptr;
}

std::string Decoded::Str(uint32_t number) const {
  const Value* value = Get(number);
  return value == nullptr ? std::string() : value->bytes;
}

bool Decode(const std::string& bytes, const MessageSpec& spec, Decoded* out, std::string* error) {
  Cursor c{reinterpret_cast<const uint8_t*>(bytes.data()), reinterpret_cast<const uint8_t*>(bytes.data()) + bytes.size()};
  Result r = DecodeFields(c, 0, &spec, out, kRecursionLimit);
  if (!r) return true;
  std::string text = "failed to decode Protobuf message: ";
  for (const std::string& level : r->stack) text += level + ": ";
  *error = text + r->description;
  return false;
}

void Writer::RawVarint(uint64_t value) {
  while (value >= 0x80) {
    out_ += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out_ += static_cast<char>(value);
}

void Writer::Key(uint32_t field, int wire_type) { RawVarint((static_cast<uint64_t>(field) << 3) | wire_type); }

Writer& Writer::Varint(uint32_t field, uint64_t value) {
  Key(field, kVarintWire);
  RawVarint(value);
  return *this;
}

Writer& Writer::Bytes(uint32_t field, const std::string& bytes) {
  Key(field, kLengthDelimited);
  RawVarint(bytes.size());
  out_ += bytes;
  return *this;
}

Writer& Writer::Message(uint32_t field, const Writer& message) { return Bytes(field, message.str()); }

}  // namespace pb

namespace specs {
namespace {

using pb::FieldSpec;
using pb::Kind;
using pb::MessageSpec;

FieldSpec Field(uint32_t number, const char* name, Kind kind, const MessageSpec* message = nullptr) {
  FieldSpec field{number, name, kind, message};
  return field;
}
FieldSpec Repeated(uint32_t number, const char* name, Kind kind, const MessageSpec* message = nullptr) {
  FieldSpec field{number, name, kind, message};
  field.repeated = true;
  return field;
}
FieldSpec OneOf(uint32_t number, const char* oneof_name, const MessageSpec* message = nullptr) {
  FieldSpec field{number, oneof_name, Kind::kMessage, message};
  field.oneof = true;
  return field;
}

// temporal.sdk.core.workflow_commands.WorkflowCommand: variant 1-22, user_metadata, markers.
MessageSpec WorkflowCommandSpec() {
  MessageSpec spec{"WorkflowCommand",
                   {Field(100, "user_metadata", Kind::kMessage), Repeated(101, "event_group_markers", Kind::kMessage)}};
  for (uint32_t n = 1; n <= 22; n++) spec.fields.push_back(OneOf(n, "variant"));
  return spec;
}
const MessageSpec kWorkflowCommand = WorkflowCommandSpec();

// temporal.sdk.core.workflow_completion.Success / Failure.
const MessageSpec kWorkflowSuccess{"Success",
                                   {Repeated(1, "commands", Kind::kMessage, &kWorkflowCommand),
                                    Repeated(6, "used_internal_flags", Kind::kPackedVarint),
                                    Field(7, "versioning_behavior", Kind::kVarint)}};
const MessageSpec kWorkflowFailure{"Failure", {Field(1, "failure", Kind::kMessage), Field(2, "force_cause", Kind::kVarint)}};

// temporal.sdk.core.activity_result.Success.
const MessageSpec kActivitySuccess{"Success", {Field(1, "result", Kind::kMessage)}};
const MessageSpec kActivityExecutionResult{"ActivityExecutionResult",
                                           {OneOf(1, "status", &kActivitySuccess), OneOf(2, "status"),
                                            OneOf(3, "status"), OneOf(4, "status")}};

// temporal.api.history.v1: the started event's attributes the replayer reads.
const MessageSpec kWorkflowType{"WorkflowType", {Field(1, "name", Kind::kString)}};
const MessageSpec kTaskQueue{"TaskQueue", {Field(1, "name", Kind::kString), Field(2, "kind", Kind::kVarint)}};
const MessageSpec kStartedAttributes{"WorkflowExecutionStartedEventAttributes",
                                     {Field(1, "workflow_type", Kind::kMessage, &kWorkflowType),
                                      Field(5, "task_queue", Kind::kMessage, &kTaskQueue),
                                      Field(14, "original_execution_run_id", Kind::kString),
                                      Field(15, "identity", Kind::kString),
                                      Field(16, "first_execution_run_id", Kind::kString),
                                      Field(18, "attempt", Kind::kVarint)}};
MessageSpec HistoryEventSpec() {
  MessageSpec spec{"HistoryEvent",
                   {Field(1, "event_id", Kind::kVarint), Field(2, "event_time", Kind::kMessage),
                    Field(3, "event_type", Kind::kVarint), Field(4, "version", Kind::kVarint),
                    Field(5, "task_id", Kind::kVarint), Field(300, "worker_may_ignore", Kind::kVarint),
                    Field(301, "user_metadata", Kind::kMessage), Repeated(302, "links", Kind::kMessage),
                    Field(303, "principal", Kind::kMessage), OneOf(6, "attributes", &kStartedAttributes)}};
  for (uint32_t n = 7; n <= 65; n++) spec.fields.push_back(OneOf(n, "attributes"));
  return spec;
}
const MessageSpec kHistoryEvent = HistoryEventSpec();

}  // namespace

const MessageSpec kWorkflowActivationCompletion{"WorkflowActivationCompletion",
                                                {Field(1, "run_id", Kind::kString),
                                                 OneOf(2, "status", &kWorkflowSuccess),
                                                 OneOf(3, "status", &kWorkflowFailure),
                                                 Field(4, "payload_download_metrics", Kind::kMessage),
                                                 Field(5, "payload_upload_metrics", Kind::kMessage)}};
const MessageSpec kActivityTaskCompletion{"ActivityTaskCompletion",
                                          {Field(1, "task_token", Kind::kBytes),
                                           Field(2, "result", Kind::kMessage, &kActivityExecutionResult)}};
const MessageSpec kActivityHeartbeat{"ActivityHeartbeat",
                                     {Field(1, "task_token", Kind::kBytes), Repeated(2, "details", Kind::kMessage)}};
const MessageSpec kWorkflowActivation{"WorkflowActivation",
                                      {Field(1, "run_id", Kind::kString), Field(2, "timestamp", Kind::kMessage),
                                       Field(3, "is_replaying", Kind::kVarint), Field(4, "history_length", Kind::kVarint),
                                       Repeated(5, "jobs", Kind::kMessage)}};
const MessageSpec kActivityTask{"ActivityTask",
                                {Field(1, "task_token", Kind::kBytes), OneOf(3, "variant"), OneOf(4, "variant")}};
const MessageSpec kHistory{"History", {Repeated(1, "events", Kind::kMessage, &kHistoryEvent)}};
const MessageSpec kAnyRequest{"Request", {}};

}  // namespace specs
}  // namespace fake
