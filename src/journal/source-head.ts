// How a journal source starts: its first bytes tell a regular text file (read by the byte fast path) from
// an entry format (export, json-pretty, verbose: read entry by entry) and from binary data.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ENTRY_HEAD_BYTES } from './entries.js';

export const BINARY_NOTE = 'starts with binary data: not a text journal; lines that look like log lines were still read';

/**
 * Peek at the first bytes (the first line, two for json-pretty, or ENTRY_HEAD_BYTES bytes, however small the
 * stream's chunks) to tell the entry formats (export, json-pretty, verbose) from line formats.
 */
export async function peek(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  // the first line tells them, save json-pretty's `{`, which needs the second (and a pipe in follow mode may
  // hold back the rest for long)
  const enough = (h: Buffer): boolean => {
    const nl = h.indexOf(10);
    if (nl < 0) return false;
    const first = h.subarray(0, nl).toString('latin1').replace(/\r$/, '');
    return first !== '{' || h.indexOf(10, nl + 1) >= 0;
  };
  let head: Buffer = Buffer.alloc(0);
  while (size < ENTRY_HEAD_BYTES) {
    const r = await it.next();
    if (r.done) break;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Buffer);
    parts.push(b);
    size += b.length;
    head = parts.length === 1 ? b : Buffer.concat(parts);
    if (enough(head)) break;
  }
  async function* rest() {
    if (head.length) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

/** The first 4 KiB of `path` when it is a regular file that opens; undefined otherwise (the stream path says why). */
export function regularFileHead(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) return undefined;
    const head = Buffer.alloc(4096);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 4096);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0 || (c < 9 && c !== 0) || (c > 13 && c < 32 && c !== 27)) bad++;
  }
  return bad / n > 0.1;
}
