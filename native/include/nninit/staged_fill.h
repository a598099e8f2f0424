// A staged fill: an async fill whose pool threads write only memory the fill owns.
//
// Why: an async fill's output may belong to a JavaScript ArrayBuffer, which JavaScript can
// detach (transfer by postMessage or structuredClone, ArrayBuffer.prototype.transfer),
// shrink (resizable buffers) or let the GC free while the pool works; nothing in Node-API
// pins that memory. So the pool fills bounded scratch slots owned by the fill, and a single
// consumer (the JavaScript thread, where the buffer cannot change under it) takes each
// finished chunk, checks that the destination is still there and copies it.
//
// The fill is split into chunks of at most chunk_elements() elements, boundaries on
// kChunkAlign of the logical index (as fill() splits), and runs `slots` chunks at a time,
// each in its own slot: when the consumer gives a slot back, pump() starts the next chunks
// in the free slots. Every chunk's bytes equal the same elements of a plain fill.
//
// The consumer, woken by notify(ctx), takes ready chunks, copies each and gives its slot
// back, pumps now and then (so the workers refill slots while it copies), and calls rearm()
// when it stops. notify is called once per rearm (and once after start) as soon as half
// the slots are ready or a ready chunk waits with nothing else being filled; it runs on a
// pool worker, or inside rearm(), under the fill's mutex, and must not call back into the
// fill. The consumer's calls come from one thread at a time; after detach() returns,
// notify is never called again.
#ifndef NNINIT_STAGED_FILL_H_
#define NNINIT_STAGED_FILL_H_

#include <cstddef>
#include <mutex>
#include <vector>

#include "nninit/fill.h"

namespace nninit {

// Sizes of a staged fill; zero fields take the defaults.
struct StagedLimits {
  size_t slot_bytes = 0;  // default kStagedSlotBytes
  unsigned slots = 0;     // default kStagedSlots
  unsigned threads = 0;   // pool workers; default async_fill_threads()
};

// A slot holds 256 KiB (a chunk's copy on the JavaScript thread takes ~10-30 us), and a
// fill has 32 of them (8 MiB, never more than the fill's chunks): the JavaScript thread
// wakes ~30-50 us after a worker asks and may be busy longer, and the workers fill the
// free half meanwhile. Measured for 2^26 float32 normal values on 2 threads (async time /
// sync time, medians of 9, load ~6): 6 slots 1.7-1.9, 12 1.64, 16-32 (4-8 MiB) 1.35-1.45;
// slot sizes of 128 KiB to 2 MiB made no clear difference at the same total.
constexpr size_t kStagedSlotBytes = size_t{256} << 10;
constexpr unsigned kStagedSlots = 32;

// A finished chunk: elements [j0, j0 + n) of the fill, at data.
struct StagedChunk {
  const void* data;
  size_t j0, n;
  unsigned slot;
};

class StagedFill {
 public:
  using Notify = void (*)(void* ctx);

  // A fill of args.n > 0 elements (args.out is not used) with one reference, the
  // consumer's. nullptr when the scratch memory cannot be allocated.
  static StagedFill* create(const Kernels* k, const FillArgs& args, Notify notify, void* ctx,
                            const StagedLimits& limits = StagedLimits());

  // Starts the first chunks. False when no pool worker could be started (nothing ran).
  bool start();
  // Pops a finished chunk. False when none is ready now.
  bool take(StagedChunk* chunk);
  // The chunk's slot is free again (its data may be overwritten from now on).
  void give_back(const StagedChunk& chunk);
  // Starts the next chunks in the free slots.
  void pump();
  // Ends the consumer's turn: the next notify comes when it is due (see above), at once if
  // chunks are left over and nothing is being filled.
  void rearm();
  // Every chunk was taken and given back.
  bool finished();
  // Stops the fill: no chunk starts any more, chunks being filled are dropped, notify is
  // never called again, and the consumer's reference is released (the object is freed
  // once the pool has let go of it). The consumer must not use the pointer afterwards.
  void detach();

  size_t length() const { return args_.n; }
  size_t element_size() const { return elem_; }
  size_t chunk_elements() const { return chunk_; }
  unsigned slots() const { return nslots_; }
  size_t scratch_bytes() const { return static_cast<size_t>(nslots_) * chunk_ * elem_; }

  // Scratch bytes a staged fill of these arguments would allocate (for budgeting before
  // creating it).
  static size_t scratch_bytes_for(const FillArgs& args, const StagedLimits& limits = StagedLimits());

 private:
  struct Batch;
  struct Geometry {
    unsigned threads, slots;
    size_t chunk, nchunks;
  };
  static Geometry geometry(const FillArgs& args, const StagedLimits& limits);

  StagedFill() = default;
  ~StagedFill();
  StagedFill(const StagedFill&) = delete;
  StagedFill& operator=(const StagedFill&) = delete;

  void chunk_range(size_t c, size_t* j0, size_t* j1) const;
  bool submit(bool first);
  void unref_locked(std::unique_lock<std::mutex>& lock);
  void notify_locked();
  static void batch_fn(void* ctx, size_t j0, size_t j1);
  static void batch_done(void* ctx);

  const Kernels* k_ = nullptr;
  FillArgs args_{};
  size_t elem_ = 0;
  unsigned phase_ = 0;
  unsigned threads_ = 1;
  size_t chunk_ = 0;
  size_t nchunks_ = 0;
  unsigned nslots_ = 0;
  void* raw_ = nullptr;               // the allocation; scratch_ is its 64-byte aligned start
  unsigned char* scratch_ = nullptr;

  std::mutex mu_;
  // Guarded by mu_:
  Notify notify_ = nullptr;
  void* ctx_ = nullptr;
  std::vector<unsigned> free_;       // free slots
  std::vector<StagedChunk> ready_;   // filled, not yet taken
  size_t next_ = 0;                  // next chunk to start
  size_t in_flight_ = 0;             // started, not yet ready
  size_t given_back_ = 0;
  bool cancelled_ = false;
  bool notified_ = false;            // notify called, rearm not yet
  int refs_ = 1;                     // the consumer + one per batch on the pool
};

}  // namespace nninit

#endif  // NNINIT_STAGED_FILL_H_
