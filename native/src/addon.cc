// N-API glue only: argument checks, ISA selection, and calls into the kernel table, the
// fill policy and the async machinery (async.cc).
// No C++ exceptions cross this boundary (NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS): errors
// are thrown as JavaScript exceptions and the function returns.
#include <napi.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "async.h"
#include "nninit/dispatch.h"
#include "nninit/fill.h"
#include "nninit/kernels.h"
#include "nninit/kinds.h"
#include "nninit/pages.h"
#include "nninit/qr.h"

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

Napi::Value ThrowType(Napi::Env env, const char* fn, const std::string& msg) {
  Napi::TypeError::New(env, std::string(fn) + ": " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowRange(Napi::Env env, const char* fn, const std::string& msg) {
  Napi::RangeError::New(env, std::string(fn) + ": " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool is_u32(double x) { return x >= 0 && x <= 4294967295.0 && x == std::floor(x); }

// Checks fill's arguments and copies everything the kernel needs into *a (the output
// pointer included: the caller keeps the array alive while it uses it). *shared (when given)
// tells whether out's buffer is a SharedArrayBuffer. Returns false after throwing.
bool ParseFill(const Napi::CallbackInfo& info, const char* fn, nninit::FillArgs* a, bool* shared) {
  // Raw N-API, one call per argument: this runs on every fill, and the node-addon-api
  // wrappers re-query the typed-array info for each property (~10 calls, ~0.5 us).
  Napi::Env env = info.Env();
  if (info.Length() < 5)
    return ThrowType(env, fn, "expected 5 arguments (kind, out, key, offset, params)"), false;
  double kind_d = 0;
  if (napi_get_value_double(env, info[0], &kind_d) != napi_ok)
    return ThrowType(env, fn, "kind must be a number"), false;
  if (!(kind_d >= 0 && kind_d < nninit::kKindCount) || kind_d != std::floor(kind_d))
    return ThrowRange(env, fn, "kind must be an integer 0.." + std::to_string(nninit::kKindCount - 1) +
                                   ", got " + std::to_string(kind_d)),
           false;
  const nninit::Kind kind = static_cast<nninit::Kind>(static_cast<int>(kind_d));
  const nninit::KindInfo& ki = nninit::kKinds[kind];
  const napi_typedarray_type want = ki.element == nninit::Element::kUint32    ? napi_uint32_array
                                    : ki.element == nninit::Element::kFloat32 ? napi_float32_array
                                                                              : napi_float64_array;

  napi_typedarray_type out_type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env, info[1], &out_type, &length, &data, &buffer, nullptr) != napi_ok ||
      out_type != want)
    return ThrowType(env, fn, std::string("out must be a ") + nninit::element_array_name(ki.element) +
                                  " for kind " + ki.name),
           false;
  napi_typedarray_type key_type;
  size_t key_len = 0;
  void* key_data = nullptr;
  if (napi_get_typedarray_info(env, info[2], &key_type, &key_len, &key_data, nullptr, nullptr) != napi_ok ||
      key_type != napi_uint32_array || key_len < 4)
    return ThrowType(env, fn, "key must be a Uint32Array [k0, k1, s0, s1]"), false;
  double off_d = 0;
  if (napi_get_value_double(env, info[3], &off_d) != napi_ok)
    return ThrowType(env, fn, "offset must be a number"), false;
  if (!(off_d >= 0 && off_d < 9007199254740992.0) || off_d != std::floor(off_d))
    return ThrowRange(env, fn, "offset must be an integer in [0, 2^53), got " + std::to_string(off_d)),
           false;
  napi_typedarray_type par_type;
  size_t par_len = 0;
  void* par_data = nullptr;
  if (napi_get_typedarray_info(env, info[4], &par_type, &par_len, &par_data, nullptr, nullptr) != napi_ok ||
      par_type != napi_float64_array || par_len < ki.params)
    return ThrowType(env, fn, "params must be a Float64Array of at least " + std::to_string(ki.params) +
                                  " values for kind " + ki.name),
           false;
  if (shared != nullptr) {
    // A typed array's buffer is an ArrayBuffer or a SharedArrayBuffer.
    bool plain = true;
    if (napi_is_arraybuffer(env, buffer, &plain) != napi_ok) plain = true;
    *shared = !plain;
  }

  const uint32_t* key_arr = static_cast<const uint32_t*>(key_data);
  double p[nninit::kMaxKindParams];
  std::memcpy(p, par_data, ki.params * sizeof(double));
  if (kind == nninit::kBits && !(is_u32(p[0]) && is_u32(p[1]) && is_u32(p[2]) && p[2] <= 3))
    return ThrowRange(env, fn, "bits params must be [block lo32, block hi32, skip 0..3] integers"),
           false;

  a->kind = kind;
  a->key = nninit::Key{key_arr[0], key_arr[1], key_arr[2], key_arr[3]};
  a->offset = static_cast<uint64_t>(off_d);
  a->skip = 0;
  // napi_get_typedarray_info's data already includes byteOffset, and it works for views of
  // SharedArrayBuffers too (Napi::ArrayBuffer::Data would not).
  a->n = length;
  a->out = length ? data : nullptr;
  switch (kind) {
    case nninit::kBits:
      a->offset = static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 32);
      a->skip = static_cast<unsigned>(p[2]);
      break;
    case nninit::kUniformF32: case nninit::kUniformF64:
      a->uniform = nninit::UniformParams{p[0], p[1], p[2]};
      break;
    case nninit::kNormalF32: case nninit::kNormalF64:
      a->normal = nninit::NormalParams{p[0], p[1]};
      break;
    default: {
      nninit::TruncatedNormalParams& tp = a->trunc;
      tp.fast = p[0] != 0;
      tp.mean = p[1]; tp.std = p[2]; tp.lo = p[3]; tp.hi = p[4];
      tp.ea = p[5]; tp.d = p[6]; tp.scale = p[7];
      tp.flip = p[8]; tp.lpb = p[9]; tp.e0 = p[10]; tp.c0 = p[11];
      break;
    }
  }
  return true;
}

// fill(kind, out, key, offset, params). For kind 0 (bits) offset is unused and params is
// [block lo32, block hi32, skip 0..3] (bits() of distributions.ts). Large fills run on
// the thread pool; the call returns when the array is filled.
Napi::Value Fill(const Napi::CallbackInfo& info) {
  nninit::FillArgs a{};
  if (!ParseFill(info, "fill", &a, nullptr)) return info.Env().Undefined();
  const Kernels* k = current();
  nninit::FpEnvGuard guard;
  nninit::fill(k, a);
  return info.Env().Undefined();
}

// fillAsync: the same checks (thrown synchronously), then the fill runs off the JavaScript
// thread on memory it owns, and the promise resolves with undefined (async.cc).
Napi::Value FillAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  nninit::FillArgs a{};
  bool shared = false;
  if (!ParseFill(info, "fillAsync", &a, &shared)) return env.Undefined();
  napi_value promise = nninit::fill_async_promise(env, current(), a, info[1], shared);
  return promise != nullptr ? Napi::Value(env, promise) : env.Undefined();
}

// householderQ(a: Float64Array, m, n, rowMajor?): the thin Q of orthogonal.ts's
// householderQ, in place on a[0 .. m*n) (m x n, m >= n; column-major, or row by row with
// rowMajor = true). Checks its arguments (TypeError for wrong types, RangeError for bad
// sizes) and copies what the QR needs into *out.
struct QrArgs {
  double* a;
  size_t m, n;
  const Kernels* isa;  // the fill kernels' ISA at the call (the QR's bits do not depend on it)
  unsigned threads;
  bool row_major;
};

bool ParseQr(const Napi::CallbackInfo& info, const char* fn, QrArgs* out) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) return ThrowType(env, fn, "expected 3 arguments (a, m, n)"), false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, info[0], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array)
    return ThrowType(env, fn, "a must be a Float64Array"), false;
  double dims[2];
  const char* names[2] = {"m", "n"};
  for (int d = 0; d < 2; d++) {
    if (napi_get_value_double(env, info[1 + d], &dims[d]) != napi_ok)
      return ThrowType(env, fn, std::string(names[d]) + " must be a number"), false;
    if (!(dims[d] >= 0 && dims[d] < 9007199254740992.0) || dims[d] != std::floor(dims[d]))
      return ThrowRange(env, fn, std::string(names[d]) + " must be an integer >= 0, got " +
                                     std::to_string(dims[d])),
             false;
  }
  if (dims[1] > dims[0])
    return ThrowRange(env, fn, "n must be <= m (thin QR of a tall or square matrix), got m = " +
                                   std::to_string(dims[0]) + ", n = " + std::to_string(dims[1])),
           false;
  // Exact whenever it is <= length (< 2^53); a rounded larger product is still > length.
  if (dims[0] * dims[1] > static_cast<double>(length))
    return ThrowRange(env, fn, "a has " + std::to_string(length) + " elements, fewer than m * n = " +
                                   std::to_string(dims[0] * dims[1])),
           false;
  out->m = static_cast<size_t>(dims[0]);
  out->n = static_cast<size_t>(dims[1]);
  out->a = out->n ? static_cast<double*>(data) : nullptr;
  out->row_major = false;
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    if (!info[3].IsBoolean()) return ThrowType(env, fn, "rowMajor must be a boolean"), false;
    out->row_major = info[3].As<Napi::Boolean>().Value();
  }
  out->isa = current();
  out->threads = nninit::threads();
  return true;
}

Napi::Value HouseholderQ(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QrArgs a{};
  if (!ParseQr(info, "householderQ", &a) || a.n == 0) return env.Undefined();
  bool ok;
  {
    nninit::FpEnvGuard guard;
    ok = nninit::householder_q(a.isa, a.a, a.m, a.n, a.threads, a.row_major);
  }
  if (!ok) Napi::Error::New(env, std::string("householderQ: ") + nninit::kQrNoMemory).ThrowAsJavaScriptException();
  return env.Undefined();
}

// householderQAsync: the same checks (thrown synchronously), then the QR runs on a libuv
// pool thread on a copy of the matrix (async.cc).
Napi::Value HouseholderQAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QrArgs a{};
  if (!ParseQr(info, "householderQAsync", &a)) return env.Undefined();
  napi_value promise =
      nninit::qr_async_promise(env, a.isa, a.a, a.m, a.n, a.threads, a.row_major, info[0]);
  return promise != nullptr ? Napi::Value(env, promise) : env.Undefined();
}

// adviseHugePages(buffer: ArrayBuffer): advises transparent huge pages for the 2 MiB-aligned
// part of a fresh buffer's memory before anything touches it (lib/backend.ts allocateArray).
// The contents do not change. Returns whether huge pages were advised.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* data = nullptr;
  size_t length = 0;
  if (info.Length() < 1 || napi_get_arraybuffer_info(env, info[0], &data, &length) != napi_ok)
    return ThrowType(env, "adviseHugePages", "buffer must be an ArrayBuffer");
  return Napi::Boolean::New(env, data != nullptr && nninit::advise_huge_pages(data, length));
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), nninit::threads());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber())
    return ThrowType(env, "setThreads(n)", "n must be a number (0 = automatic, or 1.." +
                                               std::to_string(nninit::kMaxThreads) + ")");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= nninit::kMaxThreads) || n != std::floor(n))
    return ThrowRange(env, "setThreads(n)", "n must be an integer 0.." +
                                                std::to_string(nninit::kMaxThreads) +
                                                " (0 = automatic), got " + std::to_string(n));
  nninit::set_threads(static_cast<unsigned>(n));
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
  // NNINIT_THREADS sets the thread count (process-wide; every instance reads the same
  // environment). A bad value keeps the automatic count and threadsError says why.
  Napi::Value threads_error = env.Null();
  {
    std::string error;
    if (!nninit::set_threads_from_env(std::getenv("NNINIT_THREADS"), &error))
      threads_error = Napi::String::New(env, error);
  }
  // NNINIT_HUGE_PAGES=auto|1|0 (process-wide, as NNINIT_THREADS). A bad value keeps the
  // automatic choice and hugePagesError says why.
  Napi::Value huge_pages_error = env.Null();
  {
    std::string error;
    if (!nninit::set_huge_pages_from_env(std::getenv("NNINIT_HUGE_PAGES"), &error))
      huge_pages_error = Napi::String::New(env, error);
  }
  exports.Set("abiVersion", Napi::Number::New(env, 3));
  Napi::Array kinds = Napi::Array::New(env, nninit::kKindCount);
  for (uint32_t i = 0; i < nninit::kKindCount; i++) kinds.Set(i, nninit::kKinds[i].name);
  exports.Set("kinds", kinds);
  exports.Set("isaError", isa_error);
  exports.Set("threadsError", threads_error);
  exports.Set("hugePagesError", huge_pages_error);
  exports.Set("hugePages", Napi::Boolean::New(env, nninit::huge_pages_enabled()));
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("isaAvailable", Napi::Function::New(env, IsaAvailable, "isaAvailable"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
  exports.Set("fillAsync", Napi::Function::New(env, FillAsync, "fillAsync"));
  exports.Set("householderQ", Napi::Function::New(env, HouseholderQ, "householderQ"));
  exports.Set("householderQAsync", Napi::Function::New(env, HouseholderQAsync, "householderQAsync"));
  exports.Set("adviseHugePages", Napi::Function::New(env, AdviseHugePages, "adviseHugePages"));
  exports.Set("threads", Napi::Function::New(env, Threads, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nninit, Init)
