#!/usr/bin/env bash
# Runs the addon's tests under AddressSanitizer, on the fake core (test/native) and on the real
# core (test/real-core, the contract suite, and the suites whose options reach the C structs the
# addon fills: tuners and poller autoscaling, the HTTP CONNECT proxy, TLS and API keys), and fails on
# any report. The addon and the fake core are rebuilt with -fsanitize=address into a scratch copy of
# the build (build/ stays untouched); node itself is not instrumented, so gcc's ASan runtime
# (libasan, shipped with g++) is preloaded into every node process the tests start.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${TEMPORAL_MEMCHECK_DIR:-$ROOT/build/memcheck}"

LIBASAN="$(g++ -print-file-name=libasan.so)"
if [[ "$LIBASAN" != /* || ! -e "$LIBASAN" ]]; then
  echo "native-memcheck: g++ has no AddressSanitizer runtime (libasan.so); install g++ with libasan." >&2
  exit 2
fi

# node-gyp always builds into ./build, so the sanitized build runs in a scratch project that
# shares the sources and node_modules.
rm -rf "$WORK"
mkdir -p "$WORK/test/fake-core"
ln -s "$ROOT/binding.gyp" "$WORK/binding.gyp"
ln -s "$ROOT/native" "$WORK/native"
ln -s "$ROOT/node_modules" "$WORK/node_modules"
# The fake core has its own binding.gyp; its build folder must be the scratch one, not the source's.
for f in "$ROOT"/test/fake-core/*; do
  [[ "$(basename "$f")" == build ]] || ln -s "$f" "$WORK/test/fake-core/$(basename "$f")"
done
# heap_probe's source, which the fake core's binding.gyp names relative to itself.
ln -s "$ROOT/test/support" "$WORK/test/support"

NODE_GYP="$(dirname "$(command -v node)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -n "${npm_config_node_gyp:-}" ]] && NODE_GYP="$npm_config_node_gyp"
NODEDIR_ARGS=()
NODE_PREFIX="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
if [[ -e "$NODE_PREFIX/include/node/node_api.h" ]]; then
  NODEDIR_ARGS=("--nodedir=$NODE_PREFIX")
  # node-gyp lets an npm `nodedir` setting (npm_config_nodedir) win over --nodedir.
  unset npm_config_nodedir NPM_CONFIG_NODEDIR
elif [[ -n "${npm_config_nodedir:-}" ]]; then
  NODEDIR_ARGS=("--nodedir=$npm_config_nodedir")
fi

echo "native-memcheck: building the addon and the fake core with AddressSanitizer in $WORK"
(cd "$WORK" && node "$NODE_GYP" rebuild "${NODEDIR_ARGS[@]}" --jobs=max --sanitize=1 >"$WORK/build.log" 2>&1 &&
  cd "$WORK/test/fake-core" && node "$NODE_GYP" rebuild "${NODEDIR_ARGS[@]}" --jobs=max --sanitize=1 >>"$WORK/build.log" 2>&1) || {
  cat "$WORK/build.log" >&2
  exit 1
}

# The real C bridge library (Rust, not instrumented; the addon around it is). Without it only the
# fake-core half can run, and that is a failure: the real core is what users get.
REAL_CORE="${TEMPORAL_CORE_LIBRARY:-}"
if [[ -z "$REAL_CORE" ]]; then
  REAL_CORE="$(cd "$ROOT" && node -e "process.stdout.write(require('./dist/core/native/library-path.js').findCoreLibrary() ?? '')" 2>/dev/null || true)"
fi

LOG="$WORK/test.log"
: >"$LOG"
# Leak checking stays off: node and V8 keep allocations alive until exit by design; the fake
# core's live counts (asserted by the tests) cover what the addon must free.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:verify_asan_link_order=0:allocator_may_return_null=1"
export TEMPORAL_NATIVE_BUILD_DIR="$WORK/build/Release"
export TEMPORAL_NATIVE_ADDON="$WORK/build/Release/temporal_native.node"
export TEMPORAL_FAKE_CORE_LIBRARY="$WORK/test/fake-core/build/Release/libtemporalio_sdk_core_c_bridge.so"
# Tests that measure memory skip that measurement: ASan's quarantine keeps freed memory resident
# and its allocator replaces the one heap_probe reads.
export TEMPORAL_NATIVE_MEMCHECK=1

run_under_asan() {
  echo "native-memcheck: running $* under ASan (log: $LOG)"
  (cd "$ROOT" && LD_PRELOAD="$LIBASAN" node node_modules/vitest/vitest.mjs run --project default "$@") 2>&1 | tee -a "$LOG"
  return "${PIPESTATUS[0]}"
}

set +e
run_under_asan test/native
STATUS=$?
if [[ -z "$REAL_CORE" || ! -e "$REAL_CORE" ]]; then
  echo "native-memcheck: the real core library was not found (run npm run build-core); the real-core half cannot run" | tee -a "$LOG" >&2
  STATUS=1
else
  echo "native-memcheck: real core library $REAL_CORE"
  TEMPORAL_CORE_LIBRARY="$REAL_CORE" run_under_asan test/real-core test/contract/core-contract.test.ts test/contract/rpc-with-scripted-server.test.ts \
    test/telemetry/native-metrics.test.ts test/telemetry/prometheus.native.test.ts \
    test/e2e/worker/worker-api.test.ts test/e2e/client/connection-services.test.ts test/hardening/tls.test.ts
  REAL_STATUS=$?
  [[ $STATUS -eq 0 ]] && STATUS=$REAL_STATUS
fi
set -e

if grep -q "ERROR: AddressSanitizer" "$LOG"; then
  echo "native-memcheck: AddressSanitizer reported errors (see $LOG)" >&2
  exit 1
fi
if grep -q "^fake core: " "$LOG"; then
  echo "native-memcheck: the fake core caught a misuse of the C ABI (see $LOG)" >&2
  exit 1
fi
if [[ $STATUS -ne 0 ]]; then
  echo "native-memcheck: the native tests failed under AddressSanitizer (exit $STATUS)" >&2
  exit "$STATUS"
fi
echo "native-memcheck: no AddressSanitizer reports; native tests passed on the fake core and the real core"
