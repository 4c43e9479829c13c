// The fake core: our own implementation of the C bridge entry points the addon uses, compiled
// against the real header. It behaves like the Rust core where the addon can tell (callbacks from
// foreign threads, synchronous early errors, NULL/NULL poll answers after shutdown, abort on any
// worker call after finalize) and is strict where the real core would be undefined: a NULL
// ByteArrayRef, a double free, freeing a handle or token still used by an operation all abort
// with a message naming the mistake.
//
// Where the real core refuses something, the fake refuses it the same way and with the same kind of
// message: unknown RPC names, request and completion bytes that do not decode (protobuf.h), worker
// options, a second worker with overlapping task types on one connection, namespace and queue,
// malformed completions. Where the real core only logs (an unknown task token, a completion for
// a run without an outstanding activation), the fake logs the same line at the same level.
//
// Scripting happens through rpc_call on the Test service (see client.cc); the live counts of byte
// arrays, handles and tokens are read through the same channel (rpc "Stats").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "temporal-sdk-core-c-bridge.h"

namespace fake {

struct Counters {
  std::atomic<long> byte_arrays{0};
  std::atomic<long> runtimes{0};
  std::atomic<long> connections{0};
  std::atomic<long> workers{0};
  std::atomic<long> pushers{0};
  std::atomic<long> tokens{0};
  std::atomic<long> rpcs_in_flight{0};
  std::atomic<long> worker_ops_in_flight{0};
  std::atomic<long> heartbeats{0};
  std::atomic<long> evictions{0};
  std::atomic<long> worker_delay_ms{1};
};
Counters& counters();

[[noreturn]] void Die(const std::string& message);

// Input checks shared by every entry point.
std::string Str(TemporalCoreByteArrayRef ref, const char* what);
std::map<std::string, std::string> Metadata(TemporalCoreMetadataRef ref, const char* what);

// Core-owned arrays handed to the caller; each must come back through byte_array_free once.
const TemporalCoreByteArray* NewBytes(const std::string& bytes);

// Runs `fn` on one of the fake core's own threads after `delay`.
void Schedule(std::chrono::milliseconds delay, std::function<void()> fn);

std::string JsonEscape(const std::string& text);
std::string Hex(const std::string& bytes);
std::string Base64(const std::string& bytes);
// Rust's Debug rendering of a string: quoted, with \" \\ \n \r \t and \u{..} escapes.
std::string RustDebugString(const std::string& text);
// A random version-4 UUID, as the core gives every worker (its worker_instance_key).
std::string NewUuid();

}  // namespace fake

// Handle types (opaque in the header).
struct TemporalCoreRuntime {
  uint32_t magic;
  TemporalCoreForwardedLogCallback forward_to;
  std::atomic<int> refs;  // the handle plus every connection / worker made from it
  void Log(TemporalCoreForwardedLogLevel level, const std::string& message, const std::string& fields_json);
};

struct TemporalCoreForwardedLog {
  std::string target;
  std::string message;
  uint64_t timestamp_ms;
  std::string fields_json;
};

namespace fake {
constexpr uint32_t kLiveMagic = 0x7e3905a1;
constexpr uint32_t kDeadMagic = 0xdeadbeef;
void RuntimeRetain(TemporalCoreRuntime* runtime);
void RuntimeRelease(TemporalCoreRuntime* runtime);
void CheckRuntime(const TemporalCoreRuntime* runtime, const char* call);
uint64_t TokenWatch(TemporalCoreCancellationToken* token, std::function<void()> on_cancel);
void TokenUnwatch(TemporalCoreCancellationToken* token, uint64_t id);

// The core's per-connection worker registry (temporalio_client's ClientWorkerSet), in client.cc.
struct WorkerRegistration {
  std::string namespace_, task_queue, key;  // key: the worker_instance_key
  TemporalCoreWorkerTaskTypes types;
};
std::string ConnectionIdentity(TemporalCoreConnection* connection);
// "" when registered; otherwise the core's refusal (without the "Worker start failed: " prefix).
std::string RegisterWorker(TemporalCoreConnection* connection, const WorkerRegistration& registration);
void UnregisterWorker(TemporalCoreConnection* connection, const std::string& key);

// Test-service hooks implemented in worker.cc. EnqueueTask returns "" or why the bytes were refused.
std::string EnqueueTask(const std::string& task_queue, const std::string& kind, const std::string& bytes);
std::string WorkersJson(const std::string& task_queue);
}  // namespace fake
