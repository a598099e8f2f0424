// The process-wide thread pool (see nninit/pool.h).
//
// Lifetime: the pool is allocated with `new` on first parallel fill and never destroyed;
// workers are detached and never joined. Nothing here has a non-trivial destructor, so
// the process can exit (process.exit, end of main) while chunks are in flight: exit()
// runs no destructor that could pull a mutex or condition variable from under a worker.
//
// parallel_for's jobs live on their caller's stack. Every access to a Job by a worker
// happens under the pool mutex, and the caller returns only after seeing (under the same
// mutex) that all its chunks are done; a worker's last access to a job is the `done`
// increment that the caller waits for. So no worker touches a job after its caller returned.
// parallel_for_async's jobs live on the heap, with no caller waiting: the worker that
// counts the last chunk is then the only one referring to the job (every chunk is claimed,
// so it is off the queue, and every other helper has left it under the mutex); it deletes
// the job and calls its `on_done` outside the mutex.
#include "nninit/pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "nninit/dispatch.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if !defined(_WIN32)
#include <dlfcn.h>
#include <pthread.h>
#endif
#if defined(__linux__)
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace nninit {
namespace {

// -------------------------------------------------------------------------- settings

std::atomic<unsigned> g_setting{0};      // 0 = automatic
std::atomic<unsigned> g_auto{0};         // cached auto_threads(), 0 = not yet computed

// -------------------------------------------------------------------------- pool

struct Job {
  void (*fn)(void*, size_t, size_t);
  void* ctx;
  size_t n, chunk, nchunks;
  unsigned phase;
  size_t next = 0;                // guarded by Pool::mu
  std::atomic<size_t> done{0};    // written under Pool::mu; the caller may spin on it
  unsigned helpers = 0, max_helpers = 0;
  Job* link = nullptr;
  bool queued = false;
  void (*on_done)(void*) = nullptr;  // set: a heap job of parallel_for_async

  void range(size_t c, size_t* j0, size_t* j1) const {
    // Chunk c covers logical positions [c*chunk, (c+1)*chunk) of phase + j.
    const size_t a = c * chunk, b = a + chunk;
    *j0 = a > phase ? a - phase : 0;
    *j1 = b - phase < n ? b - phase : n;
  }
};

struct Pool {
  std::mutex mu;
  std::atomic<uint64_t> generation{0};  // bumped by every enqueue: idle workers spin on it
  std::condition_variable work_cv, done_cv;
  Job* head = nullptr;
  unsigned workers = 0;
  bool spawn_failed = false;

  void enqueue(Job* j) {
    generation.fetch_add(1, std::memory_order_release);
    j->link = nullptr;
    j->queued = true;
    if (!head) { head = j; return; }
    Job* t = head;
    while (t->link) t = t->link;
    t->link = j;
  }
  void remove(Job* j) {
    if (!j->queued) return;
    j->queued = false;
    for (Job** p = &head; *p; p = &(*p)->link)
      if (*p == j) { *p = j->link; return; }
  }
  // Claims the next chunk of j (mu held). Removes j from the queue once all are claimed.
  size_t claim(Job* j) {
    const size_t c = j->next++;
    if (j->next == j->nchunks) remove(j);
    return c;
  }
  Job* find_work() {
    for (Job* j = head; j; j = j->link)
      if (j->next < j->nchunks && j->helpers < j->max_helpers) return j;
    return nullptr;
  }
};

// Waking a sleeping thread costs tens of microseconds on a VM (futex, IPI, idle exit), as
// much as a whole fill at the threshold. So a worker spins ~50 us after its last chunk
// before sleeping (back-to-back fills find it awake), and a caller spins while the last
// chunks finish instead of sleeping on the condition variable.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}
const auto kSpin = std::chrono::microseconds(50);

template <class Pred>
bool spin_until(Pred done, std::chrono::microseconds limit) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() - start > limit) return done();
  }
}

Pool* g_pool_ptr = nullptr;
std::once_flag g_pool_once;

void pin_library();

Pool* pool() {
  std::call_once(g_pool_once, [] {
    pin_library();
    g_pool_ptr = new Pool;
  });
  return g_pool_ptr;
}

}  // namespace

// Background work yields to the JavaScript thread: pool helpers run kBackgroundNice
// levels below normal, and so does the libuv thread of an async fill while it fills (when
// the process may raise its priority back afterwards), so the event loop is scheduled
// promptly even when every core is busy. Linux only; elsewhere a no-op.
void lower_thread_priority() {
#if defined(__linux__)
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kBackgroundNice);
#endif
}

BackgroundPriority::BackgroundPriority() {
#if defined(__linux__)
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int before = getpriority(PRIO_PROCESS, tid);
  if (errno != 0) return;
  // Raising the priority back needs CAP_SYS_NICE or an RLIMIT_NICE that allows it.
  struct rlimit rl;
  const bool may_restore = geteuid() == 0 ||
      (getrlimit(RLIMIT_NICE, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY ||
                                            before >= 20 - static_cast<int>(rl.rlim_cur)));
  if (!may_restore || before >= kBackgroundNice) return;
  if (setpriority(PRIO_PROCESS, tid, kBackgroundNice) == 0) {
    before_ = before;
    active_ = true;
  }
#endif
}

BackgroundPriority::~BackgroundPriority() {
#if defined(__linux__)
  if (active_) setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), before_);
#endif
}

namespace {

void worker_main(Pool* p) {
  // Our own thread: IEEE mode for its whole life (FTZ/DAZ off), nothing to restore.
  FpEnvGuard fp;
  std::unique_lock<std::mutex> lock(p->mu);
  for (;;) {
    Job* j = p->find_work();
    if (!j) {
      const uint64_t gen = p->generation.load(std::memory_order_acquire);
      lock.unlock();
      spin_until([&] { return p->generation.load(std::memory_order_acquire) != gen; }, kSpin);
      lock.lock();
      if (!p->find_work()) p->work_cv.wait(lock);
      continue;
    }
    j->helpers++;
    for (;;) {
      const size_t c = p->claim(j);
      size_t j0, j1;
      j->range(c, &j0, &j1);
      void (*fn)(void*, size_t, size_t) = j->fn;
      void* ctx = j->ctx;
      lock.unlock();
      fn(ctx, j0, j1);
      lock.lock();
      const size_t done = j->done.load(std::memory_order_relaxed) + 1;
      if (done == j->nchunks) {
        j->helpers--;
        if (j->on_done) {
          void (*on_done)(void*) = j->on_done;
          void* done_ctx = j->ctx;
          lock.unlock();
          delete j;
          on_done(done_ctx);
          lock.lock();
          break;
        }
        // The last access to j: its caller may return as soon as it sees this store.
        j->done.store(done, std::memory_order_release);
        p->done_cv.notify_all();
        break;
      }
      // Not the last chunk: j's caller cannot return before another chunk is counted,
      // which needs the lock we hold.
      j->done.store(done, std::memory_order_release);
      if (j->next >= j->nchunks) {
        j->helpers--;
        break;
      }
    }
  }
}

#if !defined(_WIN32)
void* worker_entry(void* arg) {
  lower_thread_priority();
  worker_main(static_cast<Pool*>(arg));
  return nullptr;
}
#endif

// Workers live as long as the process and run this library's code (spinning, sleeping,
// finishing an async fill of a terminated worker_thread): keep it mapped even when every
// environment that loaded the addon is gone (Node dlcloses an addon with its last user).
void pin_library() {
#if !defined(_WIN32)
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&worker_entry), &info) != 0 && info.dli_fname != nullptr)
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

// Starts one more detached worker (mu held). False when the OS refuses.
bool spawn(Pool* p) {
#if !defined(_WIN32)
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, size_t{1} << 20);  // kernels use < 64 KiB of stack
  pthread_t t;
  const int rc = pthread_create(&t, &attr, worker_entry, p);
  pthread_attr_destroy(&attr);
  return rc == 0;
#else
  std::thread(worker_main, p).detach();
  return true;
#endif
}

unsigned parse_cgroup_quota() {
#if defined(__linux__)
  // cgroup v2: "max 100000" or "<quota> <period>".
  FILE* f = std::fopen("/sys/fs/cgroup/cpu.max", "r");
  if (!f) return 0;
  char q[32] = {0};
  unsigned long long period = 0;
  const int got = std::fscanf(f, "%31s %llu", q, &period);
  std::fclose(f);
  if (got != 2 || std::strcmp(q, "max") == 0 || period == 0) return 0;
  const unsigned long long quota = std::strtoull(q, nullptr, 10);
  if (quota == 0) return 0;
  return static_cast<unsigned>(std::max<unsigned long long>(1, (quota + period - 1) / period));
#else
  return 0;
#endif
}

}  // namespace

// -------------------------------------------------------------------------- public

unsigned auto_threads() {
  unsigned cached = g_auto.load(std::memory_order_relaxed);
  if (cached) return cached;
  unsigned n = std::thread::hardware_concurrency();
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int c = CPU_COUNT(&set);
    if (c > 0) n = static_cast<unsigned>(c);
  }
#endif
  const unsigned quota = parse_cgroup_quota();
  if (quota && quota < n) n = quota;
  n = std::max(1u, std::min(n, kMaxThreads));
  g_auto.store(n, std::memory_order_relaxed);
  return n;
}

bool set_threads(unsigned n) {
  if (n > kMaxThreads) return false;
  g_setting.store(n, std::memory_order_relaxed);
  return true;
}

unsigned threads() {
  const unsigned s = g_setting.load(std::memory_order_relaxed);
  return s ? s : auto_threads();
}

bool set_threads_from_env(const char* value, std::string* error) {
  if (value == nullptr || value[0] == '\0') return true;
  char* end = nullptr;
  const unsigned long v = std::strtoul(value, &end, 10);
  const bool digits = value[0] >= '0' && value[0] <= '9';
  if (!digits || *end != '\0' || v > kMaxThreads) {
    if (error)
      *error = std::string("NNINIT_THREADS must be an integer 0..") + std::to_string(kMaxThreads) +
               " (0 = automatic), got \"" + value + "\"";
    return false;
  }
  return set_threads(static_cast<unsigned>(v));
}

void parallel_for(size_t n, unsigned phase, size_t chunk, unsigned nthreads,
                  void (*fn)(void* ctx, size_t j0, size_t j1), void* ctx) {
  if (n == 0) return;
  phase %= kChunkAlign;
  Job job;
  job.fn = fn;
  job.ctx = ctx;
  job.n = n;
  job.chunk = chunk;
  job.phase = phase;
  job.nchunks = (n + phase + chunk - 1) / chunk;
  if (nthreads <= 1 || job.nchunks <= 1) {
    for (size_t c = 0; c < job.nchunks; c++) {
      size_t j0, j1;
      job.range(c, &j0, &j1);
      fn(ctx, j0, j1);
    }
    return;
  }
  Pool* p = pool();
  const unsigned want = static_cast<unsigned>(std::min<size_t>(nthreads - 1, job.nchunks - 1));
  job.max_helpers = want;
  std::unique_lock<std::mutex> lock(p->mu);
  while (p->workers < want && !p->spawn_failed) {
    if (spawn(p)) p->workers++;
    else p->spawn_failed = true;  // run with what we have; the caller can do it all
  }
  p->enqueue(&job);
  for (unsigned i = 0; i < want; i++) p->work_cv.notify_one();
  while (job.next < job.nchunks) {
    const size_t c = p->claim(&job);
    size_t j0, j1;
    job.range(c, &j0, &j1);
    lock.unlock();
    fn(ctx, j0, j1);
    lock.lock();
    job.done.store(job.done.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  if (job.done.load(std::memory_order_acquire) == job.nchunks) return;
  lock.unlock();
  // At most one chunk per helper is left: spin for it, then sleep.
  if (spin_until([&] { return job.done.load(std::memory_order_acquire) == job.nchunks; },
                 std::chrono::microseconds(200)))
    return;
  lock.lock();
  while (job.done.load(std::memory_order_acquire) < job.nchunks) p->done_cv.wait(lock);
}

bool parallel_for_async(size_t n, unsigned phase, size_t chunk, unsigned nthreads,
                        void (*fn)(void* ctx, size_t j0, size_t j1), void (*done)(void* ctx),
                        void* ctx) {
  if (n == 0 || chunk == 0) return false;
  phase %= kChunkAlign;
  Job* job = new Job;
  job->fn = fn;
  job->ctx = ctx;
  job->on_done = done;
  job->n = n;
  job->chunk = chunk;
  job->phase = phase;
  job->nchunks = (n + phase + chunk - 1) / chunk;
  const unsigned want = static_cast<unsigned>(
      std::max<size_t>(1, std::min<size_t>(std::max(1u, nthreads), job->nchunks)));
  job->max_helpers = want;
  Pool* p = pool();
  std::unique_lock<std::mutex> lock(p->mu);
  while (p->workers < want && !p->spawn_failed) {
    if (spawn(p)) p->workers++;
    else p->spawn_failed = true;
  }
  if (p->workers == 0) {
    lock.unlock();
    delete job;
    return false;
  }
  p->enqueue(job);
  for (unsigned i = 0; i < want; i++) p->work_cv.notify_one();
  return true;
}

}  // namespace nninit
