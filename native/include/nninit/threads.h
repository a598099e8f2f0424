// The process-wide thread pool and the parallel fill built on it.
//
// A fill of n elements is split into chunks whose boundaries fall on multiples of
// kChunkAlign in the logical element index (offset + j), so every chunk but the first
// starts on a Philox block boundary and on the SIMD kernels' fast path. Every element
// depends on its index only, so the bytes are the same for any split and thread count.
// The calling thread takes part (except in parallel_for_async / fill_async, which run on
// pool workers only and report completion by callback); a fill waits for its own chunks
// only, so several callers (Node worker_threads, async fills) can share the pool.
#ifndef NNINIT_THREADS_H_
#define NNINIT_THREADS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "nninit/kernels.h"

namespace nninit {

const size_t kChunkAlign = 64;
const unsigned kMaxThreads = 256;

// What a fill does: mirrors addon.cc's kinds (and lib/kinds.ts).
enum FillKind {
  kBits = 0,
  kUniformF32 = 1,
  kUniformF64 = 2,
  kNormalF32 = 3,
  kNormalF64 = 4,
  kTruncatedNormalF32 = 5,
  kTruncatedNormalF64 = 6,
};

struct FillArgs {
  int kind;
  void* out;
  size_t n;
  Key key;
  uint64_t offset;  // element offset; for kBits the block (64-bit counter)
  unsigned skip;    // kBits only: first word within the block (0..3)
  UniformParams uniform;
  NormalParams normal;
  TruncatedNormalParams trunc;
};

// Runs the kernel of `k` for args.kind on out[j0, j1) (elements offset+j0 .. offset+j1-1).
void fill_range(const Kernels* k, const FillArgs& args, size_t j0, size_t j1);

// The whole fill: on the calling thread below the kind's threshold or with one thread,
// else split across the pool. The caller's FP environment must already be IEEE (FpEnvGuard);
// pool workers set their own.
void fill(const Kernels* k, const FillArgs& args);

// Thread count: 0 = automatic (the CPUs this process may run on), else 1..kMaxThreads.
// Returns false (and changes nothing) for a value out of range.
bool set_threads(unsigned n);
// The effective count (automatic resolved).
unsigned threads();
// The automatic count: sched_getaffinity / cgroup cpu.max where available, else
// std::thread::hardware_concurrency(), at least 1.
unsigned auto_threads();
// Parses an NNINIT_THREADS value ("" = leave as is). On error returns false and sets *error.
bool set_threads_from_env(const char* value, std::string* error);

// Fills smaller than this stay on the calling thread.
size_t parallel_threshold(int kind);
// The threshold that applies to this fill (the truncated normal's log path is costlier).
size_t fill_threshold(const FillArgs& args);
// The chunk size (a multiple of kChunkAlign) for a fill of n elements on t threads.
size_t chunk_size(int kind, size_t n, unsigned t);

// fillAsync fills fewer elements than this on the calling thread (about 5 us of work:
// less than handing the fill to another thread and back). `fast` is the truncated normal's
// fast-path flag (the log path costs more per element).
size_t async_inline_limit(int kind, bool fast);

// For tests: override every kind's threshold and the minimum chunk size (0 = defaults).
void set_parallel_limits_for_testing(size_t threshold, size_t min_chunk);

// Generic: calls fn(ctx, j0, j1) for chunks covering [0, n), boundaries where
// (phase + j) % kChunkAlign == 0 and every chunk (but the first and last) `chunk` long,
// on up to `threads` threads including the caller. Returns when all chunks are done.
void parallel_for(size_t n, unsigned phase, size_t chunk, unsigned threads,
                  void (*fn)(void* ctx, size_t j0, size_t j1), void* ctx);

// Like parallel_for, but on pool workers only (the calling thread does not take part, and
// `threads` counts workers, at least 1) and without waiting: the worker that finishes the
// last chunk calls done(ctx), holding no pool lock. Returns false, having run nothing and
// without calling done, when n == 0 or no pool worker could be started.
bool parallel_for_async(size_t n, unsigned phase, size_t chunk, unsigned threads,
                        void (*fn)(void* ctx, size_t j0, size_t j1), void (*done)(void* ctx),
                        void* ctx);

// fill() on the pool only (see parallel_for_async): one chunk below the kind's threshold,
// else split across threads() workers; done(ctx) on a pool worker when finished. *args must
// stay valid until then. False (nothing run, done not called) as parallel_for_async.
bool fill_async(const Kernels* k, const FillArgs* args, void (*done)(void* ctx), void* ctx);

// Nice level of background fill threads (pool helpers; an async fill's libuv thread).
constexpr int kBackgroundNice = 5;

// Lowers the calling thread's scheduling priority to kBackgroundNice (Linux; else no-op).
void lower_thread_priority();

// While alive, runs the calling thread at kBackgroundNice, when the process is allowed to
// restore its priority afterwards (root, or RLIMIT_NICE); otherwise does nothing.
class BackgroundPriority {
 public:
  BackgroundPriority();
  ~BackgroundPriority();
  BackgroundPriority(const BackgroundPriority&) = delete;
  BackgroundPriority& operator=(const BackgroundPriority&) = delete;

 private:
  int before_ = 0;
  bool active_ = false;
};

}  // namespace nninit

#endif  // NNINIT_THREADS_H_
