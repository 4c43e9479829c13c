# The addon (temporal_native.node). The fake core it is tested against has its own build,
# test/fake-core/binding.gyp, so this file builds from the published tarball, which has no test/.
# The C header: native/include/ when present (staged there by scripts/prebuild.js and shipped in the
# tarball), else the pinned @temporalio/core-bridge devDependency.
# `sanitize=1` (see scripts/native-memcheck.sh) builds with AddressSanitizer.
{
  'variables': {
    'core_bridge_include': '<!(node -p "const fs = require(\'fs\'), p = require(\'path\'); fs.existsSync(\'native/include/temporal-sdk-core-c-bridge.h\') ? p.resolve(\'native/include\') : p.join(p.dirname(require.resolve(\'@temporalio/core-bridge/package.json\')), \'sdk-core\', \'crates\', \'sdk-core-c-bridge\', \'include\')")',
    'sanitize%': 0,
  },
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-missing-field-initializers'],
    'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17', '-std=gnu++14'],
    'cflags!': ['-fno-exceptions'],
    'include_dirs': ['<(core_bridge_include)'],
    'xcode_settings': {
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'MACOSX_DEPLOYMENT_TARGET': '11.0',
    },
    'conditions': [
      ['sanitize==1', {
        'cflags_cc': ['-fsanitize=address', '-fno-omit-frame-pointer', '-g', '-O1'],
        'ldflags': ['-fsanitize=address'],
      }],
    ],
  },
  'targets': [
    {
      'target_name': 'temporal_native',
      'sources': [
        'native/addon.cc',
        'native/byte_array.cc',
        'native/call.cc',
        'native/connection.cc',
        'native/core_library.cc',
        'native/env_context.cc',
        'native/errors.cc',
        'native/log_forwarder.cc',
        'native/metric_meter.cc',
        'native/options.cc',
        'native/runtime.cc',
        'native/worker.cc',
        'native/replayer.cc',
      ],
      'include_dirs': ['<!(node -p "require(\'node-addon-api\').include_dir")'],
      'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
      'libraries': ['-ldl'],
    },
  ],
}
