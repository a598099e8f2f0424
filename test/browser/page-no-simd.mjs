import './no-simd.mjs';
import { run } from './page.mjs';

// run() after every import, so the engine lacks SIMD before nninit looks (bundlers may
// evaluate shared chunks before this entry's own modules).
window.__result = run().catch((err) => ({ error: String(err && err.stack ? err.stack : err) }));
