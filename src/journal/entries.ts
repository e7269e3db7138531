// journalctl's entry formats, read entry by entry rather than line by line: `-o export` (binary-safe),
// `-o json-pretty` (one JSON object over several lines) and `-o verbose` (a header line with the time and
// cursor, then indented FIELD=value lines). Each entry becomes a field map for journalEntryToRecord, as a
// `-o json` line does.

import type { Readable } from 'node:stream';
import { readExportEntries, readLines } from './read.js';
// kubelet-doctor's own fixture annotations may sit inside an entry (above its MESSAGE line): skipped as the line parser skips them
import { ANNOTATION } from './records.js';

export type EntryFormat = 'export' | 'json-pretty' | 'verbose';

export interface Entry {
  fields: Record<string, unknown>;
  /** the line to cite: the MESSAGE line when the format prints one on its own, else the entry's first */
  line: number;
  /** the entry's last line */
  endLine: number;
}

/** A stretch of input that is no entry (said once per stretch), or an entry that cannot be read. */
export interface EntryError {
  error: string;
  line: number;
}

const EXPORT_START = /^__CURSOR=|^__REALTIME_TIMESTAMP=|^_BOOT_ID=/;
const PRETTY_START = /^\{\r?\n[ \t]+"[^"\n]+" : /;
/** `Thu 2025-11-20 03:00:00.126549 UTC [s=…;i=…;b=…;m=…;t=…;x=…]` (the weekday and zone as the locale prints them) */
const VERBOSE_HEADER = /^\S+ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})? \S+ \[(s=[^\]\s]*)\]\r?$/;
const VERBOSE_FIELD = /^ {4}([A-Za-z0-9_]+)=(.*)$/;
/** journalctl -o verbose prints a value it cannot show as text like this (without --all) */
const VERBOSE_BLOB = /^\[[\d.]+[KMGT]?B blob data\]$/;
/** the most lines one entry may take before it is given up on (a JSON object never closed) */
const MAX_ENTRY_LINES = 4096;
/** the most bytes of text one entry may hold (a line may be up to 1 MiB: 4096 of them would be 4 GiB) */
const MAX_ENTRY_CHARS = 4 * 1024 * 1024;

/** How many of a journal's first bytes entryFormat needs at most (two lines of it are enough). */
export const ENTRY_HEAD_BYTES = 512;

/** The entry format of a journal that starts with `head`; undefined for line formats. */
export function entryFormat(start: Uint8Array | string): EntryFormat | undefined {
  const head = typeof start === 'string' ? start : Buffer.from(start.buffer, start.byteOffset, Math.min(start.length, ENTRY_HEAD_BYTES)).toString('latin1');
  if (EXPORT_START.test(head)) return 'export';
  if (PRETTY_START.test(head)) return 'json-pretty';
  const nl = head.indexOf('\n');
  if (VERBOSE_HEADER.test(nl < 0 ? head : head.slice(0, nl))) return 'verbose';
  return undefined;
}

export function readEntries(format: EntryFormat, stream: Readable): AsyncGenerator<Entry | EntryError> {
  return format === 'export' ? exportEntries(stream) : format === 'json-pretty' ? prettyJsonEntries(stream) : verboseEntries(stream);
}

async function* exportEntries(stream: Readable): AsyncGenerator<Entry | EntryError> {
  for await (const [fields, line, notes] of readExportEntries(stream)) {
    for (const error of notes ?? []) yield { error, line };
    yield { fields, line, endLine: line };
  }
}

/** Lines that are neither entries nor noise, reported once per stretch. */
class Stray {
  private from = 0;
  note(n: number): void {
    this.from ||= n;
  }
  take(n: number): EntryError | undefined {
    const from = this.from;
    this.from = 0;
    return from ? { error: `lines ${from}–${n} are not journal entries (skipped)`, line: from } : undefined;
  }
}

function noise(line: string): boolean {
  return line.trim() === '' || ANNOTATION.test(line) || (line.startsWith('-- ') && line.endsWith(' --'));
}

async function* prettyJsonEntries(stream: Readable): AsyncGenerator<Entry | EntryError> {
  let lines: string[] = [];
  let chars = 0;
  let start = 0;
  let msgLine = 0;
  let last = 0;
  const stray = new Stray();
  for await (const [raw, n] of readLines(stream)) {
    last = n;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lines.length === 0) {
      if (line === '{') {
        const s = stray.take(n - 1);
        if (s) yield s;
        lines = [line];
        chars = 1;
        start = n;
        msgLine = 0;
      } else if (!noise(line)) stray.note(n);
      continue;
    }
    if (ANNOTATION.test(line)) continue;
    lines.push(line);
    chars += line.length + 1;
    if (msgLine === 0 && line.trimStart().startsWith('"MESSAGE" : ')) msgLine = n;
    if (line === '}') {
      try {
        const fields = JSON.parse(lines.join('\n')) as unknown;
        if (fields && typeof fields === 'object' && !Array.isArray(fields)) yield { fields: fields as Record<string, unknown>, line: msgLine || start, endLine: n };
        else yield { error: `the entry at line ${start} is not a JSON object`, line: start };
      } catch (e) {
        yield { error: `the entry at line ${start} is not valid JSON: ${(e as Error).message}`, line: start };
      }
      lines = [];
    } else if (lines.length > MAX_ENTRY_LINES || chars > MAX_ENTRY_CHARS) {
      const over = lines.length > MAX_ENTRY_LINES ? `${MAX_ENTRY_LINES} lines` : `${MAX_ENTRY_CHARS / 1024 / 1024} MiB`;
      yield { error: `the entry at line ${start} never closes (over ${over}); read on from line ${n + 1}`, line: start };
      lines = [];
    }
  }
  const s = stray.take(last);
  if (s) yield s;
  if (lines.length) yield { error: `the entry at line ${start} is cut off (no closing brace)`, line: start };
}

async function* verboseEntries(stream: Readable): AsyncGenerator<Entry | EntryError> {
  let cur: Entry | undefined;
  let key: string | undefined;
  let last = 0;
  // an entry's text so far, and the lines left out of it past MAX_ENTRY_CHARS (a value that never ends)
  let chars = 0;
  let cutFrom = 0;
  let start = 0;
  const stray = new Stray();
  const cutNote = (): EntryError => ({ error: `the entry at line ${start} is over ${MAX_ENTRY_CHARS / 1024 / 1024} MiB; its lines ${cutFrom}–${cur!.endLine} were skipped`, line: cutFrom });
  for await (const [raw, n] of readLines(stream)) {
    last = n;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (ANNOTATION.test(line)) continue;
    const h = VERBOSE_HEADER.exec(line);
    if (h) {
      if (cur && cutFrom) yield cutNote();
      if (cur) yield cur;
      chars = 0;
      cutFrom = 0;
      start = n;
      const s = stray.take(n - 1);
      if (s) yield s;
      // the cursor's t= is the entry's realtime timestamp (µs, hex): the header's own time has no year-safe zone
      const t = /(?:^|;)t=([0-9a-f]{1,14})(?:;|$)/.exec(h[1]!)?.[1];
      const b = /(?:^|;)b=([0-9a-f]{32})(?:;|$)/.exec(h[1]!)?.[1];
      cur = { fields: { __CURSOR: h[1], ...(t ? { __REALTIME_TIMESTAMP: String(parseInt(t, 16)) } : {}), ...(b ? { _BOOT_ID: b } : {}) }, line: n, endLine: n };
      key = undefined;
      continue;
    }
    if (!cur) {
      if (!noise(line)) stray.note(n);
      continue;
    }
    chars += line.length + 1;
    if (chars > MAX_ENTRY_CHARS) {
      cutFrom ||= n;
      cur.endLine = n;
      continue;
    }
    const f = VERBOSE_FIELD.exec(line);
    if (f) {
      key = f[1]!;
      const value = f[2]!;
      cur.fields[key] = VERBOSE_BLOB.test(value) ? null : value;
      if (key === 'MESSAGE') cur.line = n;
      cur.endLine = n;
      continue;
    }
    // a multi-line value continues under the column after `KEY=`
    if (key !== undefined && (line.startsWith('    ') || line === '')) {
      const indent = 4 + key.length + 1;
      const prev = cur.fields[key];
      if (typeof prev === 'string') cur.fields[key] = `${prev}\n${line.startsWith(' '.repeat(indent)) ? line.slice(indent) : line.trimStart()}`;
      cur.endLine = n;
      continue;
    }
    if (!noise(line)) stray.note(n);
  }
  if (cur && cutFrom) yield cutNote();
  if (cur) yield cur;
  const s = stray.take(last);
  if (s) yield s;
}
