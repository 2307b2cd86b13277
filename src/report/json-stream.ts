/**
 * JSON written in pieces, byte-identical to `JSON.stringify(value, null, indent)`,
 * so a 6 MB result (every flow of a 194-economy world) goes out in 64 KB
 * chunks instead of being built as one string first. The outer two levels
 * (the result object and its tables) are walked here; each row below them is
 * serialised by JSON.stringify itself, which is far faster than doing it in
 * script, and re-indented.
 */

const CHUNK = 1 << 16;
/** Levels walked here; deeper values go to JSON.stringify whole. */
const WALKED = 2;

/** Serialise `value` as JSON.stringify(value, null, indent) would, handing `write` chunks of about 64 KB. */
export function writeJson(value: unknown, write: (chunk: string) => void, indent = 2): void {
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      write(buf);
      buf = '';
    }
  };
  const pad = ' '.repeat(indent);
  // Returns false when the value is omitted (undefined, functions, symbols), as JSON.stringify does.
  const emit = (v: unknown, key: string, at: string, depth: number): boolean => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
    if (depth >= WALKED && v !== null && typeof v === 'object') {
      const text = JSON.stringify(v, null, indent);
      put(at && text.includes('\n') ? text.replace(/\n/g, `\n${at}`) : text);
      return true;
    }
    switch (typeof v) {
      case 'number':
        put(Number.isFinite(v) ? String(v) : 'null');
        return true;
      case 'string':
        put(JSON.stringify(v));
        return true;
      case 'boolean':
        put(v ? 'true' : 'false');
        return true;
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) {
      put('null');
      return true;
    }
    const inner = at + pad;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        put('[]');
        return true;
      }
      put(indent ? `[\n${inner}` : '[');
      for (let k = 0; k < v.length; k++) {
        if (k > 0) put(indent ? `,\n${inner}` : ',');
        if (!emit(v[k], String(k), inner, depth + 1)) put('null');
      }
      put(indent ? `\n${at}]` : ']');
      return true;
    }
    let first = true;
    for (const k of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[k];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      put(first ? (indent ? `{\n${inner}` : '{') : indent ? `,\n${inner}` : ',');
      first = false;
      put(indent ? `${JSON.stringify(k)}: ` : `${JSON.stringify(k)}:`);
      emit(item, k, inner, depth + 1);
    }
    put(first ? '{}' : indent ? `\n${at}}` : '}');
    return true;
  };
  emit(value, '', '', 0);
  if (buf) write(buf);
}
