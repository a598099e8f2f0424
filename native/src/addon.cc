// N-API glue only: argument checks, ISA selection, and calls into the kernel table.
// No C++ exceptions cross this boundary (NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS): errors
// are thrown as JavaScript exceptions and the function returns.
#include <napi.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"
#include "nninit/qr.h"
#include "nninit/threads.h"

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

// Checks fill's arguments and copies everything the kernel needs into *a (the output
// pointer included: the caller keeps the array alive). Returns false after throwing.
bool ParseFill(const Napi::CallbackInfo& info, const char* fn, nninit::FillArgs* a) {
  // Raw N-API, one call per argument: this runs on every fill, and the node-addon-api
  // wrappers re-query the typed-array info for each property (~10 calls, ~0.5 us).
  Napi::Env env = info.Env();
  if (info.Length() < 5)
    return ThrowType(env, fn, "expected 5 arguments (kind, out, key, offset, params)"), false;
  double kind_d = 0;
  if (napi_get_value_double(env, info[0], &kind_d) != napi_ok)
    return ThrowType(env, fn, "kind must be a number"), false;
  if (!(kind_d >= 0 && kind_d <= 6) || kind_d != std::floor(kind_d))
    return ThrowRange(env, fn, "kind must be an integer 0..6, got " + std::to_string(kind_d)), false;
  const int kind = static_cast<int>(kind_d);

  napi_typedarray_type out_type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, info[1], &out_type, &length, &data, nullptr, nullptr) != napi_ok ||
      out_type != kKindArray[kind])
    return ThrowType(env, fn, std::string("out must be a ") + kKindArrayName[kind] + " for kind " +
                                  kKindNames[kind]),
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
      par_type != napi_float64_array || par_len < kKindParams[kind])
    return ThrowType(env, fn, "params must be a Float64Array of at least " +
                                  std::to_string(kKindParams[kind]) + " values for kind " +
                                  kKindNames[kind]),
           false;

  const uint32_t* key_arr = static_cast<const uint32_t*>(key_data);
  double p[12];
  std::memcpy(p, par_data, kKindParams[kind] * sizeof(double));
  if (kind == 0 && !(is_u32(p[0]) && is_u32(p[1]) && is_u32(p[2]) && p[2] <= 3))
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
    case 0:
      a->offset = static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 32);
      a->skip = static_cast<unsigned>(p[2]);
      break;
    case 1: case 2:
      a->uniform = nninit::UniformParams{p[0], p[1], p[2]};
      break;
    case 3: case 4:
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
  if (!ParseFill(info, "fill", &a)) return info.Env().Undefined();
  const Kernels* k = current();
  nninit::FpEnvGuard guard;
  nninit::fill(k, a);
  return info.Env().Undefined();
}

// fillAsync: the same checks (thrown synchronously), then the fill runs off the JavaScript
// thread and the promise resolves with undefined. The typed array is held by a strong
// reference until then, so GC cannot free its buffer under the kernel. Normally on our
// pool (FillAsync below); FillWorker, on a libuv pool thread that takes part in the
// parallel fill like any caller, is the fallback when no pool worker or TSFN is available.
// It lowers its priority only for fills long enough to amortize the three syscalls.
class FillWorker : public Napi::AsyncWorker {
 public:
  FillWorker(Napi::Env env, const nninit::FillArgs& a, const Kernels* k, Napi::Object out,
             napi_deferred deferred)
      : Napi::AsyncWorker(env, "nninit.fillAsync"),
        args_(a),
        kernels_(k),
        out_(Napi::Persistent(out)),
        deferred_(deferred) {}

  void Execute() override {
    nninit::FpEnvGuard guard;
    if (args_.n > (size_t{1} << 20)) {
      nninit::BackgroundPriority background;  // the event loop keeps its core
      nninit::fill(kernels_, args_);
    } else {
      nninit::fill(kernels_, args_);
    }
  }
  // Raw napi calls whose failure is ignored: while a worker_thread is terminated its
  // environment can no longer run JavaScript, and node-addon-api's Deferred would turn the
  // failed resolve into a fatal error.
  void OnOK() override {
    out_.Reset();
    napi_value undefined;
    if (napi_get_undefined(Env(), &undefined) == napi_ok)
      napi_resolve_deferred(Env(), deferred_, undefined);
  }
  void OnError(const Napi::Error& e) override {
    out_.Reset();
    napi_reject_deferred(Env(), deferred_, e.Value());
  }

 private:
  nninit::FillArgs args_;
  const Kernels* kernels_;
  Napi::ObjectReference out_;
  napi_deferred deferred_;
};

// The fast path of fillAsync: the fill runs on our pool only (the JavaScript thread does
// not take part), and the worker that finishes it hands the job back to the JavaScript
// thread through a per-environment thread-safe function, whose call_js resolves the
// promise. One hop each way, no libuv pool thread in between.
//
// Lifetimes. EnvState is shared, reference-counted, by its environment (until the
// environment's cleanup hook) and by every pending job; a job is on the heap, independent
// of the environment's memory, until its call_js runs or until the worker learns that the
// environment is gone. Workers call the TSFN only under EnvState::mu and only while `tsfn`
// is set; the cleanup hook clears it under the same mutex before Node closes the TSFN (and
// Node frees it only after all cleanup hooks have run). The TSFN is unref'd except while
// fills are pending, so it keeps the loop alive exactly as long as a pending fill should.
// The typed array's memory belongs to the environment, though: when a worker_thread is
// terminated with fills in flight, the cleanup hook waits until no pool worker writes to
// it any more (`running` == 0), as Node waits for libuv pool work at teardown.
struct EnvState {
  std::mutex mu;
  napi_threadsafe_function tsfn = nullptr;  // written under mu on the JS thread; null: env gone
  std::atomic<int> refs{1};                 // the environment's + one per pending job
  size_t running = 0;                       // under mu: fills submitted, not yet done
  std::condition_variable idle;             // signalled when running drops to 0
  size_t pending = 0;                       // JS thread only
};

void UnrefState(EnvState* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete s;
}

struct AsyncFill {
  nninit::FillArgs args;
  napi_deferred deferred;
  napi_ref out;
  EnvState* state;
};

void DeleteAsyncFill(AsyncFill* job) {
  EnvState* s = job->state;
  delete job;
  UnrefState(s);
}

// On the JavaScript thread (env set), or with env == nullptr while Node empties the queue
// of a TSFN being torn down (the environment's deferred and reference are gone with it).
// Raw napi calls whose failure is ignored, as in FillWorker::OnOK.
void FillAsyncCallJs(napi_env env, napi_value, void* context, void* data) {
  AsyncFill* job = static_cast<AsyncFill*>(data);
  if (env != nullptr) {
    EnvState* s = static_cast<EnvState*>(context);
    if (s->pending > 0 && --s->pending == 0 && s->tsfn != nullptr)
      napi_unref_threadsafe_function(env, s->tsfn);
    napi_delete_reference(env, job->out);
    napi_value undefined;
    if (napi_get_undefined(env, &undefined) == napi_ok)
      napi_resolve_deferred(env, job->deferred, undefined);
  }
  DeleteAsyncFill(job);
}

// On the pool worker that finished the fill.
void FillAsyncDone(void* data) {
  AsyncFill* job = static_cast<AsyncFill*>(data);
  EnvState* s = job->state;
  bool queued = false;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->tsfn != nullptr)
      queued = napi_call_threadsafe_function(s->tsfn, job, napi_tsfn_nonblocking) == napi_ok;
    // The job (which holds a reference) keeps s alive past this notification.
    if (--s->running == 0) s->idle.notify_all();
  }
  if (!queued) DeleteAsyncFill(job);
}

void EnvStateCleanup(void* data) {
  EnvState* s = static_cast<EnvState*>(data);
  {
    std::unique_lock<std::mutex> lock(s->mu);
    s->tsfn = nullptr;  // Node closes the TSFN itself; workers stop calling it from now on
    // Fills in flight write to typed arrays that are freed with the environment.
    s->idle.wait(lock, [s] { return s->running == 0; });
  }
  UnrefState(s);
}

// This environment's EnvState, created on first use; nullptr when it cannot be set up.
EnvState* GetEnvState(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) == napi_ok && data != nullptr)
    return static_cast<EnvState*>(data);
  EnvState* s = new EnvState;
  napi_value name;
  napi_threadsafe_function tsfn = nullptr;
  if (napi_create_string_utf8(env, "nninit.fillAsync", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, s,
                                      FillAsyncCallJs, &tsfn) != napi_ok) {
    delete s;
    return nullptr;
  }
  napi_unref_threadsafe_function(env, tsfn);
  s->tsfn = tsfn;
  // Registered after the TSFN, so it runs before the TSFN's own cleanup (reverse order).
  if (napi_add_env_cleanup_hook(env, EnvStateCleanup, s) != napi_ok ||
      napi_set_instance_data(env, s, nullptr, nullptr) != napi_ok) {
    // Unusual; keep it simple: never use this state (a small leak, the TSFN is unref'd).
    return nullptr;
  }
  return s;
}

Napi::Value FillAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  nninit::FillArgs a{};
  if (!ParseFill(info, "fillAsync", &a)) return env.Undefined();
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) {
    Napi::Error::New(env, "fillAsync: cannot create a promise").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (a.n < nninit::async_inline_limit(a.kind, a.trunc.fast)) {
    // Less work than the hand-off to another thread and back (~20-40 us round trip): fill
    // here and return a resolved promise (same bits; the loop is blocked for < ~5 us).
    {
      nninit::FpEnvGuard guard;
      nninit::fill(current(), a);
    }
    napi_resolve_deferred(env, deferred, env.Undefined());
    return Napi::Value(env, promise);
  }
  if (EnvState* s = GetEnvState(env)) {
    napi_ref out = nullptr;
    if (napi_create_reference(env, info[1], 1, &out) == napi_ok) {
      AsyncFill* job = new AsyncFill{a, deferred, out, s};
      s->refs.fetch_add(1, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(s->mu);
        s->running++;
      }
      if (nninit::fill_async(current(), &job->args, FillAsyncDone, job)) {
        // call_js runs on this thread, so not before this returns.
        if (s->pending++ == 0) napi_ref_threadsafe_function(env, s->tsfn);
        return Napi::Value(env, promise);
      }
      {
        std::lock_guard<std::mutex> lock(s->mu);
        s->running--;
      }
      napi_delete_reference(env, out);
      DeleteAsyncFill(job);
    }
  }
  // No pool worker (or no TSFN): the libuv pool.
  FillWorker* w = new FillWorker(env, a, current(), info[1].As<Napi::Object>(), deferred);
  w->Queue();  // the worker deletes itself after OnOK/OnError
  return Napi::Value(env, promise);
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

const char kQrNoMemory[] = "cannot allocate the QR's scratch memory";

Napi::Value HouseholderQ(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QrArgs a{};
  if (!ParseQr(info, "householderQ", &a) || a.n == 0) return env.Undefined();
  bool ok;
  {
    nninit::FpEnvGuard guard;
    ok = nninit::householder_q(a.isa, a.a, a.m, a.n, a.threads, a.row_major);
  }
  if (!ok) Napi::Error::New(env, std::string("householderQ: ") + kQrNoMemory).ThrowAsJavaScriptException();
  return env.Undefined();
}

// householderQAsync: the same checks (thrown synchronously), then the QR runs on a libuv
// pool thread; `a` is held by a strong reference until the promise settles.
class QrWorker : public Napi::AsyncWorker {
 public:
  QrWorker(Napi::Env env, const QrArgs& a, Napi::Object array, napi_deferred deferred)
      : Napi::AsyncWorker(env, "nninit.householderQAsync"),
        args_(a),
        array_(Napi::Persistent(array)),
        deferred_(deferred) {}

  void Execute() override {
    nninit::FpEnvGuard guard;
    nninit::BackgroundPriority background;
    if (!nninit::householder_q(args_.isa, args_.a, args_.m, args_.n, args_.threads, args_.row_major))
      SetError(std::string("householderQAsync: ") + kQrNoMemory);
  }
  void OnOK() override {
    array_.Reset();
    napi_value undefined;
    if (napi_get_undefined(Env(), &undefined) == napi_ok)
      napi_resolve_deferred(Env(), deferred_, undefined);
  }
  void OnError(const Napi::Error& e) override {
    array_.Reset();
    napi_reject_deferred(Env(), deferred_, e.Value());
  }

 private:
  QrArgs args_;
  Napi::ObjectReference array_;
  napi_deferred deferred_;
};

Napi::Value HouseholderQAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QrArgs a{};
  if (!ParseQr(info, "householderQAsync", &a)) return env.Undefined();
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) {
    Napi::Error::New(env, "householderQAsync: cannot create a promise").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // About m n^2 multiply-adds: below ~2^17 (tens of microseconds) the hand-off to another
  // thread costs as much as the work, so run it here and return a settled promise.
  if (static_cast<double>(a.m) * static_cast<double>(a.n) * static_cast<double>(a.n) < 131072.0) {
    bool ok = true;
    if (a.n != 0) {
      nninit::FpEnvGuard guard;
      ok = nninit::householder_q(a.isa, a.a, a.m, a.n, a.threads, a.row_major);
    }
    if (ok) {
      napi_resolve_deferred(env, deferred, env.Undefined());
    } else {
      napi_reject_deferred(
          env, deferred,
          Napi::Error::New(env, std::string("householderQAsync: ") + kQrNoMemory).Value());
    }
    return Napi::Value(env, promise);
  }
  QrWorker* w = new QrWorker(env, a, info[0].As<Napi::Object>(), deferred);
  w->Queue();  // deletes itself after OnOK/OnError
  return Napi::Value(env, promise);
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
  exports.Set("abiVersion", Napi::Number::New(env, 2));
  exports.Set("isaError", isa_error);
  exports.Set("threadsError", threads_error);
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("isaAvailable", Napi::Function::New(env, IsaAvailable, "isaAvailable"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
  exports.Set("fillAsync", Napi::Function::New(env, FillAsync, "fillAsync"));
  exports.Set("householderQ", Napi::Function::New(env, HouseholderQ, "householderQ"));
  exports.Set("householderQAsync", Napi::Function::New(env, HouseholderQAsync, "householderQAsync"));
  exports.Set("threads", Napi::Function::New(env, Threads, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nninit, Init)
