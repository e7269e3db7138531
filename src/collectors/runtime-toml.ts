// A small TOML reader, enough for containerd's config.toml and CRI-O's crio.conf: tables, arrays of
// tables, dotted and quoted keys, strings (basic, literal, multi-line), numbers, booleans, arrays
// and inline tables. Unlike a general parser it keeps the line of every key, so findings can cite
// `config.toml:42`, and it never throws: a bad line is recorded and reading continues.
// What it does not check, toml-eslint-parser (a maintained TOML parser that keeps positions) does: a table
// or key defined twice, which containerd's TOML reader refuses, is recorded with its line.

import { parseTOML } from 'toml-eslint-parser';

export type TomlValue = string | number | boolean | TomlValue[] | { [k: string]: TomlValue };

export interface TomlEntry {
  /** Table path plus key, unquoted: ['plugins', 'io.containerd.grpc.v1.cri', 'cni', 'conf_dir']. */
  path: string[];
  value: TomlValue;
  line: number;
  /** The source line the key is on. */
  text: string;
}

export interface TomlDoc {
  entries: TomlEntry[];
  /** Table headers seen, with their lines. */
  tables: { path: string[]; line: number }[];
  errors: { line: number; message: string }[];
}

class Cursor {
  i = 0;
  line = 1;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }
  startsWith(x: string): boolean {
    return this.s.startsWith(x, this.i);
  }
  next(): string {
    const c = this.s[this.i++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  /** Spaces, newlines and comments (inside arrays, between statements). */
  skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.next();
      else if (c === '#') while (!this.done && this.peek() !== '\n') this.i++;
      else return;
    }
  }
  skipLine(): void {
    while (!this.done && this.peek() !== '\n') this.i++;
  }
}

class TomlError extends Error {}

const ESC: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

function basicString(c: Cursor, multi: boolean): string {
  let out = '';
  if (multi && c.peek() === '\n') c.next();
  else if (multi && c.startsWith('\r\n')) (c.next(), c.next());
  for (;;) {
    if (c.done) throw new TomlError('unterminated string');
    if (multi ? c.startsWith('"""') : c.peek() === '"') {
      c.i += multi ? 3 : 1;
      return out;
    }
    const ch = c.next();
    if (!multi && ch === '\n') throw new TomlError('newline in a string');
    if (ch === '\\') {
      const e = c.next();
      if (ESC[e] !== undefined) out += ESC[e];
      else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = c.s.slice(c.i, c.i + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new TomlError('bad unicode escape');
        c.i += n;
        out += String.fromCodePoint(parseInt(hex, 16));
      } else if (multi && /\s/.test(e)) {
        while (/\s/.test(c.peek())) c.next();
      } else throw new TomlError(`bad escape \\${e}`);
    } else out += ch;
  }
}

function literalString(c: Cursor, multi: boolean): string {
  let out = '';
  if (multi && c.peek() === '\n') c.next();
  for (;;) {
    if (c.done) throw new TomlError('unterminated string');
    if (multi ? c.startsWith("'''") : c.peek() === "'") {
      c.i += multi ? 3 : 1;
      return out;
    }
    const ch = c.next();
    if (!multi && ch === '\n') throw new TomlError('newline in a string');
    out += ch;
  }
}

function key(c: Cursor): string[] {
  const parts: string[] = [];
  for (;;) {
    c.skipSpaces();
    const ch = c.peek();
    if (ch === '"') {
      c.next();
      parts.push(basicString(c, false));
    } else if (ch === "'") {
      c.next();
      parts.push(literalString(c, false));
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(c.s.slice(c.i, c.i + 256));
      if (!m) throw new TomlError(`expected a key, found ${JSON.stringify(ch || 'end of file')}`);
      c.i += m[0].length;
      parts.push(m[0]);
    }
    c.skipSpaces();
    if (c.peek() !== '.') return parts;
    c.next();
  }
}

function value(c: Cursor, depth = 0): TomlValue {
  if (depth > 64) throw new TomlError('nesting too deep');
  c.skipSpaces();
  if (c.startsWith('"""')) return (c.i += 3), basicString(c, true);
  if (c.startsWith("'''")) return (c.i += 3), literalString(c, true);
  const ch = c.peek();
  if (ch === '"') return c.next(), basicString(c, false);
  if (ch === "'") return c.next(), literalString(c, false);
  if (ch === '[') {
    c.next();
    const arr: TomlValue[] = [];
    for (;;) {
      c.skipBlank();
      if (c.peek() === ']') return c.next(), arr;
      if (c.done) throw new TomlError('unterminated array');
      arr.push(value(c, depth + 1));
      c.skipBlank();
      if (c.peek() === ',') c.next();
      else if (c.peek() !== ']') throw new TomlError(`expected , or ] in array, found ${JSON.stringify(c.peek() || 'end of file')}`);
    }
  }
  if (ch === '{') {
    c.next();
    const obj: { [k: string]: TomlValue } = {};
    c.skipSpaces();
    if (c.peek() === '}') return c.next(), obj;
    for (;;) {
      const k = key(c);
      if (c.next() !== '=') throw new TomlError('expected = in inline table');
      setPath(obj, k, value(c, depth + 1));
      c.skipSpaces();
      const d = c.next();
      if (d === '}') return obj;
      if (d !== ',') throw new TomlError('expected , or } in inline table');
    }
  }
  const m = /^[^\s,\]}#]+/.exec(c.s.slice(c.i, c.i + 256));
  if (!m) throw new TomlError(`expected a value, found ${JSON.stringify(ch || 'end of line')}`);
  c.i += m[0].length;
  const t = m[0];
  if (t === 'true') return true;
  if (t === 'false') return false;
  const num = t.replace(/_/g, '');
  if (/^[+-]?(?:\d+|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$/.test(num)) return Number(num.replace(/^([+-]?)0o/, '$10o'));
  if (/^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|inf|nan)$/.test(num)) return Number(num.replace('inf', 'Infinity'));
  if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(t)) return t; // dates/times kept as text
  throw new TomlError(`not a TOML value: ${t.slice(0, 40)}`);
}

function setPath(obj: { [k: string]: TomlValue }, path: string[], v: TomlValue): void {
  let o = obj;
  for (const p of path.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null || Array.isArray(o[p])) o[p] = {};
    o = o[p] as { [k: string]: TomlValue };
  }
  o[path[path.length - 1]!] = v;
}

/** Read TOML text; never throws. */
export function parseToml(text: string): TomlDoc {
  const c = new Cursor(text.replace(/^\uFEFF/, ''));
  const lines = text.split('\n');
  const doc: TomlDoc = { entries: [], tables: [], errors: [] };
  let table: string[] = [];
  while (!c.done) {
    c.skipBlank();
    if (c.done) break;
    const line = c.line;
    const start = c.i;
    try {
      if (c.peek() === '[') {
        const arrayTable = c.peek(1) === '[';
        c.i += arrayTable ? 2 : 1;
        const name = key(c);
        if (c.next() !== ']' || (arrayTable && c.next() !== ']')) throw new TomlError('expected ] after table name');
        table = name;
        doc.tables.push({ path: table, line });
      } else {
        const k = key(c);
        if (c.next() !== '=') throw new TomlError(`expected = after key ${k.join('.')}`);
        const v = value(c);
        doc.entries.push({ path: [...table, ...k], value: v, line, text: (lines[line - 1] ?? '').replace(/\r$/, '').trim() });
      }
      c.skipSpaces();
      if (c.peek() === '#') c.skipLine();
      c.skipSpaces();
      if (c.peek() === '\r') c.next();
      if (!c.done && c.peek() !== '\n') throw new TomlError(`unexpected text after the value: ${c.s.slice(c.i, c.i + 30)}`);
    } catch (e) {
      if (!(e instanceof TomlError)) throw e;
      doc.errors.push({ line, message: e.message });
      // resume on the line after the one the statement started on
      const nl = c.s.indexOf('\n', start);
      c.i = nl < 0 ? c.s.length : nl;
      c.line = line;
    }
  }
  if (doc.errors.length === 0) strictCheck(text, doc);
  return doc;
}

/**
 * The TOML rules this reader does not enforce (a table or a key defined twice, as in a duplicated
 * `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]`), from toml-eslint-parser.
 */
function strictCheck(text: string, doc: TomlDoc): void {
  try {
    parseTOML(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const line = (e as { lineNumber?: number }).lineNumber;
    if (typeof line !== 'number') return;
    const header = doc.tables.find((t) => t.line === line);
    const first = header && doc.tables.find((t) => t !== header && t.path.join('.') === header.path.join('.'));
    const message = first
      ? `table [${header.path.map(tomlKey).join('.')}] is defined twice (first on line ${first.line}); containerd and CRI-O refuse the file`
      : `${(e as Error).message} (containerd and CRI-O refuse the file)`;
    doc.errors.push({ line, message });
  }
}

/** A key as written in TOML: bare when it can be, else quoted. */
function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

/** The last entry whose path equals `path` (later definitions win, as with drop-ins). */
export function tomlGet(doc: TomlDoc, path: string[]): TomlEntry | undefined {
  for (let i = doc.entries.length - 1; i >= 0; i--) {
    const e = doc.entries[i]!;
    if (e.path.length === path.length && e.path.every((p, j) => p === path[j])) return e;
  }
  return undefined;
}

/** Entries matching a predicate on their path. */
export function tomlFind(doc: TomlDoc, pred: (path: string[]) => boolean): TomlEntry[] {
  return doc.entries.filter((e) => pred(e.path));
}
