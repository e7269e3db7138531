// Reads journal sources as a stream of physical lines (text formats) or entries (export format),
// never holding the whole input: files, stdin, or `journalctl` run on the node.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
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

/** Physical lines of a text stream, 1-based, CR kept (the parser strips it). */
export async function* readLines(stream: Readable): AsyncGenerator<[string, number]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  for await (const chunk of stream) {
    const s = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    let start = 0;
    let nl: number;
    while ((nl = s.indexOf('\n', start)) !== -1) {
      yield [s.slice(start, nl), ++lineNo];
      start = nl + 1;
    }
    rest = s.slice(start);
    // A single huge line must not grow without bound: keep its head, drop the middle.
    if (rest.length > 4 * 1024 * 1024) rest = rest.slice(0, 1024 * 1024);
  }
  rest += decoder.end();
  if (rest.length > 0) yield [rest, ++lineNo];
}

/**
 * Journal export format (`journalctl -o export`, systemd's Journal Export Format): entries separated by a
 * blank line; `KEY=value` lines, or `KEY\n<u64le length><bytes>\n` for values holding newlines or binary.
 */
export async function* readExportEntries(stream: Readable): AsyncGenerator<[Record<string, string | string[]>, number]> {
  let buf = Buffer.alloc(0);
  let lineNo = 1; // physical line of the current position
  let entry: Record<string, string | string[]> = {};
  let entryLine = 1;
  let has = false;
  const put = (k: string, v: string) => {
    const old = entry[k];
    entry[k] = old === undefined ? v : Array.isArray(old) ? [...old, v] : [old, v];
    has = true;
  };
  let done = false;
  const it = stream[Symbol.asyncIterator]();
  while (!done || buf.length > 0) {
    // make sure we have at least one full line (or a binary value) buffered
    let nl = buf.indexOf(10);
    if (nl < 0 && !done) {
      const r = await it.next();
      if (r.done) done = true;
      else buf = Buffer.concat([buf, typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Buffer)]);
      continue;
    }
    if (nl < 0) nl = buf.length;
    const lineBuf = buf.subarray(0, nl);
    if (lineBuf.length === 0) {
      buf = buf.subarray(nl + 1);
      lineNo++;
      if (has) yield [entry, entryLine];
      entry = {};
      has = false;
      entryLine = lineNo;
      continue;
    }
    const eq = lineBuf.indexOf(61 /* = */);
    if (eq >= 0) {
      if (!has) entryLine = lineNo;
      put(lineBuf.subarray(0, eq).toString('latin1'), lineBuf.subarray(eq + 1).toString('utf8'));
      buf = buf.subarray(nl + 1);
      lineNo++;
      continue;
    }
    // binary field: KEY\n then 8-byte little-endian length, data, \n
    const key = lineBuf.toString('latin1');
    while (buf.length < nl + 1 + 8 && !done) {
      const r = await it.next();
      if (r.done) done = true;
      else buf = Buffer.concat([buf, r.value as Buffer]);
    }
    if (buf.length < nl + 1 + 8) {
      buf = Buffer.alloc(0);
      break; // truncated
    }
    const len = Number(buf.readBigUInt64LE(nl + 1));
    const start = nl + 1 + 8;
    if (len > 64 * 1024 * 1024) throw new Error(`export entry at line ${lineNo}: field ${key} claims ${len} bytes`);
    while (buf.length < start + len + 1 && !done) {
      const r = await it.next();
      if (r.done) done = true;
      else buf = Buffer.concat([buf, r.value as Buffer]);
    }
    const data = buf.subarray(start, Math.min(buf.length, start + len));
    if (!has) entryLine = lineNo;
    put(key, data.toString('utf8'));
    lineNo += 1 + countNewlines(data) + 1;
    buf = buf.subarray(Math.min(buf.length, start + len + 1));
  }
  if (has) yield [entry, entryLine];
}

function countNewlines(b: Buffer): number {
  let n = 0;
  let i = -1;
  while ((i = b.indexOf(10, i + 1)) !== -1) n++;
  return n;
}
