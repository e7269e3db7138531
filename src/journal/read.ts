// Reads journal sources as a stream of physical lines (text formats) or entries (export format),
// never holding the whole input: files, stdin, or `journalctl` run on the node.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface JournalInput {
  /** Name shown in citations: the path as given, `stdin`, or `journalctl`. */
  name: string;
  open(): Readable;
  /** A human note on how the input was obtained (shown in the report). */
  note?: string;
  /** What the producing tool said, once read (shown among the source's problems); `empty`: nothing was read. */
  diagnostics?: (empty: boolean) => string | undefined;
}

export function fileInput(path: string): JournalInput {
  if (path === '-') return { name: 'stdin', open: () => process.stdin };
  // 512 KiB chunks: as fast as 1 MiB, and fewer dead chunk buffers between collections (peak RSS)
  return { name: path, open: () => createReadStream(path, { highWaterMark: 1 << 19 }) };
}

export interface JournalctlOptions {
  since?: string;
  boot?: string | boolean;
  follow?: boolean;
  unit?: string;
  file?: string;
}

/** `journalctl -u kubelet -o json --all --no-pager` (`--all`: MESSAGE over 4096 bytes is null otherwise). */
export function journalctlArgs(o: JournalctlOptions): string[] {
  const args = ['-u', o.unit ?? 'kubelet', '-o', 'json', '--all', '--no-pager'];
  if (o.file) args.push('--file', o.file);
  if (o.since) args.push('--since', o.since);
  if (o.boot !== undefined && o.boot !== false) args.push(o.boot === true ? '--boot' : `--boot=${o.boot}`);
  if (o.follow) args.push('--follow', '--lines=all');
  return args;
}

export function journalctlInput(o: JournalctlOptions): JournalInput {
  const args = journalctlArgs(o);
  let stderr = '';
  return {
    name: 'journalctl',
    note: `ran: journalctl ${args.join(' ')}`,
    // e.g. "No journal files were found." with exit status 0: worth saying beside an empty result
    diagnostics: (empty) =>
      stderr.trim()
        ? `journalctl said: ${stderr.trim().split('\n').slice(0, 3).join(' / ')}`
        : empty
          ? `journalctl returned no entries for unit ${o.unit ?? 'kubelet'}${o.since ? ` since ${o.since}` : ''} (is this the node, and is the unit named so? or pass --journal FILE)`
          : undefined,
    open: () => {
      const child = spawn('journalctl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4096) stderr += d.toString();
      });
      const out = child.stdout;
      child.on('error', (err) => out.destroy(new Error(`cannot run journalctl: ${err.message}`)));
      child.on('close', (code) => {
        if (code && code !== 0) out.emit('error', new Error(`journalctl exited ${code}: ${stderr.trim()}`));
      });
      return out;
    },
  };
}

/** A line longer than this keeps only its first LONG_LINE_KEPT bytes (a single huge line must not grow without bound). */
const LONG_LINE = 4 * 1024 * 1024;
const LONG_LINE_KEPT = 1024 * 1024;

/**
 * Physical lines of a text stream, 1-based, CR kept (the parser strips it). Each line is decoded on its own
 * from the bytes: a line cut from a decoded chunk would keep the whole chunk alive as long as anything holds
 * a piece of it (a cited sample, a run's last words), and the entry formats read every line this way.
 */
export async function* readLines(stream: Readable): AsyncGenerator<[string, number]> {
  let parts: Buffer[] = []; // the unfinished line's bytes so far
  let partLen = 0;
  let cut = false; // the unfinished line is over LONG_LINE: its further bytes are dropped
  let lineNo = 0;
  const pending = (tail?: Buffer): string => {
    if (tail && !cut) parts.push(tail);
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    partLen = 0;
    const text = all.toString('utf8', 0, cut ? LONG_LINE_KEPT : all.length);
    cut = false;
    return text;
  };
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = b.indexOf(10, start)) !== -1) {
      yield [partLen || cut ? pending(b.subarray(start, nl)) : b.toString('utf8', start, nl), ++lineNo];
      start = nl + 1;
    }
    if (start < b.length && !cut) {
      // a copy: the stream may reuse its chunk
      parts.push(Buffer.from(b.subarray(start)));
      partLen += b.length - start;
      if (partLen > LONG_LINE) {
        parts = [Buffer.concat(parts).subarray(0, LONG_LINE_KEPT)];
        cut = true;
      }
    }
  }
  if (partLen || cut) yield [pending(), ++lineNo];
}

/** An export field's value is kept up to this many bytes (as a text line's first 64 KiB are; binary values hold stack dumps). */
const EXPORT_VALUE_KEPT = 1024 * 1024;
/** An export entry keeps this many bytes of fields, and this many values of one repeated field. */
const EXPORT_ENTRY_KEPT = 4 * 1024 * 1024;
const EXPORT_REPEATS_KEPT = 64;
const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Journal export format (`journalctl -o export`, systemd's Journal Export Format): entries separated by a
 * blank line; `KEY=value` lines, or `KEY\n<u64le length><bytes>\n` for values holding newlines or binary.
 * Yields each entry, the line it starts on, and what was left out of it (a value, an entry or a repeated
 * field over its cap: said, never held). Every byte is looked at once: a value without a newline, or a field
 * repeated 200,000 times, reads in linear time.
 */
export async function* readExportEntries(stream: Readable): AsyncGenerator<[Record<string, string | string[]>, number, string[]?]> {
  const it = stream[Symbol.asyncIterator]();
  let buf: Buffer = EMPTY;
  let pos = 0;
  const more = async (): Promise<Buffer | undefined> => {
    const r = await it.next();
    return r.done ? undefined : typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Buffer);
  };
  /** The next line's bytes (the first EXPORT_VALUE_KEPT of them) and how many more it had; undefined at the end. */
  const readLine = async (): Promise<{ bytes: Buffer; dropped: number } | undefined> => {
    const nl = buf.indexOf(10, pos);
    if (nl >= 0) {
      const bytes = buf.subarray(pos, nl);
      pos = nl + 1;
      return bytes.length > EXPORT_VALUE_KEPT ? { bytes: bytes.subarray(0, EXPORT_VALUE_KEPT), dropped: bytes.length - EXPORT_VALUE_KEPT } : { bytes, dropped: 0 };
    }
    const parts = [buf.subarray(pos)];
    let kept = parts[0]!.length;
    let dropped = 0;
    buf = EMPTY;
    pos = 0;
    for (;;) {
      const c = await more();
      if (!c) {
        if (kept === 0 && dropped === 0) return undefined;
        break;
      }
      const n = c.indexOf(10);
      const piece = n < 0 ? c : c.subarray(0, n);
      const room = Math.max(0, EXPORT_VALUE_KEPT - kept);
      if (room > 0) parts.push(piece.subarray(0, room));
      kept += Math.min(room, piece.length);
      dropped += piece.length - Math.min(room, piece.length);
      if (n >= 0) {
        buf = c;
        pos = n + 1;
        break;
      }
    }
    const all = Buffer.concat(parts);
    return { bytes: all.subarray(0, EXPORT_VALUE_KEPT), dropped: dropped + Math.max(0, all.length - EXPORT_VALUE_KEPT) };
  };
  /** The next `n` bytes, of which the first `keep` are returned (fewer at the end of the input). */
  const readBytes = async (n: number, keep: number): Promise<{ bytes: Buffer; got: number }> => {
    if (buf.length - pos >= n) {
      const bytes = buf.subarray(pos, pos + Math.min(n, keep));
      pos += n;
      return { bytes, got: n };
    }
    const parts = [buf.subarray(pos, pos + Math.min(keep, buf.length - pos))];
    let got = buf.length - pos;
    buf = EMPTY;
    pos = 0;
    while (got < n) {
      const c = await more();
      if (!c) break;
      const take = Math.min(c.length, n - got);
      if (got < keep) parts.push(c.subarray(0, Math.min(take, keep - got)));
      got += take;
      if (take < c.length) {
        buf = c;
        pos = take;
      }
    }
    return { bytes: Buffer.concat(parts), got };
  };

  let lineNo = 1; // physical line of the current position
  let entry: Record<string, string | string[]> = {};
  let entryLine = 1;
  let has = false;
  let size = 0;
  let notes: string[] = [];
  let overflow = 0;
  const repeats = new Map<string, number>();
  const put = (k: string, v: Buffer, dropped: number, at: number) => {
    if (!has) entryLine = at;
    has = true;
    if (dropped) notes.push(`export entry at line ${entryLine}: field ${k} at line ${at} is ${v.length + dropped} bytes long; only its first ${EXPORT_VALUE_KEPT / 1024} KiB were read`);
    const old = entry[k];
    if (old !== undefined) {
      const n = (repeats.get(k) ?? 1) + 1;
      repeats.set(k, n);
      if (n > EXPORT_REPEATS_KEPT) return;
    }
    if (size + v.length > EXPORT_ENTRY_KEPT) {
      overflow++;
      return;
    }
    size += k.length + v.length;
    const text = v.toString('utf8');
    if (old === undefined) entry[k] = text;
    else if (Array.isArray(old)) old.push(text);
    else entry[k] = [old, text];
  };
  const finish = (): [Record<string, string | string[]>, number, string[]?] => {
    for (const [k, n] of repeats) if (n > EXPORT_REPEATS_KEPT) notes.push(`export entry at line ${entryLine}: field ${k} is repeated ${n} times; only the first ${EXPORT_REPEATS_KEPT} were read`);
    if (overflow) notes.push(`export entry at line ${entryLine} is over ${EXPORT_ENTRY_KEPT / 1024 / 1024} MiB; ${overflow} of its fields were left out`);
    const out: [Record<string, string | string[]>, number, string[]?] = notes.length ? [entry, entryLine, notes] : [entry, entryLine];
    entry = {};
    has = false;
    size = 0;
    notes = [];
    overflow = 0;
    repeats.clear();
    return out;
  };

  for (;;) {
    const l = await readLine();
    if (!l) break;
    const at = lineNo++;
    const lineBuf = l.bytes;
    if (lineBuf.length === 0 && l.dropped === 0) {
      if (has) yield finish();
      entryLine = lineNo;
      continue;
    }
    const eq = lineBuf.indexOf(61 /* = */);
    if (eq >= 0) {
      put(lineBuf.subarray(0, eq).toString('latin1'), lineBuf.subarray(eq + 1), l.dropped, at);
      continue;
    }
    // binary field: KEY\n then 8-byte little-endian length, data, \n
    const key = lineBuf.subarray(0, 256).toString('latin1');
    const head = await readBytes(8, 8);
    if (head.got < 8) break; // truncated
    const len = Number(head.bytes.readBigUInt64LE(0));
    if (len > 64 * 1024 * 1024) throw new Error(`export entry at line ${at}: field ${key} claims ${len} bytes`);
    const data = await readBytes(len + 1, Math.min(len, EXPORT_VALUE_KEPT));
    const value = data.bytes.subarray(0, Math.min(len, EXPORT_VALUE_KEPT));
    put(key, value, Math.max(0, Math.min(len, data.got) - value.length), at);
    // the value's own lines (those of a part left unread are not counted) and the newline after it
    lineNo += countNewlines(value) + (data.got > len ? 1 : 0);
    if (data.got <= len) break; // the input ended inside the value
  }
  if (has) yield finish();
}

function countNewlines(b: Buffer): number {
  let n = 0;
  let i = -1;
  while ((i = b.indexOf(10, i + 1)) !== -1) n++;
  return n;
}
