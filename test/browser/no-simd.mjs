// Imported before nninit by the no-SIMD page: makes this engine behave like one without
// WebAssembly SIMD (Chrome < 91, Safari < 16.4): SIMD modules do not validate or compile.
const validate = WebAssembly.validate;
WebAssembly.validate = (bytes) => {
  const b = new Uint8Array(bytes.buffer ?? bytes);
  for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xfd) return false; // the SIMD prefix (crude but enough here)
  return validate(bytes);
};
WebAssembly.compile = async () => { throw new WebAssembly.CompileError('invalid SIMD opcode'); };
