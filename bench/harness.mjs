// Timing: warm-up, then repeated samples; each sample batches enough calls to last
// `sampleMs` so that timer resolution and call jitter do not dominate small fills.

const now = () => Number(process.hrtime.bigint());

// Children get the parent's start time, so the progress clock runs on across processes.
const start = process.env.NNINIT_BENCH_T0 ? Number(process.env.NNINIT_BENCH_T0) : now();
export const startTime = start;
let lastLen = 0;
const tty = process.stderr.isTTY === true;

/** One progress line on stderr (rewritten in place on a terminal). */
export function progress(msg) {
  const line = `[${((now() - start) / 1e9).toFixed(0).padStart(4)}s] ${msg}`;
  if (tty) {
    const pad = Math.max(0, lastLen - line.length);
    process.stderr.write('\r' + line + ' '.repeat(pad));
    lastLen = line.length;
  } else {
    process.stderr.write(line + '\n');
  }
}

/** Ends the progress line (before the table is printed). */
export function progressDone() {
  if (tty && lastLen > 0) process.stderr.write('\r' + ' '.repeat(lastLen) + '\r');
  lastLen = 0;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `fn` (sync). Returns ns per call: { median, min, reps, inner, capped, warmMs }.
 *
 * Every row warms up first: at least one call and `warmMs`, then on for as long as the
 * fastest call is still improving (a JIT compiling the code under test makes its first calls
 * many times slower than its steady state), up to `maxWarmMs`; a first call of SLOW_MS or
 * more is warm-up enough. Then samples: each batches `inner` calls to last about `sampleMs`.
 *
 * opts: warmMs, maxWarmMs, minReps, maxReps, budgetMs (stop after this once minReps are
 * done), sampleMs, capMs (stop after this long even below minReps once there is a sample:
 * keeps very slow implementations inside the quick run's time; `capped` says so), single
 * (one call per sample: whole-model runs), warmed (with single: no warm-up call, for runs
 * of seconds whose code paths ran warm just before).
 */
export function measure(fn, o = {}) {
  const c = settings(o);
  const w = warmUp(c);
  if (!(c.single && c.warmed)) {
    for (;;) {
      const a = now();
      fn();
      if (w.done(a, now())) break;
    }
  }
  const s = sampler(c, w);
  while (s.more()) {
    const a = now();
    for (let i = 0; i < s.inner; i++) fn();
    s.add(a);
  }
  return s.result();
}

/** As {@link measure}, for a function returning a Promise (awaited one call at a time). */
export async function measureAsync(fn, o = {}) {
  const c = settings(o);
  const w = warmUp(c);
  if (!(c.single && c.warmed)) {
    for (;;) {
      const a = now();
      await fn();
      if (w.done(a, now())) break;
    }
  }
  const s = sampler(c, w);
  while (s.more()) {
    const a = now();
    for (let i = 0; i < s.inner; i++) await fn();
    s.add(a);
  }
  return s.result();
}

/** A first call at least this long (ms) is warm-up enough. */
const SLOW_MS = 250;

function settings(o) {
  const { warmMs = 30, maxWarmMs = 3000, minReps = 3, maxReps = 9, budgetMs = 300, sampleMs = 5, warmed = false, single = false, capMs = Infinity } = o;
  return { warmMs, maxWarmMs, minReps, maxReps, budgetMs, sampleMs, warmed, single, capMs };
}

/** The warm-up rule of {@link measure}: done(start, end) of each call says when to stop. */
function warmUp({ warmMs, maxWarmMs }) {
  const begin = now();
  let best = Infinity;
  let calls = 0;
  let improved = begin;
  return {
    begin,
    get best() { return best; },
    done(a, t) {
      calls++;
      if (calls > 1 && t - a < 0.97 * best) improved = t;
      best = Math.min(best, t - a);
      const elapsed = t - begin;
      if (calls === 1 && t - a >= SLOW_MS * 1e6) return true;
      // Done once warmMs have passed and the last real improvement lies in the first half of
      // the warm-up so far (or the cap is reached).
      return elapsed >= warmMs * 1e6 && (improved - begin <= elapsed / 2 || elapsed >= maxWarmMs * 1e6);
    },
  };
}

function sampler({ minReps, maxReps, budgetMs, sampleMs, single, capMs }, w) {
  const warmMs = (now() - w.begin) / 1e6;
  const inner = single ? 1 : Math.max(1, Math.min(1e6, Math.ceil((sampleMs * 1e6) / Math.max(Number.isFinite(w.best) ? w.best : 1e9, 1))));
  const loop = now();
  const samples = [];
  return {
    inner,
    more() {
      if (samples.length > 0 && now() - w.begin >= capMs * 1e6) return false;
      return samples.length < minReps || (samples.length < maxReps && now() - loop < budgetMs * 1e6);
    },
    add(a) { samples.push((now() - a) / inner); },
    result() {
      return { median: median(samples), min: Math.min(...samples), reps: samples.length, inner, capped: samples.length < minReps, warmMs };
    },
  };
}

/** A sink for values read back from peers, so no result can be discarded. */
export const sink = { value: 0 };
