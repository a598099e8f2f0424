/** Types of digests.mjs (a plain ES module, so a browser page can import it too). */
export function cases(nn: unknown): Record<string, () => ArrayBufferView | ArrayBufferView[]>;
export function digests(nn: unknown): Promise<Record<string, string>>;
