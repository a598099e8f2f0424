import { run } from './page.mjs';

window.__result = run().catch((err) => ({ error: String(err && err.stack ? err.stack : err) }));
