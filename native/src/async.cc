// fillAsync and householderQAsync: work off the JavaScript thread on memory the work owns.
//
// What is guaranteed. Between the call and the settled promise, JavaScript may transfer
// the output's buffer (postMessage, structuredClone, ArrayBuffer.prototype.transfer),
// shrink or grow a resizable buffer, drop every reference to it (GC), or terminate the
// worker_thread; none of that makes native code write outside memory the fill owns, and
// the promise resolves with the values written, or rejects with a TypeError (code
// NNINIT_DETACHED) when the output lost its buffer or its length meanwhile. How:
//
// - A view of an ordinary (non-shared) ArrayBuffer is never written off the JavaScript
//   thread: Node-API cannot pin its memory. The pool fills scratch slots the fill owns
//   (StagedFill, nninit/staged_fill.h); the JavaScript thread, woken through a
//   thread-safe function, looks the array up again, checks that it still has its memory and
//   length, and copies each finished chunk (a memcpy of <= 256 KiB per slot).
// - A view of a SharedArrayBuffer (growable or not: it can only grow, in place) is written
//   directly by the pool: it cannot be detached or shrunk, and a strong reference keeps it
//   alive. When the environment is torn down, its cleanup hook waits until no pool worker
//   writes to such memory any more (as Node waits for libuv pool work).
// - The QR copies its matrix into scratch at the call and copies the result back after the
//   same check.
//
// Lifetimes. EnvState is shared, reference-counted, by its environment (until the
// environment's cleanup hook) and by every AsyncFill; an AsyncFill is reference-counted by
// the JavaScript side (until it settles or the environment goes) and by every queued call
// of the thread-safe function (TSFN). Workers call the TSFN only under EnvState::mu and only
// while `tsfn` is set; the cleanup hook clears it under the same mutex before Node closes
// the TSFN (Node frees it only after all cleanup hooks have run, calling call_js with a
// null env for calls still queued). The TSFN is unref'd except while fills are pending, so
// it keeps the loop alive exactly as long as a pending fill should.
#include "async.h"

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>

#include "nninit/dispatch.h"
#include "nninit/qr.h"
#include "nninit/staged_fill.h"

namespace nninit {

const char kQrNoMemory[] = "cannot allocate the QR's scratch memory";

namespace {

// Scratch bytes the staged fills of one environment may hold at once; further fills wait
// (in call order) for one to finish. A fill larger than the budget runs alone.
const size_t kScratchBudget = size_t{64} << 20;

// The rejection when the output changed under an async call.
napi_value DetachedError(napi_env env, const char* fn, const char* arg, size_t n) {
  const std::string msg = std::string(fn) + ": " + arg +
                          " was detached or resized during the call (it must keep its buffer and its " +
                          std::to_string(n) + " elements until the promise settles)";
  napi_value code = nullptr, text = nullptr, err = nullptr;
  if (napi_create_string_utf8(env, "NNINIT_DETACHED", NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_string_utf8(env, msg.c_str(), msg.size(), &text) != napi_ok ||
      napi_create_type_error(env, code, text, &err) != napi_ok)
    return nullptr;
  return err;
}

// The memory of the typed array `array` if it still starts at `data` with at least n
// elements; nullptr when it was detached, shrunk or (never seen in V8) moved.
void* StillThere(napi_env env, napi_value array, const void* data, size_t n) {
  size_t length = 0;
  void* now = nullptr;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, array, &type, &length, &now, nullptr, nullptr) != napi_ok) return nullptr;
  return now == data && length >= n ? now : nullptr;
}

struct AsyncFill;

struct EnvState {
  std::mutex mu;
  napi_threadsafe_function tsfn = nullptr;  // written under mu on the JS thread; null: env gone
  std::atomic<int> refs{1};                 // the environment's + one per AsyncFill
  size_t writing = 0;                       // under mu: direct fills writing JavaScript memory
  std::condition_variable idle;             // signalled when writing drops to 0
  // JavaScript thread only:
  size_t pending = 0;                       // unsettled fills (the TSFN is ref'd while > 0)
  AsyncFill* fills = nullptr;               // unsettled fills, a list
  std::deque<AsyncFill*> waiting;           // staged fills waiting for scratch budget
  size_t scratch = 0;                       // scratch bytes of started staged fills
};

void UnrefState(EnvState* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete s;
}

struct AsyncFill {
  EnvState* state;
  std::atomic<int> refs{1};  // the JavaScript side + one per queued TSFN call
  napi_deferred deferred = nullptr;
  napi_ref out = nullptr;
  FillArgs args{};           // args.out: the output's memory at the call
  const Kernels* kernels = nullptr;
  StagedFill* staged = nullptr;  // null: a direct fill (SharedArrayBuffer)
  size_t scratch = 0;
  bool started = false;          // JavaScript thread only, as the rest below
  bool settled = false;
  AsyncFill* prev = nullptr;
  AsyncFill* next = nullptr;
};

void UnrefFill(AsyncFill* f) {
  if (f->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    EnvState* s = f->state;
    delete f;
    UnrefState(s);
  }
}

// Queues a call of the TSFN for f, if the environment is still there (any thread).
void QueueLocked(EnvState* s, AsyncFill* f) {
  if (s->tsfn == nullptr) return;
  f->refs.fetch_add(1, std::memory_order_relaxed);
  if (napi_call_threadsafe_function(s->tsfn, f, napi_tsfn_nonblocking) != napi_ok)
    f->refs.fetch_sub(1, std::memory_order_relaxed);  // the JavaScript side still holds one
}

// StagedFill's notify, on a pool worker (under the staged fill's mutex, so f is alive:
// the JavaScript side detaches the staged fill before it lets go of f).
void StagedReady(void* ctx) {
  AsyncFill* f = static_cast<AsyncFill*>(ctx);
  std::lock_guard<std::mutex> lock(f->state->mu);
  QueueLocked(f->state, f);
}

// fill_async's done, on the pool worker that finished a direct fill.
void DirectDone(void* ctx) {
  AsyncFill* f = static_cast<AsyncFill*>(ctx);
  EnvState* s = f->state;
  std::lock_guard<std::mutex> lock(s->mu);
  QueueLocked(s, f);
  // After this, the cleanup hook may free f and s: the unlock is the last access.
  if (--s->writing == 0) s->idle.notify_all();
}

void Link(EnvState* s, AsyncFill* f) {
  f->next = s->fills;
  if (s->fills) s->fills->prev = f;
  s->fills = f;
}

void Unlink(EnvState* s, AsyncFill* f) {
  if (f->prev) f->prev->next = f->next;
  else s->fills = f->next;
  if (f->next) f->next->prev = f->prev;
  f->prev = f->next = nullptr;
}

void StartStaged(napi_env env, AsyncFill* f);

// Resolves (error == nullptr) or rejects f's promise and lets go of everything it holds.
void Settle(napi_env env, AsyncFill* f, napi_value error) {
  EnvState* s = f->state;
  f->settled = true;
  if (f->staged != nullptr) {
    f->staged->detach();
    f->staged = nullptr;
  }
  napi_delete_reference(env, f->out);
  f->out = nullptr;
  // Raw napi calls whose failure is ignored: while a worker_thread is terminated its
  // environment can no longer run JavaScript.
  if (error != nullptr) {
    napi_reject_deferred(env, f->deferred, error);
  } else {
    napi_value undefined;
    if (napi_get_undefined(env, &undefined) == napi_ok) napi_resolve_deferred(env, f->deferred, undefined);
  }
  Unlink(s, f);
  if (f->started) s->scratch -= f->scratch;
  if (s->pending > 0 && --s->pending == 0 && s->tsfn != nullptr) napi_unref_threadsafe_function(env, s->tsfn);
  // Staged fills that waited for scratch budget, in call order.
  while (!s->waiting.empty() &&
         (s->scratch == 0 || s->scratch + s->waiting.front()->scratch <= kScratchBudget)) {
    AsyncFill* next = s->waiting.front();
    s->waiting.pop_front();
    StartStaged(env, next);
  }
  UnrefFill(f);
}

// Fills f on this thread, into the output as it is now (the pool could not start).
void FillHere(napi_env env, AsyncFill* f) {
  napi_value array = nullptr;
  void* data = nullptr;
  if (napi_get_reference_value(env, f->out, &array) == napi_ok && array != nullptr)
    data = StillThere(env, array, f->args.out, f->args.n);
  if (data == nullptr) return Settle(env, f, DetachedError(env, "fillAsync", "out", f->args.n));
  FillArgs a = f->args;
  a.out = data;
  {
    FpEnvGuard guard;
    fill(f->kernels, a);
  }
  Settle(env, f, nullptr);
}

void StartStaged(napi_env env, AsyncFill* f) {
  f->started = true;
  f->state->scratch += f->scratch;
  if (!f->staged->start()) FillHere(env, f);
}

// Copies finished chunks of a staged fill into its output (JavaScript thread): at most one
// round of slots per turn of the event loop, handing slots back to the workers every few
// chunks so that they refill while this copies.
void Drain(napi_env env, AsyncFill* f) {
  StagedFill* staged = f->staged;
  const size_t elem = staged->element_size();
  unsigned char* dst = nullptr;
  StagedChunk chunk;
  unsigned copied = 0;
  while (copied < staged->slots() && staged->take(&chunk)) {
    if (dst == nullptr) {
      // JavaScript cannot run during this loop: one check covers every copy below.
      napi_value array = nullptr;
      if (napi_get_reference_value(env, f->out, &array) == napi_ok && array != nullptr)
        dst = static_cast<unsigned char*>(StillThere(env, array, f->args.out, f->args.n));
      if (dst == nullptr) return Settle(env, f, DetachedError(env, "fillAsync", "out", f->args.n));
    }
    std::memcpy(dst + chunk.j0 * elem, chunk.data, chunk.n * elem);
    staged->give_back(chunk);
    if (++copied % 4 == 0) staged->pump();
  }
  if (staged->finished()) return Settle(env, f, nullptr);
  staged->pump();
  staged->rearm();
}

// On the JavaScript thread (env set), or with env == nullptr while Node empties the queue
// of a TSFN being torn down.
void CallJs(napi_env env, napi_value, void*, void* data) {
  AsyncFill* f = static_cast<AsyncFill*>(data);
  if (env != nullptr && !f->settled) {
    if (f->staged != nullptr) Drain(env, f);
    else Settle(env, f, nullptr);
  }
  UnrefFill(f);
}

void EnvStateCleanup(void* data) {
  EnvState* s = static_cast<EnvState*>(data);
  {
    std::unique_lock<std::mutex> lock(s->mu);
    s->tsfn = nullptr;  // Node closes the TSFN itself; workers stop calling it from now on
    // Direct fills write to SharedArrayBuffers this environment may be the last to hold.
    s->idle.wait(lock, [s] { return s->writing == 0; });
  }
  // Staged fills write only their own scratch: stop them and let them go.
  while (AsyncFill* f = s->fills) {
    Unlink(s, f);
    f->settled = true;
    if (f->staged != nullptr) {
      f->staged->detach();
      f->staged = nullptr;
    }
    UnrefFill(f);
  }
  s->waiting.clear();
  UnrefState(s);
}

// This environment's EnvState, created on first use; nullptr when it cannot be set up.
EnvState* GetEnvState(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) == napi_ok && data != nullptr) return static_cast<EnvState*>(data);
  EnvState* s = new EnvState;
  napi_value name;
  napi_threadsafe_function tsfn = nullptr;
  if (napi_create_string_utf8(env, "nninit.fillAsync", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, s, CallJs,
                                      &tsfn) != napi_ok) {
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

// Creates f's pending bookkeeping (the JavaScript side's reference is f's initial one).
void Register(napi_env env, EnvState* s, AsyncFill* f) {
  Link(s, f);
  if (s->pending++ == 0) napi_ref_threadsafe_function(env, s->tsfn);
}

}  // namespace

napi_value fill_async_promise(napi_env env, const Kernels* k, const FillArgs& a, napi_value out,
                              bool shared) {
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) {
    napi_throw_error(env, nullptr, "fillAsync: cannot create a promise");
    return nullptr;
  }
  if (a.n >= async_inline_limit(a)) {
    if (EnvState* s = GetEnvState(env)) {
      AsyncFill* f = new AsyncFill;
      f->state = s;
      s->refs.fetch_add(1, std::memory_order_relaxed);
      f->deferred = deferred;
      f->args = a;
      f->kernels = k;
      if (napi_create_reference(env, out, 1, &f->out) == napi_ok) {
        if (shared) {
          {
            std::lock_guard<std::mutex> lock(s->mu);
            s->writing++;
          }
          if (fill_async(k, &f->args, DirectDone, f)) {
            Register(env, s, f);
            return promise;
          }
          std::lock_guard<std::mutex> lock(s->mu);
          s->writing--;
        } else if ((f->staged = StagedFill::create(k, a, StagedReady, f)) != nullptr) {
          f->scratch = f->staged->scratch_bytes();
          Register(env, s, f);
          if (s->scratch == 0 || s->scratch + f->scratch <= kScratchBudget) StartStaged(env, f);
          else s->waiting.push_back(f);
          return promise;
        }
        napi_delete_reference(env, f->out);
      }
      UnrefFill(f);
    }
  }
  // Less work than the hand-off to another thread and back (~20-40 us round trip), or no
  // pool worker, TSFN or scratch memory: fill here and return a settled promise (same
  // bits; below the inline limit the loop is blocked for ~10 us at most).
  {
    FpEnvGuard guard;
    fill(k, a);
  }
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_resolve_deferred(env, deferred, undefined);
  return promise;
}

namespace {

// householderQAsync on a libuv pool thread (helped by the pool), on a copy of the matrix; the
// result is copied back on the JavaScript thread after the same check as a staged fill's.
class QrWorker : public Napi::AsyncWorker {
 public:
  QrWorker(Napi::Env env, const Kernels* isa, double* scratch, const double* data, size_t m, size_t n,
           unsigned threads, bool row_major, Napi::Object array, napi_deferred deferred)
      : Napi::AsyncWorker(env, "nninit.householderQAsync"),
        isa_(isa),
        scratch_(scratch),
        data_(data),
        m_(m),
        n_(n),
        threads_(threads),
        row_major_(row_major),
        array_(Napi::Persistent(array)),
        deferred_(deferred) {}
  ~QrWorker() override { std::free(scratch_); }

  void Execute() override {
    FpEnvGuard guard;
    BackgroundPriority background;
    if (!householder_q(isa_, scratch_, m_, n_, threads_, row_major_))
      SetError(std::string("householderQAsync: ") + kQrNoMemory);
  }
  // Raw napi calls whose failure is ignored, as in Settle.
  void OnOK() override {
    napi_env env = Env();
    void* now = StillThere(env, array_.Value(), data_, m_ * n_);
    array_.Reset();
    if (now == nullptr) {
      napi_reject_deferred(env, deferred_, DetachedError(env, "householderQAsync", "a", m_ * n_));
      return;
    }
    std::memcpy(now, scratch_, m_ * n_ * sizeof(double));
    napi_value undefined;
    if (napi_get_undefined(env, &undefined) == napi_ok) napi_resolve_deferred(env, deferred_, undefined);
  }
  void OnError(const Napi::Error& e) override {
    array_.Reset();
    napi_reject_deferred(Env(), deferred_, e.Value());
  }

 private:
  const Kernels* isa_;
  double* scratch_;
  const double* data_;
  size_t m_, n_;
  unsigned threads_;
  bool row_major_;
  Napi::ObjectReference array_;
  napi_deferred deferred_;
};

}  // namespace

napi_value qr_async_promise(napi_env env, const Kernels* isa, double* a, size_t m, size_t n,
                            unsigned threads, bool row_major, napi_value array) {
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) {
    napi_throw_error(env, nullptr, "householderQAsync: cannot create a promise");
    return nullptr;
  }
  const size_t count = m * n;
  // About m n^2 multiply-adds: below ~2^17 (tens of microseconds) the hand-off to another
  // thread costs as much as the work, so run it here and return a settled promise.
  if (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(n) < 131072.0) {
    bool ok = true;
    if (n != 0) {
      FpEnvGuard guard;
      ok = householder_q(isa, a, m, n, threads, row_major);
    }
    if (ok) {
      napi_value undefined;
      napi_get_undefined(env, &undefined);
      napi_resolve_deferred(env, deferred, undefined);
    } else {
      napi_reject_deferred(env, deferred,
                           Napi::Error::New(env, std::string("householderQAsync: ") + kQrNoMemory).Value());
    }
    return promise;
  }
  // The copy costs m n of the QR's ~m n^2 operations.
  double* scratch = static_cast<double*>(std::malloc(count * sizeof(double)));
  if (scratch == nullptr) {
    napi_reject_deferred(env, deferred,
                         Napi::Error::New(env, std::string("householderQAsync: ") + kQrNoMemory).Value());
    return promise;
  }
  std::memcpy(scratch, a, count * sizeof(double));
  QrWorker* w = new QrWorker(Napi::Env(env), isa, scratch, a, m, n, threads, row_major, Napi::Object(env, array),
                             deferred);
  w->Queue();  // deletes itself after OnOK/OnError
  return promise;
}

}  // namespace nninit
