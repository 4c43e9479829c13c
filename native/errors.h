// The one error shape the addon raises. Every error is an `Error` with `name` "TemporalNativeError"
// and a `kind`; the TypeScript adapter turns it into CoreError / WorkerStateError.
//   kind "rpc":      gRPC failure; `grpcCode` (number) and `details` (Buffer, google.rpc.Status).
//   kind "core":     a failure message from the core (no gRPC status).
//   kind "aborted":  the caller's AbortSignal fired; `cause` is the signal's reason.
//   kind "state":    a call the worker state machine refuses (after finalize, wrong order).
//   kind "library":  the core library or one of its symbols could not be loaded; `path`, `symbol`.
//   kind "teardown": the JS environment is shutting down with the call still pending.
// Bad arguments are plain TypeError / RangeError naming the field.
#pragma once

#include <napi.h>

#include <string>

#include "byte_array.h"
#include "core_library.h"

namespace temporal_native {

Napi::Error MakeError(Napi::Env env, const char* kind, const std::string& message);
Napi::Error MakeRpcError(Napi::Env env, uint32_t code, const std::string& message, const CoreBytes& details);
Napi::Error MakeLibraryError(Napi::Env env, const CoreLoadError& error);

}  // namespace temporal_native
