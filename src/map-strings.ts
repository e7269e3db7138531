// A copy of a plain JSON-like value with every string passed through `f` (keys kept): plain objects and arrays
// are walked to a bounded depth; class instances and deeper values are kept as they are. Shared by the
// redaction of reports (redact.ts) and the terminal escaping of human outputs (render/terminal-safe.ts).

export function mapStrings<T>(v: T, f: (s: string) => string, depth = 0): T {
  if (typeof v === 'string') return f(v) as T;
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f, depth + 1)) as T;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = mapStrings(x, f, depth + 1);
  return out as T;
}
