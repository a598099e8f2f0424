// The fill policy (see nninit/fill.h): thresholds and chunk sizes from the kind table, and
// the kernel call for a range of a fill.
#include "nninit/fill.h"

#include <algorithm>
#include <atomic>

namespace nninit {
namespace {

std::atomic<size_t> g_test_threshold{0};
std::atomic<size_t> g_test_min_chunk{0};

// Parallel chunks are at least this long (see the measurements in kinds.h).
const size_t kMinChunk = 4096;
// Chunks per thread: more than one, so that a thread slowed by another process does not
// hold up the whole fill (dynamic claiming balances the rest).
const size_t kChunksPerThread = 4;
// fill_async uses every thread from this many thresholds' worth of elements, one fewer below.
const size_t kAsyncAllThreads = 16;

struct RangeCtx {
  const Kernels* k;
  const FillArgs* args;
};

void range_thunk(void* ctx, size_t j0, size_t j1) {
  const RangeCtx* c = static_cast<const RangeCtx*>(ctx);
  fill_range(c->k, *c->args, j0, j1);
}

struct AsyncFillCtx {
  RangeCtx rc;
  void (*done)(void*);
  void* user;
};

void async_range_thunk(void* ctx, size_t j0, size_t j1) {
  const AsyncFillCtx* c = static_cast<const AsyncFillCtx*>(ctx);
  fill_range(c->rc.k, *c->rc.args, j0, j1);
}

void async_done_thunk(void* ctx) {
  AsyncFillCtx* c = static_cast<AsyncFillCtx*>(ctx);
  void (*done)(void*) = c->done;
  void* user = c->user;
  delete c;
  done(user);
}

}  // namespace

const KindCost& fill_cost(const FillArgs& a) {
  const KindInfo& info = kKinds[a.kind];
  return a.kind == kTruncatedNormalF32 && !a.trunc.fast ? info.log_cost : info.cost;
}

size_t parallel_threshold(const FillArgs& a) {
  const size_t t = g_test_threshold.load(std::memory_order_relaxed);
  return t ? t : fill_cost(a).parallel_threshold;
}

size_t async_inline_limit(const FillArgs& a) { return fill_cost(a).async_inline_limit; }

unsigned fill_phase(const FillArgs& args) {
  // The logical index of element j is offset + j (for bits: 4 block + skip + j); only its
  // residue mod kChunkAlign matters for the boundaries.
  return args.kind == kBits
             ? static_cast<unsigned>((4 * (args.offset & 15) + args.skip) % kChunkAlign)
             : static_cast<unsigned>(args.offset % kChunkAlign);
}

size_t chunk_size(size_t n, unsigned t) {
  size_t min_chunk = g_test_min_chunk.load(std::memory_order_relaxed);
  if (!min_chunk) min_chunk = kMinChunk;
  const size_t parts = static_cast<size_t>(t) * kChunksPerThread;
  size_t c = std::max(min_chunk, (n + parts - 1) / parts);
  return (c + kChunkAlign - 1) / kChunkAlign * kChunkAlign;
}

void set_parallel_limits_for_testing(size_t threshold, size_t min_chunk) {
  g_test_threshold.store(threshold, std::memory_order_relaxed);
  g_test_min_chunk.store(min_chunk, std::memory_order_relaxed);
}

void fill_into(const Kernels* k, const FillArgs& a, void* dst, size_t j0, size_t n) {
  switch (a.kind) {
    case kBits: {
      const uint64_t w = static_cast<uint64_t>(a.skip) + j0;
      k->bits(static_cast<uint32_t*>(dst), n, a.key, a.offset + (w >> 2), static_cast<unsigned>(w & 3));
      break;
    }
    case kUniformF32:
      k->uniform_f32(static_cast<float*>(dst), n, a.key, a.offset + j0, a.uniform);
      break;
    case kUniformF64:
      k->uniform_f64(static_cast<double*>(dst), n, a.key, a.offset + j0, a.uniform);
      break;
    case kNormalF32:
      k->normal_f32(static_cast<float*>(dst), n, a.key, a.offset + j0, a.normal);
      break;
    case kNormalF64:
      k->normal_f64(static_cast<double*>(dst), n, a.key, a.offset + j0, a.normal);
      break;
    case kTruncatedNormalF32:
      k->truncated_normal_f32(static_cast<float*>(dst), n, a.key, a.offset + j0, a.trunc);
      break;
    case kTruncatedNormalF64:
      k->truncated_normal_f64(static_cast<double*>(dst), n, a.key, a.offset + j0, a.trunc);
      break;
    default:
      break;
  }
}

void fill_range(const Kernels* k, const FillArgs& a, size_t j0, size_t j1) {
  const size_t bytes = element_bytes(kKinds[a.kind].element);
  fill_into(k, a, static_cast<unsigned char*>(a.out) + j0 * bytes, j0, j1 - j0);
}

void fill(const Kernels* k, const FillArgs& args) {
  const unsigned t = threads();
  if (t <= 1 || args.n < parallel_threshold(args)) {
    fill_range(k, args, 0, args.n);
    return;
  }
  RangeCtx ctx{k, &args};
  parallel_for(args.n, fill_phase(args), chunk_size(args.n, t), t, range_thunk, &ctx);
}

unsigned async_fill_threads(const FillArgs& args) {
  // The JavaScript thread waits in the event loop meanwhile and must wake up promptly when
  // the fill is done: below kAsyncAllThreads thresholds' worth, leave it a core (threads()-1
  // workers, at least 1); a larger fill is long enough to be worth every core.
  const unsigned all = threads();
  return all > 1 && args.n < kAsyncAllThreads * parallel_threshold(args) ? all - 1 : all;
}

bool fill_async(const Kernels* k, const FillArgs* args, void (*done)(void* ctx), void* ctx) {
  if (args->n == 0) return false;
  const unsigned t = async_fill_threads(*args);
  const unsigned phase = fill_phase(*args);
  size_t chunk;
  if (t <= 1 || args->n < parallel_threshold(*args))
    chunk = (args->n + phase + kChunkAlign - 1) / kChunkAlign * kChunkAlign;  // one chunk
  else
    chunk = chunk_size(args->n, t);
  AsyncFillCtx* c = new AsyncFillCtx{RangeCtx{k, args}, done, ctx};
  if (!parallel_for_async(args->n, phase, chunk, t, async_range_thunk, async_done_thunk, c)) {
    delete c;
    return false;
  }
  return true;
}

}  // namespace nninit
