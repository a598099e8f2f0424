/**
 * Helpers of the diagnostics suites: a small XML well-formedness check for the SVG output.
 */

/** Throws unless `xml` is well-formed enough for an SVG: balanced tags, quoted attributes, escaped text. */
export function checkWellFormedXml(xml: string): { root: string; elements: Map<string, number> } {
  let s = xml.replace(/^\s*<\?xml[^?]*\?>/, '');
  s = s.replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  const elements = new Map<string, number>();
  let root = '';
  let i = 0;
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`unescaped & in text: ${text.slice(0, 60)}`);
    if (text.includes('>')) throw new Error(`stray > in text: ${text.slice(0, 60)}`);
    if (lt < 0) {
      if (text.trim() !== '' ) throw new Error('text after the root element');
      break;
    }
    if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
    tag.lastIndex = lt;
    const m = tag.exec(s);
    if (!m) throw new Error(`malformed tag at ${lt}: ${s.slice(lt, lt + 80)}`);
    const [, close, name, attrs, selfClose] = m as unknown as [string, string, string, string, string];
    const seen = new Set<string>();
    for (const a of attrs.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)) {
      if (seen.has(a[1]!)) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]!);
    }
    if (close) {
      if (attrs.trim() !== '' || selfClose) throw new Error(`bad closing tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) {
        if (root !== '') throw new Error('two root elements');
        root = name;
      }
      elements.set(name, (elements.get(name) ?? 0) + 1);
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (root === '') throw new Error('no root element');
  return { root, elements };
}
