// N-API glue only: argument checks, ISA selection, and calls into the kernel table.
// No C++ exceptions cross this boundary (NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS): errors
// are thrown as JavaScript exceptions and the function returns.
#include <napi.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"

namespace {

using nninit::Kernels;

// Process-wide: the addon may be loaded by several worker threads at once; the selection
// is one pointer to constant data, so an atomic is all the state there is.
std::atomic<const Kernels*> g_kernels{nullptr};

const Kernels* current() {
  const Kernels* k = g_kernels.load(std::memory_order_acquire);
  if (k == nullptr) {
    const Kernels* best = nninit::select_kernels(nullptr, nullptr);
    g_kernels.compare_exchange_strong(k, best, std::memory_order_acq_rel);
    k = g_kernels.load(std::memory_order_acquire);
  }
  return k;
}

std::string available_list() {
  std::string s;
  for (const std::string& n : nninit::available_isa_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), current()->name);
}

Napi::Value IsaAvailable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<std::string> names = nninit::available_isa_names();
  Napi::Array out = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); i++) out.Set(static_cast<uint32_t>(i), names[i]);
  return out;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "setIsa(name): name must be a string (\"auto\" or one of: " +
                                  available_list() + ")")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string error;
  const Kernels* k = nninit::select_kernels(name.c_str(), &error);
  if (k == nullptr) {
    Napi::Error::New(env, "setIsa(name): " + error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  g_kernels.store(k, std::memory_order_release);
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, "fill: " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowRange(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, "fill: " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

const char* const kKindNames[] = {"bits",          "uniform f32",          "uniform f64",
                                  "normal f32",    "normal f64",           "truncated normal f32",
                                  "truncated normal f64"};
const napi_typedarray_type kKindArray[] = {napi_uint32_array,  napi_float32_array, napi_float64_array,
                                           napi_float32_array, napi_float64_array, napi_float32_array,
                                           napi_float64_array};
const char* const kKindArrayName[] = {"Uint32Array",  "Float32Array", "Float64Array", "Float32Array",
                                      "Float64Array", "Float32Array", "Float64Array"};
const size_t kKindParams[] = {3, 3, 3, 2, 2, 12, 12};

bool is_u32(double x) { return x >= 0 && x <= 4294967295.0 && x == std::floor(x); }

// fill(kind, out, key, offset, params). For kind 0 (bits) offset is unused and params is
// [block lo32, block hi32, skip 0..3] (bits() of distributions.ts).
Napi::Value Fill(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) return ThrowType(env, "expected 5 arguments (kind, out, key, offset, params)");
  if (!info[0].IsNumber()) return ThrowType(env, "kind must be a number");
  const double kind_d = info[0].As<Napi::Number>().DoubleValue();
  if (!(kind_d >= 0 && kind_d <= 6) || kind_d != std::floor(kind_d))
    return ThrowRange(env, "kind must be an integer 0..6, got " + std::to_string(kind_d));
  const int kind = static_cast<int>(kind_d);

  if (!info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != kKindArray[kind])
    return ThrowType(env, std::string("out must be a ") + kKindArrayName[kind] + " for kind " +
                              kKindNames[kind]);
  if (!info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      info[2].As<Napi::TypedArray>().ElementLength() < 4)
    return ThrowType(env, "key must be a Uint32Array [k0, k1, s0, s1]");
  if (!info[3].IsNumber()) return ThrowType(env, "offset must be a number");
  const double off_d = info[3].As<Napi::Number>().DoubleValue();
  if (!(off_d >= 0 && off_d < 9007199254740992.0) || off_d != std::floor(off_d))
    return ThrowRange(env, "offset must be an integer in [0, 2^53), got " + std::to_string(off_d));
  if (!info[4].IsTypedArray() ||
      info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[4].As<Napi::TypedArray>().ElementLength() < kKindParams[kind])
    return ThrowType(env, "params must be a Float64Array of at least " +
                              std::to_string(kKindParams[kind]) + " values for kind " +
                              kKindNames[kind]);

  const Napi::Uint32Array key_arr = info[2].As<Napi::Uint32Array>();
  const nninit::Key key{key_arr[0], key_arr[1], key_arr[2], key_arr[3]};
  const uint64_t offset = static_cast<uint64_t>(off_d);
  const Napi::Float64Array params = info[4].As<Napi::Float64Array>();
  std::vector<double> p(params.Data(), params.Data() + kKindParams[kind]);
  if (kind == 0 && !(is_u32(p[0]) && is_u32(p[1]) && is_u32(p[2]) && p[2] <= 3))
    return ThrowRange(env, "bits params must be [block lo32, block hi32, skip 0..3] integers");
  const Kernels* k = current();

  nninit::FpEnvGuard guard;
  switch (kind) {
    case 0: {
      Napi::Uint32Array out = info[1].As<Napi::Uint32Array>();
      const uint64_t block = static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 32);
      k->bits(out.Data(), out.ElementLength(), key, block, static_cast<unsigned>(p[2]));
      break;
    }
    case 1: case 2: {
      const nninit::UniformParams up{p[0], p[1], p[2]};
      if (kind == 1) {
        Napi::Float32Array out = info[1].As<Napi::Float32Array>();
        k->uniform_f32(out.Data(), out.ElementLength(), key, offset, up);
      } else {
        Napi::Float64Array out = info[1].As<Napi::Float64Array>();
        k->uniform_f64(out.Data(), out.ElementLength(), key, offset, up);
      }
      break;
    }
    case 3: case 4: {
      const nninit::NormalParams np{p[0], p[1]};
      if (kind == 3) {
        Napi::Float32Array out = info[1].As<Napi::Float32Array>();
        k->normal_f32(out.Data(), out.ElementLength(), key, offset, np);
      } else {
        Napi::Float64Array out = info[1].As<Napi::Float64Array>();
        k->normal_f64(out.Data(), out.ElementLength(), key, offset, np);
      }
      break;
    }
    default: {
      nninit::TruncatedNormalParams tp;
      tp.fast = p[0] != 0;
      tp.mean = p[1]; tp.std = p[2]; tp.lo = p[3]; tp.hi = p[4];
      tp.ea = p[5]; tp.d = p[6]; tp.scale = p[7];
      tp.flip = p[8]; tp.lpb = p[9]; tp.e0 = p[10]; tp.c0 = p[11];
      if (kind == 5) {
        Napi::Float32Array out = info[1].As<Napi::Float32Array>();
        k->truncated_normal_f32(out.Data(), out.ElementLength(), key, offset, tp);
      } else {
        Napi::Float64Array out = info[1].As<Napi::Float64Array>();
        k->truncated_normal_f64(out.Data(), out.ElementLength(), key, offset, tp);
      }
      break;
    }
  }
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // NNINIT_ISA forces an ISA for testing. A bad value never crashes: the best ISA is used
  // and isaError carries the message for the TypeScript loader to throw.
  Napi::Value isa_error = env.Null();
  const char* forced = std::getenv("NNINIT_ISA");
  if (forced != nullptr && forced[0] != '\0') {
    std::string error;
    const Kernels* k = nninit::select_kernels(forced, &error);
    if (k != nullptr) {
      g_kernels.store(k, std::memory_order_release);
    } else {
      isa_error = Napi::String::New(env, "NNINIT_ISA: " + error);
      current();
    }
  } else {
    current();
  }
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  exports.Set("isaError", isa_error);
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("isaAvailable", Napi::Function::New(env, IsaAvailable, "isaAvailable"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nninit, Init)
