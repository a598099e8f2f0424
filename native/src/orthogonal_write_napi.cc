// Node-API glue of orthogonal_write (nninit/orthogonal_write.h):
//   orthogonalWriteAsync(src: Float64Array, rows, cols, colMajor: boolean, gain: number,
//                        dst: Float32Array | Float64Array | Uint16Array, type: 0..3,
//                        runs: Float64Array of [offset, length, at] triples): Promise<void>
// checks its arguments synchronously (TypeError / RangeError, prefix
// `orthogonalWriteAsync:`), then writes on a libuv pool thread and resolves. Small writes
// (under 2^16 elements) are done before it returns. `src` and `dst` must be arrays no one
// else can detach or resize until the promise settles: orthogonal.ts passes only arrays it
// allocated itself (its Gaussian matrix, its own result, or a scratch that it copies into a
// caller's `out` on the JavaScript thread). Both are strongly referenced until then.
#include <napi.h>

#include <cmath>
#include <string>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/orthogonal_write.h"

namespace nninit {

namespace {

const char kFn[] = "orthogonalWriteAsync: ";

struct WriteArgs {
  const double* src;
  size_t rows, cols;
  bool col_major;
  double gain;
  void* dst;
  WriteType type;
  std::vector<WriteRun> runs;
  size_t elements;
};

Napi::Value Fail(Napi::Env env, bool range, const std::string& what) {
  if (range) Napi::RangeError::New(env, kFn + what).ThrowAsJavaScriptException();
  else Napi::TypeError::New(env, kFn + what).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool Count(Napi::Env env, napi_value v, const char* name, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) return Fail(env, false, std::string(name) + " must be a number"), false;
  if (!(*out >= 0 && *out < 9007199254740992.0) || *out != std::floor(*out))
    return Fail(env, true, std::string(name) + " must be an integer >= 0"), false;
  return true;
}

bool Parse(const Napi::CallbackInfo& info, WriteArgs* a) {
  Napi::Env env = info.Env();
  if (info.Length() < 8) return Fail(env, false, "expected 8 arguments"), false;
  napi_typedarray_type t;
  size_t src_len = 0, dst_len = 0, runs_len = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, info[0], &t, &src_len, &data, nullptr, nullptr) != napi_ok || t != napi_float64_array)
    return Fail(env, false, "src must be a Float64Array"), false;
  a->src = static_cast<const double*>(data);
  double rows, cols;
  if (!Count(env, info[1], "rows", &rows) || !Count(env, info[2], "cols", &cols)) return false;
  if (rows * cols > static_cast<double>(src_len)) return Fail(env, true, "src has fewer than rows * cols elements"), false;
  a->rows = static_cast<size_t>(rows);
  a->cols = static_cast<size_t>(cols);
  if (!info[3].IsBoolean()) return Fail(env, false, "colMajor must be a boolean"), false;
  a->col_major = info[3].As<Napi::Boolean>().Value();
  if (!info[4].IsNumber()) return Fail(env, false, "gain must be a number"), false;
  a->gain = info[4].As<Napi::Number>().DoubleValue();
  double type;
  if (!Count(env, info[6], "type", &type)) return false;
  if (type > 3) return Fail(env, true, "type must be 0..3"), false;
  a->type = static_cast<WriteType>(static_cast<int>(type));
  const napi_typedarray_type want = a->type == WriteType::kFloat32 ? napi_float32_array
                                    : a->type == WriteType::kFloat64 ? napi_float64_array : napi_uint16_array;
  if (napi_get_typedarray_info(env, info[5], &t, &dst_len, &data, nullptr, nullptr) != napi_ok || t != want)
    return Fail(env, false, "dst must be the typed array of type"), false;
  a->dst = data;
  double* r = nullptr;
  if (napi_get_typedarray_info(env, info[7], &t, &runs_len, reinterpret_cast<void**>(&r), nullptr, nullptr) != napi_ok ||
      t != napi_float64_array || runs_len % 3 != 0)
    return Fail(env, false, "runs must be a Float64Array of [offset, length, at] triples"), false;
  a->elements = 0;
  for (size_t k = 0; k < runs_len; k += 3) {
    const double off = r[k], len = r[k + 1], at = r[k + 2];
    for (double v : {off, len, at})
      if (!(v >= 0 && v < 9007199254740992.0) || v != std::floor(v)) return Fail(env, true, "runs must hold integers >= 0"), false;
    if (off + len > rows * cols || at + len > static_cast<double>(dst_len))
      return Fail(env, true, "a run is outside the matrix or dst"), false;
    a->runs.push_back({static_cast<size_t>(off), static_cast<size_t>(len), static_cast<size_t>(at)});
    a->elements += static_cast<size_t>(len);
  }
  return true;
}

void Run(const WriteArgs& a) {
  FpEnvGuard guard;
  orthogonal_write(a.src, a.rows, a.cols, a.col_major, a.gain, a.dst, a.type, a.runs.data(), a.runs.size());
}

class WriteWorker : public Napi::AsyncWorker {
 public:
  WriteWorker(Napi::Env env, WriteArgs a, Napi::Object src, Napi::Object dst, napi_deferred deferred)
      : Napi::AsyncWorker(env, "nninit.orthogonalWriteAsync"),
        args_(std::move(a)),
        src_(Napi::Persistent(src)),
        dst_(Napi::Persistent(dst)),
        deferred_(deferred) {}

  void Execute() override { Run(args_); }
  // Raw calls whose failure is ignored: a terminated worker_thread can no longer settle it.
  void OnOK() override {
    src_.Reset();
    dst_.Reset();
    napi_value undefined;
    if (napi_get_undefined(Env(), &undefined) == napi_ok) napi_resolve_deferred(Env(), deferred_, undefined);
  }
  void OnError(const Napi::Error& e) override {
    src_.Reset();
    dst_.Reset();
    napi_reject_deferred(Env(), deferred_, e.Value());
  }

 private:
  WriteArgs args_;
  Napi::ObjectReference src_, dst_;
  napi_deferred deferred_;
};

Napi::Value OrthogonalWriteAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  WriteArgs a{};
  if (!Parse(info, &a)) return env.Undefined();
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) return Fail(env, false, "cannot create a promise");
  if (a.elements < 65536) {  // tens of microseconds: not worth a thread hop
    Run(a);
    napi_resolve_deferred(env, deferred, env.Undefined());
    return Napi::Value(env, promise);
  }
  (new WriteWorker(env, std::move(a), info[0].As<Napi::Object>(), info[5].As<Napi::Object>(), deferred))->Queue();
  return Napi::Value(env, promise);
}

}  // namespace

void RegisterOrthogonalWrite(Napi::Env env, Napi::Object exports) {
  exports.Set("orthogonalWriteAsync", Napi::Function::New(env, OrthogonalWriteAsync, "orthogonalWriteAsync"));
}

}  // namespace nninit
