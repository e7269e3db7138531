// A small tar writer and a streaming tar reader (POSIX ustar, with pax `path`/`linkpath` records for long
// names), enough for a node bundle: regular files, directories and symbolic links. The reader is for hostile
// input: it checks every header's checksum and octal fields and hands entries over one by one; the limits
// (sizes, counts) and where entries may land are the unpacker's (bundle/unpack.ts).

import type { Writable } from 'node:stream';

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  path: string;
  type: TarEntryType;
  /** Symbolic links: the target as stored. */
  linkname?: string;
  mode: number;
  size: number;
  mtime: number;
}

const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType, string> = { file: '0', dir: '5', symlink: '2' };

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, type: string, size: number, mode: number, mtime: number, linkname = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid: the bundle keeps no owners
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtime)), 12), 136, 'ascii');
  h.fill(' ', 148, 156);
  h.write(type, 156, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (`${len}${body}`.length !== len) len = Buffer.byteLength(`${len}${body}`);
  return `${len}${body}`;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Writes tar entries to a stream (e.g. a gzip stream); `end()` writes the two closing zero blocks. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private write(b: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(b, (e) => (e ? reject(e) : resolve()));
    });
  }

  async add(e: { path: string; type: TarEntryType; data?: Buffer; linkname?: string; mode?: number; mtime?: number }): Promise<void> {
    const data = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const name = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
    const mode = e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644);
    const mtime = e.mtime ?? Date.now() / 1000;
    const long = Buffer.byteLength(name) > 99 || Buffer.byteLength(e.linkname ?? '') > 99;
    if (long) {
      const pax = Buffer.from(paxRecord('path', name) + (e.linkname !== undefined ? paxRecord('linkpath', e.linkname) : ''));
      await this.write(header('PaxHeader', 'x', pax.length, 0o644, mtime));
      await this.write(Buffer.concat([pax, padding(pax.length)]));
    }
    const short = (s: string) => Buffer.from(s).subarray(0, 99).toString('utf8');
    await this.write(header(short(name), TYPEFLAG[e.type], data.length, mode, mtime, short(e.linkname ?? '')));
    if (data.length) await this.write(Buffer.concat([data, padding(data.length)]));
  }

  /** A regular file streamed from disk (a journal): `size` bytes exactly, as stat said before. */
  async addFileFrom(path: string, size: number, chunks: AsyncIterable<Buffer>, mtime = Date.now() / 1000): Promise<void> {
    const long = Buffer.byteLength(path) > 99;
    if (long) {
      const pax = Buffer.from(paxRecord('path', path));
      await this.write(header('PaxHeader', 'x', pax.length, 0o644, mtime));
      await this.write(Buffer.concat([pax, padding(pax.length)]));
    }
    await this.write(header(Buffer.from(path).subarray(0, 99).toString('utf8'), '0', size, 0o644, mtime));
    let n = 0;
    for await (const c of chunks) {
      const part = c.subarray(0, Math.max(0, size - n));
      if (part.length) await this.write(part);
      n += part.length;
    }
    if (n < size) throw new Error(`${path} shrank while it was being bundled (${n} of ${size} bytes)`);
    await this.write(padding(size));
  }

  async end(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
  }
}

export class TarFormatError extends Error {}

function field(h: Buffer, start: number, len: number): string {
  const s = h.subarray(start, start + len);
  const nul = s.indexOf(0);
  return (nul >= 0 ? s.subarray(0, nul) : s).toString('utf8');
}

function num(h: Buffer, start: number, len: number, what: string, offset: number): number {
  const s = field(h, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`tar header at byte ${offset}: ${what} is not an octal number`);
  return parseInt(s, 8);
}

function parsePax(text: string, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(' ', i);
    const len = parseInt(text.slice(i, sp), 10);
    if (sp < 0 || !Number.isFinite(len) || len <= 0 || i + len > text.length) throw new TarFormatError(`pax header at byte ${offset}: malformed record`);
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * Read tar entries from a byte stream. `onEntry` gets each entry with its content (files; bounded by the
 * caller through `maxEntryBytes`); other entry types (devices, FIFOs, hard links) are reported with
 * type `other` so the caller can list them as refused.
 */
export async function readTar(
  chunks: AsyncIterable<Buffer>,
  onEntry: (e: TarEntry | { path: string; type: 'other'; typeflag: string }, data: Buffer) => Promise<void> | void,
  limits: { maxEntryBytes: number },
): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  let offset = 0;
  let pax: Record<string, string> = {};
  let zeros = 0;
  const take = async function* () {
    for await (const c of chunks) yield c;
  };
  const it = take();
  let done = false;
  const need = async (n: number): Promise<boolean> => {
    while (buf.length < n && !done) {
      const r = await it.next();
      if (r.done) done = true;
      else buf = buf.length ? Buffer.concat([buf, r.value]) : r.value;
    }
    return buf.length >= n;
  };
  const consume = (n: number): Buffer => {
    const b = buf.subarray(0, n);
    buf = buf.subarray(n);
    offset += n;
    return b;
  };
  for (;;) {
    if (!(await need(BLOCK))) {
      if (buf.length === 0 && zeros > 0) return; // some writers leave out the second zero block
      if (buf.length === 0) throw new TarFormatError('the archive ends without its closing blocks (truncated?)');
      throw new TarFormatError(`the archive ends inside a header at byte ${offset}`);
    }
    const at = offset;
    const h = Buffer.from(consume(BLOCK));
    if (h.every((b) => b === 0)) {
      if (++zeros === 2) return;
      continue;
    }
    zeros = 0;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (num(h, 148, 8, 'checksum', at) !== sum) throw new TarFormatError(`tar header at byte ${at}: checksum mismatch (not a tar archive, or corrupt)`);
    const typeflag = String.fromCharCode(h[156]!) || '0';
    const size = num(h, 124, 12, 'size', at);
    if (size > limits.maxEntryBytes) throw new TarFormatError(`tar entry at byte ${at} is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (!(await need(padded))) throw new TarFormatError(`the archive ends inside the entry at byte ${at}`);
    const data = Buffer.from(consume(padded).subarray(0, size));
    if (typeflag === 'x') {
      pax = parsePax(data.toString('utf8'), at);
      continue;
    }
    if (typeflag === 'g') continue; // global pax defaults: nothing the bundle needs
    const prefix = h.subarray(257, 263).toString('latin1').startsWith('ustar') ? field(h, 345, 155) : '';
    const name = pax.path ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    const linkname = pax.linkpath ?? field(h, 157, 100);
    pax = {};
    const type: TarEntryType | undefined = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : undefined;
    if (!type) {
      await onEntry({ path: name, type: 'other', typeflag }, Buffer.alloc(0));
      continue;
    }
    await onEntry({ path: name, type, linkname: type === 'symlink' ? linkname : undefined, mode: num(h, 100, 8, 'mode', at), size, mtime: num(h, 136, 12, 'mtime', at) }, data);
  }
}
