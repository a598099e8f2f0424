{
  "targets": [
    {
      "target_name": "nninit",
      "sources": [
        "<!@(node -p \"const s = require('./native/src/sources.json'); s.core.concat(s['node-api']).join(' ')\")"
      ],
      "include_dirs": [
        "native/include",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": ["-ffast-math"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20", "-ffast-math"],
      "cflags": ["-O3", "-ffp-contract=off", "-fvisibility=hidden"],
      "cflags_cc": [
        "-std=c++17",
        "-O3",
        "-ffp-contract=off",
        "-fno-exceptions",
        "-fvisibility=hidden",
        "-Wall",
        "-Wextra"
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CFLAGS": ["-ffp-contract=off"],
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-ffp-contract=off", "-fno-exceptions", "-Wall", "-Wextra"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "ExceptionHandling": 0,
          "Optimization": 2,
          "FloatingPointModel": 0,
          "AdditionalOptions": ["/std:c++17", "/fp:precise", "/fp:contract-"]
        }
      }
    }
  ]
}
