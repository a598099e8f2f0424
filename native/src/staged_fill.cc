// A fill into scratch slots the fill owns (see nninit/staged_fill.h).
//
// Lifetime: the object is reference-counted under mu_: the consumer holds one reference
// until detach(), and every batch handed to the pool holds one until its done callback.
// Slots are handed to a batch when it is submitted (so chunks in flight never exceed the
// slots), and the chunk a pool worker fills is written only to its own slot. Scratch memory
// is freed with the object, after the last worker has left it.
#include "nninit/staged_fill.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace nninit {

struct StagedFill::Batch {
  StagedFill* fill;
  size_t j0;       // the batch's first element in the fill
  unsigned phase;  // the pool loop's phase: the fill's for chunk 0, else 0
  std::vector<unsigned> slots;  // slot of the batch's k-th chunk
};

StagedFill::Geometry StagedFill::geometry(const FillArgs& args, const StagedLimits& limits) {
  Geometry g;
  g.threads = limits.threads ? limits.threads : async_fill_threads(args);
  const size_t elem = element_bytes(kKinds[args.kind].element);
  const size_t phase = fill_phase(args);
  const size_t slot_bytes = limits.slot_bytes ? limits.slot_bytes : kStagedSlotBytes;
  size_t c = std::max(kChunkAlign, slot_bytes / elem / kChunkAlign * kChunkAlign);
  // Fills too short for full slots on every worker still split as fill() would.
  if (g.threads > 1 && args.n >= parallel_threshold(args)) c = std::min(c, chunk_size(args.n, g.threads));
  // One chunk never needs more than the whole fill.
  c = std::min(c, (args.n + phase + kChunkAlign - 1) / kChunkAlign * kChunkAlign);
  g.chunk = c;
  g.nchunks = (args.n + phase + c - 1) / c;
  const unsigned want = limits.slots ? limits.slots : kStagedSlots;
  g.slots = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(want, g.nchunks)));
  return g;
}

size_t StagedFill::scratch_bytes_for(const FillArgs& args, const StagedLimits& limits) {
  if (args.n == 0) return 0;
  const Geometry g = geometry(args, limits);
  return static_cast<size_t>(g.slots) * g.chunk * element_bytes(kKinds[args.kind].element);
}

StagedFill* StagedFill::create(const Kernels* k, const FillArgs& args, Notify notify, void* ctx,
                               const StagedLimits& limits) {
  if (args.n == 0 || !valid_kind(args.kind)) return nullptr;
  StagedFill* f = new (std::nothrow) StagedFill;
  if (f == nullptr) return nullptr;
  const Geometry g = geometry(args, limits);
  f->k_ = k;
  f->args_ = args;
  f->args_.out = nullptr;
  f->elem_ = element_bytes(kKinds[args.kind].element);
  f->phase_ = fill_phase(args);
  f->threads_ = g.threads;
  f->chunk_ = g.chunk;
  f->nchunks_ = g.nchunks;
  f->nslots_ = g.slots;
  f->notify_ = notify;
  f->ctx_ = ctx;
  // 64-byte aligned slots (the kernels' fast path; a slot's size is a multiple of 64).
  void* raw = std::malloc(f->scratch_bytes() + 64);
  if (raw == nullptr) {
    delete f;
    return nullptr;
  }
  f->raw_ = raw;
  f->scratch_ = reinterpret_cast<unsigned char*>((reinterpret_cast<uintptr_t>(raw) + 63) & ~uintptr_t{63});
  f->free_.reserve(f->nslots_);
  for (unsigned s = f->nslots_; s-- > 0;) f->free_.push_back(s);
  f->ready_.reserve(f->nslots_);
  return f;
}

StagedFill::~StagedFill() { std::free(raw_); }

void StagedFill::chunk_range(size_t c, size_t* j0, size_t* j1) const {
  // Chunk c covers logical positions [c*chunk, (c+1)*chunk) of phase + j.
  const size_t a = c * chunk_, b = a + chunk_;
  *j0 = a > phase_ ? a - phase_ : 0;
  *j1 = std::min(args_.n, b - phase_);
}

bool StagedFill::submit(bool first) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) return true;
  const size_t count = std::min<size_t>(free_.size(), nchunks_ - next_);
  if (count == 0) return true;
  const size_t c0 = next_;
  Batch* b = new Batch;  // small: out of memory here aborts, as elsewhere in the addon
  b->fill = this;
  b->slots.assign(free_.end() - static_cast<std::ptrdiff_t>(count), free_.end());
  free_.resize(free_.size() - count);
  next_ += count;
  in_flight_ += count;
  refs_++;
  lock.unlock();

  size_t j0, j1, unused;
  chunk_range(c0, &j0, &unused);
  chunk_range(c0 + count - 1, &unused, &j1);
  b->j0 = j0;
  b->phase = c0 == 0 ? phase_ : 0;
  const unsigned t = static_cast<unsigned>(std::min<size_t>(threads_, count));
  if (parallel_for_async(j1 - j0, b->phase, chunk_, t, batch_fn, batch_done, b)) return true;
  if (first) {  // no pool worker at all: undo, the caller fills another way
    lock.lock();
    free_.insert(free_.end(), b->slots.begin(), b->slots.end());
    next_ = c0;
    in_flight_ -= count;
    refs_--;
    lock.unlock();
    delete b;
    return false;
  }
  // The pool ran this fill's first chunks, so a worker exists; if it cannot take more now,
  // fill the batch here rather than stall.
  for (size_t c = c0; c < c0 + count; c++) {
    size_t a, e;
    chunk_range(c, &a, &e);
    batch_fn(b, a - j0, e - j0);
  }
  batch_done(b);
  return true;
}

void StagedFill::batch_fn(void* ctx, size_t j0, size_t j1) {
  Batch* b = static_cast<Batch*>(ctx);
  StagedFill* f = b->fill;
  // The batch's k-th chunk: j0 is 0 or a chunk boundary of the loop (phase + j0 = k chunk).
  const size_t k = (b->phase + j0) / f->chunk_;
  const unsigned slot = b->slots[k];
  {
    std::lock_guard<std::mutex> lock(f->mu_);
    if (f->cancelled_) return;
  }
  unsigned char* dst = f->scratch_ + static_cast<size_t>(slot) * f->chunk_ * f->elem_;
  fill_into(f->k_, f->args_, dst, b->j0 + j0, j1 - j0);
  std::lock_guard<std::mutex> lock(f->mu_);
  if (f->cancelled_) return;
  f->ready_.push_back(StagedChunk{dst, b->j0 + j0, j1 - j0, slot});
  f->in_flight_--;
  f->notify_locked();
}

void StagedFill::notify_locked() {
  // Wake the consumer for half the slots at once (fewer wake-ups, while the other half
  // keeps the workers busy), or when nothing else is coming until it gives slots back.
  if (!notified_ && notify_ != nullptr && !ready_.empty() &&
      (2 * ready_.size() >= nslots_ || in_flight_ == 0)) {
    notified_ = true;
    notify_(ctx_);
  }
}

void StagedFill::batch_done(void* ctx) {
  Batch* b = static_cast<Batch*>(ctx);
  StagedFill* f = b->fill;
  delete b;
  std::unique_lock<std::mutex> lock(f->mu_);
  f->unref_locked(lock);
}

void StagedFill::unref_locked(std::unique_lock<std::mutex>& lock) {
  const bool last = --refs_ == 0;
  lock.unlock();
  if (last) delete this;
}

bool StagedFill::start() { return submit(true); }

void StagedFill::pump() { submit(false); }

bool StagedFill::take(StagedChunk* chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ready_.empty()) return false;
  *chunk = ready_.front();
  ready_.erase(ready_.begin());
  return true;
}

void StagedFill::give_back(const StagedChunk& chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(chunk.slot);
  given_back_++;
}

void StagedFill::rearm() {
  std::lock_guard<std::mutex> lock(mu_);
  notified_ = false;
  notify_locked();  // chunks left over with nothing in flight: right away
}

bool StagedFill::finished() {
  std::lock_guard<std::mutex> lock(mu_);
  return given_back_ == nchunks_;
}

void StagedFill::detach() {
  std::unique_lock<std::mutex> lock(mu_);
  cancelled_ = true;
  notify_ = nullptr;
  ctx_ = nullptr;
  unref_locked(lock);
}

}  // namespace nninit
