// The process-wide thread pool: generic parallel loops over [0, n), knowing nothing of
// kernels (the fill policy built on it is nninit/fill.h).
//
// A loop of n elements is split into chunks whose boundaries fall where (phase + j) is a
// multiple of kChunkAlign, so a caller can keep every chunk but the first on an aligned
// logical index. The calling thread takes part in parallel_for; parallel_for_async runs on
// pool workers only and reports completion by callback. A loop waits for its own chunks
// only, so several callers (Node worker_threads, async fills) can share the pool.
#ifndef NNINIT_POOL_H_
#define NNINIT_POOL_H_

#include <cstddef>
#include <string>

namespace nninit {

const size_t kChunkAlign = 64;
const unsigned kMaxThreads = 256;

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

// Calls fn(ctx, j0, j1) for chunks covering [0, n), boundaries where
// (phase + j) % kChunkAlign == 0 and every chunk (but the first and last) `chunk` long
// (a multiple of kChunkAlign), on up to `threads` threads including the caller. Returns
// when all chunks are done.
void parallel_for(size_t n, unsigned phase, size_t chunk, unsigned threads,
                  void (*fn)(void* ctx, size_t j0, size_t j1), void* ctx);

// Like parallel_for, but on pool workers only (the calling thread does not take part, and
// `threads` counts workers, at least 1) and without waiting: the worker that finishes the
// last chunk calls done(ctx), holding no pool lock. Returns false, having run nothing and
// without calling done, when n == 0 or no pool worker could be started.
bool parallel_for_async(size_t n, unsigned phase, size_t chunk, unsigned threads,
                        void (*fn)(void* ctx, size_t j0, size_t j1), void (*done)(void* ctx),
                        void* ctx);

// Nice level of background threads (pool workers; a libuv thread running native work).
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

#endif  // NNINIT_POOL_H_
