// Streams journal inputs through the parser, the run tracker and the matcher, keeping only bounded
// aggregates: this is the one pass over the (possibly huge) journal. How each source is read is chosen
// here — a regular text file through the byte fast path (engine/fast-path.ts), split across two threads
// when large (engine/parallel-scan.ts); a stream of entries (journal/entries.ts) or of lines — and every
// line the fast path cannot skip is examined here: parsed, seen by the run tracker, matched.

import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { entryFormat, readEntries } from '../journal/entries.js';
import type { JournalInput } from '../journal/read.js';
import { readLines } from '../journal/read.js';
import { type ClosedBlock, journalEntryToRecord, RecordParser } from '../journal/records.js';
import { RunTracker } from '../journal/runs.js';
import { BINARY_NOTE, looksBinary, peek, regularFileHead } from '../journal/source-head.js';
import type { LogRecord, SourceInfo } from '../types.js';
import { FastPath, HEAD_CAP } from './fast-path.js';
import { HitCollector, type RuleHits } from './hits.js';
import type { CompiledPattern, Matcher } from './matcher.js';
import { scanNeedles } from './needles.js';
import { scanParallel } from './parallel-scan.js';
import { planParallel, type FileJournalInput } from './parallel-plan.js';
import { type JournalScan, type JournalScanOptions, type LineExaminer, type ParallelNote, type ScanTiming, SourceState } from './scan-state.js';

// the old import paths of what moved out of this module
export type { JournalScan, JournalScanOptions, ScanTiming } from './scan-state.js';
export { SourceState } from './scan-state.js';
export type { Signature } from './line-skip.js';
export { markerLiterals } from './needles.js';
export { looksBinary } from '../journal/source-head.js';

/**
 * Parse and match times are measured on one line in eight and scaled (reading the clock around every
 * line cost ~2 % of a dense scan): `--stats` shows estimates, the total is exact.
 */
const TIME_SAMPLE_MASK = 7;

export class JournalScanner implements LineExaminer {
  readonly tracker = new RunTracker();
  readonly collectors = new Map<string, HitCollector>();
  readonly sources: SourceInfo[] = [];
  lines = 0;
  records = 0;
  bytes = 0;
  readonly timing: ScanTiming = { prefilter: 0, parse: 0, match: 0 };
  /** Parallel scans of this scanner's inputs: where each was split, and whether the worker's part was merged. */
  readonly parallel: ParallelNote[] = [];
  /** The byte fast path (text formats), examining through this scanner what it cannot skip. */
  readonly fast = new FastPath(this);
  private readonly captureCache = new WeakMap<RegExpExecArray, Record<string, string>>();

  constructor(
    private readonly matcher: Matcher,
    readonly opts: JournalScanOptions,
  ) {
    for (const [ruleId, list] of matcher.byRule) this.collectors.set(ruleId, new HitCollector(list.length, opts.citeLimit ?? 3));
  }

  /**
   * Feed one record (also used by follow mode). `match: false` for a line the fast path could have skipped
   * (it holds none of the rules' literals, so no pattern can match it): only the parser and the run tracker
   * need to see it.
   */
  feed(rec: LogRecord, raw: string, match = true): void {
    this.records++;
    const run = this.tracker.observe(rec);
    if (!match) return;
    const timed = (++this.matchTick & TIME_SAMPLE_MASK) === 0;
    const t0 = timed ? performance.now() : 0;
    this.curRec = rec;
    this.curRaw = raw;
    this.curRun = run;
    this.matcher.match(rec, this.onMatch);
    if (timed) this.timing.match += (performance.now() - t0) * (TIME_SAMPLE_MASK + 1);
  }

  /** The record being matched (one callback for every match, not a closure per line). */
  private curRec!: LogRecord;
  private curRaw = '';
  private curRun = 0;
  private matchTick = 0;
  private parseTick = 0;
  private readonly onMatch = (p: CompiledPattern, m: RegExpExecArray, text: string): void => {
    const rec = this.curRec;
    // the matcher hands out the same exec result for a repeated message: its captures are built once
    // (they are only read downstream)
    let captures = this.captureCache.get(m);
    if (!captures) {
      captures = {};
      const groups = m.groups;
      if (groups) for (const k in groups) if (groups[k] !== undefined) captures[k] = groups[k]!;
      this.captureCache.set(m, captures);
    }
    this.collectors.get(p.ruleId)!.add(rec, this.curRaw, this.curRun, p.index, captures, m, text);
    if (p.fatal && (rec.level === 'F' || rec.level === 'E' || rec.level === undefined)) this.tracker.noteFatal(p.ruleId);
    this.opts.onHit?.(p.ruleId, rec);
  };

  async scan(input: JournalInput): Promise<void> {
    const info: SourceInfo = { name: input.name, kind: 'journal', lines: 0, records: 0, bytes: 0, problems: [] };
    if (input.note) info.problems.push(input.note);
    this.sources.push(info);
    const startRecords = this.records;
    const exhaustive = this.opts.exhaustive || process.env.KUBELET_DOCTOR_EXHAUSTIVE === '1';
    const needles = exhaustive ? undefined : this.needles();
    // a regular text file: read synchronously into one reused buffer, split across two threads when large
    const plan = needles && !this.opts.onHit ? planParallel(input, this.opts) : undefined;
    const path = needles && !plan ? (input as FileJournalInput).path : undefined;
    const fileHead = plan?.head ?? (path ? regularFileHead(path) : undefined);
    if (fileHead && (plan || !entryFormat(fileHead))) {
      const st = new SourceState(info, new RecordParser({ source: input.name, now: this.opts.now }));
      try {
        if (looksBinary(fileHead)) info.problems.push(BINARY_NOTE);
        let format: string | undefined;
        if (plan) format = await scanParallel(this, plan, st, needles!);
        else {
          const ctx = this.fast.start(needles!);
          info.bytes! += await this.fast.feedFile(path!, 0, Infinity, st, ctx);
          this.fast.end(st, ctx);
        }
        info.lines = st.lineNo;
        info.format = format ?? st.parser.format ?? 'cat';
      } catch (e) {
        info.problems.push(`read stopped early: ${(e as Error).message}`);
      }
      this.finishSource(info, st, startRecords);
      return;
    }
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
    const st = new SourceState(info, new RecordParser({ source: input.name, now: this.opts.now }));
    try {
      const { head, stream } = await peek(raw);
      const entries = entryFormat(head);
      if (entries) {
        // entry formats (export, json-pretty, verbose): whole entries, as `-o json` lines are
        info.format = entries;
        const parser = st.parser;
        let errors = 0;
        for await (const e of readEntries(entries, stream)) {
          if ('error' in e) {
            if (++errors <= 3) info.problems.push(e.error);
            info.lines = Math.max(info.lines ?? 0, e.line);
            continue;
          }
          const t0 = performance.now();
          const rec = parser.accept(journalEntryToRecord(e.fields, input.name, e.line));
          this.timing.parse += performance.now() - t0;
          if (parser.takeBoot()) this.tracker.boot();
          info.lines = e.endLine;
          const block = parser.takeBlock();
          if (block) this.matchBlock(st, block);
          if (!rec) continue; // a stack/block line of the previous entry (attached to it)
          if (rec.truncated) st.truncated++;
          if (rec.badTime !== undefined) this.badTime(st, rec);
          this.feed(rec, rec.message);
        }
        if (errors > 3) info.problems.push(`${errors - 3} more stretch(es) could not be read as entries`);
        this.endSource(st);
      } else {
        if (looksBinary(head)) info.problems.push(BINARY_NOTE);
        if (needles) {
          const ctx = this.fast.start(needles);
          await this.fast.feedStream(stream, st, ctx);
          this.fast.end(st, ctx);
        } else {
          for await (const [line, lineNo] of readLines(stream)) {
            st.lineNo = lineNo;
            this.examine(st, line, lineNo, Buffer.byteLength(line));
            if ((lineNo & 0xffff) === 0) this.opts.onProgress?.(input.name, lineNo);
          }
          this.endSource(st);
        }
        info.lines = st.lineNo;
        info.format = st.parser.format ?? 'cat';
      }
    } catch (e) {
      info.problems.push(`read stopped early: ${(e as Error).message}`);
    }
    this.finishSource(info, st, startRecords);
    const said = input.diagnostics?.(info.records === 0);
    if (said) info.problems.push(said);
  }

  /** An entry with a timestamp that is no time: named once, read without a time (issue 12: it voided the journal). */
  private badTime(st: SourceState, rec: LogRecord): void {
    if (st.badTimes++ === 0) st.badTimeNote = `line ${rec.line}: __REALTIME_TIMESTAMP "${rec.badTime}" is not a time; the entry was read without one`;
  }

  private finishSource(info: SourceInfo, st: SourceState, startRecords: number): void {
    if (st.badTimeNote) info.problems.push(st.badTimeNote);
    if (st.badTimes > 1) info.problems.push(`${st.badTimes - 1} more entries had a __REALTIME_TIMESTAMP that is not a time`);
    info.records = this.records - startRecords;
    this.lines += info.lines ?? 0;
    this.bytes += info.bytes ?? 0;
    if (st.nonUtf8) info.problems.push(`${st.nonUtf8} line(s) held invalid UTF-8 or NUL bytes (first at line ${st.firstBad}); they were read with replacement characters`);
    if (st.truncated) info.problems.push(`${st.truncated} record(s) looked cut short (ellipsis, or a JSON line/MESSAGE missing); matches on them may be partial — use journalctl --no-pager --all`);
    if (info.records === 0) info.problems.push(info.lines ? 'no log records found (only markers, blank or unrecognised lines)' : 'empty input');
    this.opts.onProgress?.(info.name, info.lines ?? 0);
  }

  /**
   * What the fast path's byte scan looks for: every rule pattern's literals plus the markers; undefined when some
   * pattern has no literal to look for (every line is then examined).
   */
  needles(): string[] | undefined {
    return scanNeedles(this.matcher);
  }

  /** Nothing read yet: no records, runs, facts or hits (the first input). */
  fresh(): boolean {
    const f = this.tracker.facts;
    return this.records === 0 && this.lines === 0 && this.sources.length === 1 && this.tracker.runs.length === 0 && f.hostnames.length === 0 && f.kubeletVersion === undefined && f.nodeName === undefined && f.podCIDRSeen === undefined && f.registered === undefined && [...this.collectors.values()].every((c) => c.empty);
  }

  /**
   * Examine one physical line fully (the reference path): parse it, let the run tracker see it, match it.
   * `bytes` is the line's length in the input (it may have been cut before decoding).
   */
  examine(st: SourceState, line: string, lineNo: number, bytes: number, match = true, clean = false): LogRecord | undefined {
    if (line.length > 65536 || bytes > HEAD_CAP) {
      st.longLines++;
      if (st.longLines === 1) st.info.problems.push(`line ${lineNo} is ${bytes} bytes long; only the first 64 KiB of such lines are examined`);
    }
    // `clean`: the fast path checked the line's bytes already (valid UTF-8, no NUL, no U+FFFD)
    if (!clean && (line.includes('\uFFFD') || line.includes('\u0000'))) {
      st.nonUtf8++;
      st.firstBad ||= lineNo;
    }
    const boot = line.startsWith('-- Boot') || line.startsWith('-- Reboot');
    if (boot) this.tracker.boot();
    const timed = (++this.parseTick & TIME_SAMPLE_MASK) === 0;
    const t0 = timed ? performance.now() : 0;
    const rec = st.parser.parseLine(line, lineNo);
    if (timed) this.timing.parse += (performance.now() - t0) * (TIME_SAMPLE_MASK + 1);
    this.feedFlushed(st);
    if (st.parser.takeBoot() || boot) {
      if (!boot) this.tracker.boot();
      st.sig = undefined;
    }
    const block = st.parser.takeBlock();
    if (block) this.matchBlock(st, block);
    const rejoined = st.parser.takeRejoined();
    if (rejoined) this.matchRejoined(rejoined.rec, rejoined.raw);
    if (!rec) return undefined;
    if (rec.truncated) st.truncated++;
    if (rec.badTime !== undefined) this.badTime(st, rec);
    const raw = line.length > 4096 ? line.slice(0, 4096) : line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    if (rec.message.charCodeAt(rec.message.length - 1) === 60 /* < */) {
      st.blockRec = rec;
      st.blockRaw = raw;
    }
    this.feed(rec, raw, match);
    return rec;
  }

  /**
   * A `key=<` block ended (RecordParser.takeBlock): the record that opened it is matched once more as klog
   * would print it on one line — `key="…"` with the block's text quoted — so patterns find what the kubelet
   * printed inside the block (v1.26+ prints multi-line errors as `"command failed" err=<`). Hits count for
   * that record (a rule it matched already is not counted twice) and cite it: its lines cover the block.
   */
  private matchBlock(st: SourceState, b: ClosedBlock): void {
    const rec = b.rec;
    const open = `${b.key}=<`;
    const msg = rec.message.endsWith(open) ? rec.message.slice(0, rec.message.length - 1) : `${rec.message} ${b.key}=`;
    const oneLine: LogRecord = { ...rec, message: `${msg}${JSON.stringify(b.value)}` };
    const opener = st.blockRec === rec && st.blockRaw !== undefined ? st.blockRaw : rec.message;
    this.curRec = rec;
    this.curRaw = `${opener} ${b.lines.map((l) => l.trim()).join(' ')} >`;
    this.curRun = this.tracker.currentIndex();
    this.matcher.match(oneLine, this.onMatch);
    st.blockRec = undefined;
    st.blockRaw = undefined;
  }

  /**
   * A hard-wrapped line was rejoined with the record before it (journal/wrap.ts): that record is matched
   * again with its whole text (a rule it matched already is not counted twice) and cited as rejoined.
   */
  private matchRejoined(rec: LogRecord, raw: string): void {
    this.curRec = rec;
    this.curRaw = raw.length > 4096 ? raw.slice(0, 4096) : raw;
    this.curRun = this.tracker.currentIndex();
    this.tracker.rejoined(rec);
    this.matcher.match(rec, this.onMatch);
  }

  /** A record the parser completed from lines before the one just parsed (a hard-wrapped JSON line). */
  private feedFlushed(st: SourceState): void {
    const f = st.parser.takeFlushed();
    if (!f) return;
    if (f.rec.truncated) st.truncated++;
    this.feed(f.rec, f.raw.length > 4096 ? f.raw.slice(0, 4096) : f.raw);
  }

  /** The input of a source ended: a block still open ends with it. */
  endSource(st: SourceState): void {
    st.parser.finish();
    this.feedFlushed(st);
    const block = st.parser.takeBlock();
    if (block) this.matchBlock(st, block);
  }

  result(): JournalScan {
    const hits = new Map<string, RuleHits>();
    for (const [id, c] of this.collectors) hits.set(id, c.hits);
    return {
      evidence: { sources: this.sources, runs: this.tracker.view(), latestRun: this.tracker.latestRun(), facts: this.tracker.facts, ...this.tracker.folded() },
      hits,
      lines: this.lines,
      records: this.records,
      bytes: this.bytes,
      timing: { ...this.timing },
    };
  }
}
