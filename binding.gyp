# One build definition for the addon and the fake core it is tested against.
# The C header is read from the pinned @temporalio/core-bridge package (never copied here).
# `sanitize=1` (see scripts/native-memcheck.sh) builds both with AddressSanitizer.
{
  'variables': {
    'core_bridge_include': '<!(node -p "require(\'path\').join(require(\'path\').dirname(require.resolve(\'@temporalio/core-bridge/package.json\')), \'sdk-core\', \'crates\', \'sdk-core-c-bridge\', \'include\')")',
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
        'native/options.cc',
        'native/runtime.cc',
        'native/worker.cc',
        'native/replayer.cc',
      ],
      'include_dirs': ['<!(node -p "require(\'node-addon-api\').include_dir")'],
      'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
      'libraries': ['-ldl'],
    },
    {
      # The fake core: our own implementation of the C ABI, a drop-in for the real library.
      'target_name': 'temporalio_sdk_core_c_bridge',
      'type': 'shared_library',
      'product_prefix': 'lib',
      'conditions': [
        ['OS=="mac"', {'product_extension': 'dylib'}, {'product_extension': 'so'}],
      ],
      'product_dir': '<(PRODUCT_DIR)',
      'sources': [
        'test/fake-core/byte_arrays.cc',
        'test/fake-core/scheduler.cc',
        'test/fake-core/runtime.cc',
        'test/fake-core/client.cc',
        'test/fake-core/worker.cc',
      ],
      'cflags': ['-fvisibility=default', '-pthread'],
      'ldflags': ['-pthread'],
    },
  ],
}
