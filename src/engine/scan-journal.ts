// Streams journal inputs through the parser, the run tracker and the matcher, keeping only
// bounded aggregates: this is the one pass over the (possibly huge) journal.

import { Readable } from 'node:stream';
import type { JournalEvidence } from '../evidence.js';
import type { JournalInput } from '../journal/read.js';
import { readExportEntries, readLines } from '../journal/read.js';
import { journalEntryToRecord, RecordParser } from '../journal/records.js';
import { RunTracker } from '../journal/runs.js';
import type { LogRecord, SourceInfo } from '../types.js';
import { HitCollector, type RuleHits } from './hits.js';
import type { Matcher } from './matcher.js';

export interface JournalScanOptions {
  now: Date;
  /** Samples kept per rule for citation (default 3; `check` raises it to pin annotated lines). */
  citeLimit?: number;
  /** Called for every match as it happens (follow mode). */
  onHit?: (ruleId: string, rec: LogRecord) => void;
  /** Progress callback: lines read so far per source. */
  onProgress?: (source: string, lines: number) => void;
}

export interface JournalScan {
  evidence: JournalEvidence;
  hits: Map<string, RuleHits>;
  lines: number;
  records: number;
  bytes: number;
}

/** Peek at the first bytes to tell the export format (binary-safe path) from text formats. */
async function peek(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : typeof first.value === 'string' ? Buffer.from(first.value) : (first.value as Buffer);
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

function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 4096);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0 || (c < 9 && c !== 0) || (c > 13 && c < 32 && c !== 27)) bad++;
  }
  return bad / n > 0.1;
}

export class JournalScanner {
  readonly tracker = new RunTracker();
  readonly collectors = new Map<string, HitCollector>();
  readonly sources: SourceInfo[] = [];
  lines = 0;
  records = 0;
  bytes = 0;

  constructor(
    private readonly matcher: Matcher,
    private readonly opts: JournalScanOptions,
  ) {
    for (const [ruleId, list] of matcher.byRule) this.collectors.set(ruleId, new HitCollector(list.length, opts.citeLimit ?? 3));
  }

  /** Feed one record (also used by follow mode). */
  feed(rec: LogRecord, raw: string): void {
    this.records++;
    const run = this.tracker.observe(rec);
    this.matcher.match(rec, (p, m, text) => {
      const captures: Record<string, string> = {};
      if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) captures[k] = v;
      const matched = m[0];
      let hl: [number, number] | undefined;
      const at = raw.indexOf(matched);
      if (at >= 0) hl = [at, at + matched.length];
      else {
        const at2 = raw.indexOf(text.slice(m.index, m.index + Math.min(matched.length, 24)));
        if (at2 >= 0) hl = [at2, at2 + Math.min(matched.length, 24)];
      }
      this.collectors.get(p.ruleId)!.add(rec, raw, run, p.index, captures, hl);
      if (p.fatal && (rec.level === 'F' || rec.level === 'E' || rec.level === undefined)) this.tracker.noteFatal(p.ruleId);
      this.opts.onHit?.(p.ruleId, rec);
    });
  }

  async scan(input: JournalInput): Promise<void> {
    const info: SourceInfo = { name: input.name, kind: 'journal', lines: 0, records: 0, bytes: 0, problems: [] };
    if (input.note) info.problems.push(input.note);
    this.sources.push(info);
    const startRecords = this.records;
    let nonUtf8 = 0;
    let firstBad = 0;
    let truncated = 0;
    let longLines = 0;
    let raw: Readable;
    try {
      raw = input.open();
    } catch (e) {
      info.problems.push(`cannot open: ${(e as Error).message}`);
      return;
    }
    raw.on('data', (d: Buffer | string) => {
      info.bytes! += d.length;
    });
    try {
      const { head, stream } = await peek(raw);
      const text = head.subarray(0, 256).toString('latin1');
      if (/^__CURSOR=|^__REALTIME_TIMESTAMP=|^_BOOT_ID=/.test(text)) {
        info.format = 'export';
        const parser = new RecordParser({ source: input.name, now: this.opts.now });
        for await (const [entry, line] of readExportEntries(stream)) {
          const rec = parser.accept(journalEntryToRecord(entry, input.name, line));
          info.lines = line;
          this.feed(rec, rec.message);
        }
      } else {
        if (looksBinary(head)) info.problems.push('starts with binary data: not a text journal; lines that look like log lines were still read');
        const parser = new RecordParser({ source: input.name, now: this.opts.now });
        let n = 0;
        for await (const [line, lineNo] of readLines(stream)) {
          n = lineNo;
          if (line.length > 65536) {
            longLines++;
            if (longLines === 1) info.problems.push(`line ${lineNo} is ${line.length} characters long; only the first 64 KiB of such lines are examined`);
          }
          if (line.includes('\uFFFD') || line.includes('\u0000')) {
            nonUtf8++;
            firstBad ||= lineNo;
          }
          if (line.startsWith('-- Boot') || line.startsWith('-- Reboot')) this.tracker.boot();
          const rec = parser.parseLine(line, lineNo);
          if (!rec) continue;
          if (rec.truncated) truncated++;
          this.feed(rec, line.length > 4096 ? line.slice(0, 4096) : line.replace(/\r$/, ''));
          if ((lineNo & 0xffff) === 0) this.opts.onProgress?.(input.name, lineNo);
        }
        info.lines = n;
        info.format = parser.format ?? 'cat';
      }
    } catch (e) {
      info.problems.push(`read stopped early: ${(e as Error).message}`);
    }
    info.records = this.records - startRecords;
    this.lines += info.lines ?? 0;
    this.bytes += info.bytes ?? 0;
    if (nonUtf8) info.problems.push(`${nonUtf8} line(s) held invalid UTF-8 or NUL bytes (first at line ${firstBad}); they were read with replacement characters`);
    if (truncated) info.problems.push(`${truncated} record(s) looked cut short (ellipsis, or a JSON line/MESSAGE missing); matches on them may be partial — use journalctl --no-pager --all`);
    if (info.records === 0) info.problems.push(info.lines ? 'no log records found (only markers, blank or unrecognised lines)' : 'empty input');
    this.opts.onProgress?.(input.name, info.lines ?? 0);
  }

  result(): JournalScan {
    const hits = new Map<string, RuleHits>();
    for (const [id, c] of this.collectors) hits.set(id, c.hits);
    return {
      evidence: { sources: this.sources, runs: this.tracker.runs, latestRun: this.tracker.latestRun(), facts: this.tracker.facts },
      hits,
      lines: this.lines,
      records: this.records,
      bytes: this.bytes,
    };
  }
}
