/**
 * native/wasm/nninit.wasm as base64: the browser build's copy of the module, written to
 * dist/browser/wasm/inline.js by scripts/build-ts.cjs (inline, so every bundler and a plain
 * `<script type="module">` get it without asset configuration).
 */
declare const wasmBase64: string;
export default wasmBase64;
