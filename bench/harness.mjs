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
 * Times `fn` (sync). Returns ns per call: { median, min, reps, inner, capped }.
 * opts: warmMs (warm-up time; at least one call unless `warmed`), minReps, maxReps,
 * budgetMs (stop after this once minReps are done), sampleMs (target length of one sample),
 * warmed (JIT already warm: the calibration call is the only warm-up, and when it takes
 * longer than SLOW_MS it counts as a sample), single (one call per sample; with `warmed`,
 * no calibration call), capMs (stop after this long even below minReps, once there is a
 * sample: keeps very slow implementations inside the quick run's time; `capped` says so).
 */
export function measure(fn, o = {}) {
  const { warmMs = 30, minReps = 3, maxReps = 9, budgetMs = 300, sampleMs = 5, warmed = false, single = false, capMs = Infinity } = o;
  const begin = now();
  const samples = [];
  let one = 1e9;
  if (!(single && warmed)) {
    const a = now();
    fn();
    one = now() - a;
    if (warmed && one >= SLOW_MS * 1e6) samples.push(one);
  }
  if (!warmed) {
    const until = begin + warmMs * 1e6;
    while (now() < until) {
      const a = now();
      fn();
      one = Math.min(one, now() - a);
    }
  }
  const inner = single ? 1 : Math.max(1, Math.min(1e6, Math.ceil((sampleMs * 1e6) / Math.max(one, 1))));
  const loop = now();
  while (samples.length < minReps || (samples.length < maxReps && now() - loop < budgetMs * 1e6)) {
    if (samples.length > 0 && now() - begin >= capMs * 1e6) break;
    const a = now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((now() - a) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), reps: samples.length, inner, capped: samples.length < minReps };
}

/** As {@link measure}, for a function returning a Promise (awaited one call at a time). */
export async function measureAsync(fn, o = {}) {
  const { warmMs = 30, minReps = 3, maxReps = 9, budgetMs = 300, sampleMs = 5, warmed = false, single = false, capMs = Infinity } = o;
  const begin = now();
  const samples = [];
  let one = 1e9;
  if (!(single && warmed)) {
    const a = now();
    await fn();
    one = now() - a;
    if (warmed && one >= SLOW_MS * 1e6) samples.push(one);
  }
  if (!warmed) {
    const until = begin + warmMs * 1e6;
    while (now() < until) {
      const a = now();
      await fn();
      one = Math.min(one, now() - a);
    }
  }
  const inner = single ? 1 : Math.max(1, Math.min(1e6, Math.ceil((sampleMs * 1e6) / Math.max(one, 1))));
  const loop = now();
  while (samples.length < minReps || (samples.length < maxReps && now() - loop < budgetMs * 1e6)) {
    if (samples.length > 0 && now() - begin >= capMs * 1e6) break;
    const a = now();
    for (let i = 0; i < inner; i++) await fn();
    samples.push((now() - a) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), reps: samples.length, inner, capped: samples.length < minReps };
}

/** A warm call at least this long (ms) is a sample in itself. */
const SLOW_MS = 200;

/** A sink for values read back from peers, so no result can be discarded. */
export const sink = { value: 0 };
