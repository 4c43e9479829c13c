# The fake core: our own implementation of the C ABI, a drop-in for the real library, built by
# scripts/install.js (development clones only) into test/fake-core/build/Release/.
# Same header and flags as the addon (../../binding.gyp); `sanitize=1` builds it with AddressSanitizer.
# fake_core_probe (probe.cc) is built next to it, and so is heap_probe.node
# (../support/heap-probe), the allocator's in-use byte count the leak tests read.
{
  'variables': {
    'core_bridge_include': '<!(node -p "const fs = require(\'fs\'), p = require(\'path\'); fs.existsSync(\'../../native/include/temporal-sdk-core-c-bridge.h\') ? p.resolve(\'../../native/include\') : p.join(p.dirname(require.resolve(\'@temporalio/core-bridge/package.json\')), \'sdk-core\', \'crates\', \'sdk-core-c-bridge\', \'include\')")',
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
      'target_name': 'temporalio_sdk_core_c_bridge',
      'type': 'shared_library',
      'product_prefix': 'lib',
      'conditions': [
        ['OS=="mac"', {'product_extension': 'dylib'}, {'product_extension': 'so'}],
      ],
      'product_dir': '<(PRODUCT_DIR)',
      'sources': [
        'byte_arrays.cc',
        'protobuf.cc',
        'scheduler.cc',
        'runtime.cc',
        'client.cc',
        'worker.cc',
      ],
      'cflags': ['-fvisibility=default', '-pthread'],
      'ldflags': ['-pthread'],
    },
    {
      # Drives a core library's C ABI directly (probe.cc), for what the addon never lets through.
      'target_name': 'fake_core_probe',
      'type': 'executable',
      'product_dir': '<(PRODUCT_DIR)',
      'sources': ['probe.cc'],
      'cflags': ['-pthread'],
      'ldflags': ['-pthread'],
      'libraries': ['-ldl'],
    },
    {
      # For the leak tests: process.memoryUsage() cannot see what the allocator still holds.
      'target_name': 'heap_probe',
      'sources': ['../support/heap-probe/heap_probe.cc'],
    },
  ],
}
