#include "errors.h"

namespace temporal_native {

Napi::Error MakeError(Napi::Env env, const char* kind, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("name", Napi::String::New(env, "TemporalNativeError"));
  error.Set("kind", Napi::String::New(env, kind));
  return error;
}

Napi::Error MakeRpcError(Napi::Env env, uint32_t code, const std::string& message, const CoreBytes& details) {
  Napi::Error error = MakeError(env, code == 0 ? "core" : "rpc", message);
  if (code != 0) error.Set("grpcCode", Napi::Number::New(env, code));
  if (details) error.Set("details", details.ToBuffer(env));
  return error;
}

Napi::Error MakeLibraryError(Napi::Env env, const CoreLoadError& load) {
  std::string message = load.symbol.empty()
      ? "Cannot load the Temporal core library at " + load.path + ": " + load.detail
      : "The Temporal core library at " + load.path + " lacks the entry point " + load.symbol;
  Napi::Error error = MakeError(env, "library", message);
  error.Set("path", Napi::String::New(env, load.path));
  if (!load.symbol.empty()) error.Set("symbol", Napi::String::New(env, load.symbol));
  return error;
}

}  // namespace temporal_native
