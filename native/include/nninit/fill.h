// The fill policy: how a kernel fill of one kind (nninit/kinds.h) runs on the pool
// (nninit/pool.h): below the kind's parallel threshold on the calling thread, above it in
// chunks across the pool. Every element depends on its index only, so the bytes are the
// same for any split and thread count; chunk boundaries fall on multiples of kChunkAlign of
// the logical element index, so every chunk but the first starts on a Philox block and on
// the SIMD kernels' fast path.
#ifndef NNINIT_FILL_H_
#define NNINIT_FILL_H_

#include <cstddef>
#include <cstdint>

#include "nninit/kernels.h"
#include "nninit/kinds.h"
#include "nninit/pool.h"

namespace nninit {

struct FillArgs {
  Kind kind;
  void* out;
  size_t n;
  Key key;
  uint64_t offset;  // element offset; for kBits the block (64-bit counter)
  unsigned skip;    // kBits only: first word within the block (0..3)
  UniformParams uniform;
  NormalParams normal;
  TruncatedNormalParams trunc;
};

// The cost entry that applies to this fill (the float32 truncated normal's log path costs
// what the float64 one does).
const KindCost& fill_cost(const FillArgs& args);
// Fills smaller than this stay on the calling thread (test override included).
size_t parallel_threshold(const FillArgs& args);
// fillAsync does fills smaller than this on the JavaScript thread (kinds.h).
size_t async_inline_limit(const FillArgs& args);
// The residue mod kChunkAlign of element 0's logical index (offset, or 4 block + skip for
// bits): the `phase` of the pool's loops.
unsigned fill_phase(const FillArgs& args);
// The chunk size (a multiple of kChunkAlign) for a parallel fill of n elements on t threads.
size_t chunk_size(size_t n, unsigned t);

// Runs the kernel of `k` for elements j0 .. j0+n-1 of the fill (logical indices offset+j0
// ...), writing them to dst[0 .. n). args.out is not used.
void fill_into(const Kernels* k, const FillArgs& args, void* dst, size_t j0, size_t n);
// fill_into for out[j0, j1).
void fill_range(const Kernels* k, const FillArgs& args, size_t j0, size_t j1);

// The whole fill: on the calling thread below the threshold or with one thread, else split
// across the pool. The caller's FP environment must already be IEEE (FpEnvGuard); pool
// workers set their own.
void fill(const Kernels* k, const FillArgs& args);

// fill() on the pool only (see parallel_for_async): one chunk below the threshold, else
// split across threads() workers (one fewer for short fills, leaving the caller a core);
// done(ctx) on a pool worker when finished. *args and the memory it points to must stay
// valid until then. False (nothing run, done not called) as parallel_for_async.
bool fill_async(const Kernels* k, const FillArgs* args, void (*done)(void* ctx), void* ctx);

// The pool workers an async fill of this size uses.
unsigned async_fill_threads(const FillArgs& args);

// For tests: override every kind's parallel threshold and the minimum chunk size
// (0 = defaults).
void set_parallel_limits_for_testing(size_t threshold, size_t min_chunk);

}  // namespace nninit

#endif  // NNINIT_FILL_H_
