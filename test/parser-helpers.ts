// Helpers for the parser tests: run the record parser over text, export streams, or whole files
// through the journal scanner (no rules) to see records, runs and facts.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { compileMatcher } from '../src/engine/matcher.js';
import { JournalScanner } from '../src/engine/scan-journal.js';
import { fileInput, readExportEntries } from '../src/journal/read.js';
import { journalEntryToRecord, RecordParser } from '../src/journal/records.js';
import { RunTracker } from '../src/journal/runs.js';
import type { LogRecord } from '../src/types.js';
import { ROOT, scratchDir } from './helpers.js';

export const NOW = new Date('2025-11-20T04:00:00Z');

export function fixturePath(dir: string, file: string): string {
  return join(ROOT, 'fixtures/journal', dir, file);
}

/** Parse text line by line; returns the records (continuations attached) and the detected format. */
export function parseText(text: string, now: Date = NOW, source = 'test.log'): { records: LogRecord[]; format?: string } {
  const p = new RecordParser({ source, now });
  const records: LogRecord[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // as the scanner reads them (engine/scan-journal.ts): a record completed from earlier lines comes first
  lines.forEach((l, i) => {
    const r = p.parseLine(l, i + 1);
    const flushed = p.takeFlushed();
    if (flushed) records.push(flushed.rec);
    if (r) records.push(r);
  });
  p.finish();
  const last = p.takeFlushed();
  if (last) records.push(last.rec);
  return { records, format: p.format };
}

export function parseFile(path: string, now: Date = NOW) {
  return parseText(readFileSync(path, 'utf8'), now, path);
}

/** Parse a journal export stream (binary-safe). */
export async function parseExport(data: Buffer, now: Date = NOW): Promise<LogRecord[]> {
  const p = new RecordParser({ source: 'x.export', now });
  const out: LogRecord[] = [];
  for await (const [entry, line] of readExportEntries(Readable.from([data]))) {
    const r = p.accept(journalEntryToRecord(entry, 'x.export', line));
    if (r) out.push(r);
  }
  return out;
}

/**
 * Feed files through parser + run tracker the way the scanner does (export detected by its first field,
 * boot markers and boot-id changes close runs). Independent of the scanner's I/O so that the parser and
 * run tests do not depend on it; `scanWithScanner` runs the real JournalScanner.
 */
export async function scanFiles(files: string[], now: Date = NOW) {
  const tracker = new RunTracker();
  const sources: { name: string; format?: string; records: number }[] = [];
  const all: { rec: LogRecord; run: number }[] = [];
  for (const f of files) {
    const data = readFileSync(f);
    const p = new RecordParser({ source: f, now });
    let n = 0;
    const feed = (r: LogRecord | undefined) => {
      if (p.takeBoot()) tracker.boot();
      if (!r) return;
      n++;
      all.push({ rec: r, run: tracker.observe(r) });
    };
    if (/^(?:__CURSOR|__REALTIME_TIMESTAMP|_BOOT_ID)=/.test(data.subarray(0, 64).toString('latin1'))) {
      for await (const [entry, line] of readExportEntries(Readable.from([data]))) feed(p.accept(journalEntryToRecord(entry, f, line)));
      sources.push({ name: f, format: 'export', records: n });
      continue;
    }
    const lines = data.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((l, i) => {
      if (l.startsWith('-- Boot') || l.startsWith('-- Reboot')) tracker.boot();
      feed(p.parseLine(l, i + 1));
    });
    sources.push({ name: f, format: p.format ?? 'cat', records: n });
  }
  return { evidence: { runs: tracker.runs, facts: tracker.facts, latestRun: tracker.latestRun(), sources }, records: all };
}

/** The real JournalScanner (no rules) over files. */
export async function scanWithScanner(files: string[], now: Date = NOW) {
  const s = new JournalScanner(compileMatcher([]), { now });
  for (const f of files) await s.scan(fileInput(f));
  return s.result();
}

/** Write text to a scratch file and scan it (no rules). */
export async function scanTexts(texts: (string | Buffer)[], now: Date = NOW) {
  const dir = scratchDir();
  const files = texts.map((t, i) => {
    const f = join(dir, `j${i}.log`);
    writeFileSync(f, t);
    return f;
  });
  return { files, ...(await scanFiles(files, now)) };
}

/** Kubelet records only, as (message, level) pairs: a compact view to compare formats. */
export function kubeletView(records: LogRecord[]) {
  return records.filter((r) => r.fromKubelet).map((r) => ({ level: r.level, caller: r.caller, message: r.message }));
}

export function byMessage(records: LogRecord[], needle: string): LogRecord {
  const r = records.find((x) => x.message.includes(needle));
  if (!r) throw new Error(`no record with ${JSON.stringify(needle)} in ${records.map((x) => x.message).join('\n')}`);
  return r;
}
