// Streams journal inputs through the parser, the run tracker and the matcher, keeping only
// bounded aggregates: this is the one pass over the (possibly huge) journal.

import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { JournalEvidence } from '../evidence.js';
import type { JournalInput } from '../journal/read.js';
import { ENTRY_HEAD_BYTES, entryFormat, readEntries } from '../journal/entries.js';
import { readLines } from '../journal/read.js';
import { type ClosedBlock, journalEntryToRecord, RecordParser } from '../journal/records.js';
import { RunTracker } from '../journal/runs.js';
import type { KubeletRun, LogRecord, SourceInfo } from '../types.js';
import { HitCollector, type RuleHits } from './hits.js';
import { type CompiledPattern, LiteralScanner, matcherLiterals, type Matcher } from './matcher.js';
import { type FileJournalInput, mergeWorkerScan, planParallel, restoreHead, splitHolds, startWorker, type ParallelPlan, type Probe, type RuleSpec, type WorkerScan } from './parallel-scan.js';

export interface JournalScanOptions {
  now: Date;
  /** Samples kept per rule for citation (default 3; `check` raises it to pin annotated lines). */
  citeLimit?: number;
  /** Called for every match as it happens (follow mode). */
  onHit?: (ruleId: string, rec: LogRecord) => void;
  /** Progress callback: lines read so far per source. */
  onProgress?: (source: string, lines: number) => void;
  /**
   * Decode, parse and match every line (the reference path). Default: a literal prefilter over the raw
   * bytes picks the lines that need it (same result, several times faster). Also KUBELET_DOCTOR_EXHAUSTIVE=1.
   */
  exhaustive?: boolean;
  /**
   * The journal rules the matcher was compiled from: given, a large regular file is scanned in two halves,
   * the second in a worker thread (engine/parallel-scan.ts). `workers` (also KUBELET_DOCTOR_WORKERS=off|force)
   * turns that off or forces it on small files; `splitAt` (also KUBELET_DOCTOR_SPLIT_AT) picks the split
   * offset (tests).
   */
  rules?: RuleSpec[];
  workers?: 'auto' | 'off' | 'force';
  splitAt?: number;
}

/** Where the scan spent its time (ms): literal search and line walk, parsing, rule matching. */
export interface ScanTiming {
  prefilter: number;
  parse: number;
  match: number;
}

export interface JournalScan {
  evidence: JournalEvidence;
  hits: Map<string, RuleHits>;
  lines: number;
  records: number;
  bytes: number;
  timing: ScanTiming;
}

/**
 * Text the run tracker and the parser react to, besides the rules' literals: lines holding one are always
 * examined (kubelet version, node registration, pod CIDR facts; fatal dumps the parser attaches lines to).
 * Keep in step with the regexes of journal/runs.ts (facts) and journal/records.ts (FATAL_START).
 */
export const MARKERS = [
  'kubelet version',
  'version: v',
  'kubeletversion',
  'starting k3s',
  'starting k0s',
  'register node',
  'registered node',
  'previously registered',
  'pod cidr',
  'podcidr',
  'panic: ',
  'fatal error: ',
  'sigquit: ',
  'sigabrt: ',
  'sigsegv: ',
  'sigbus: ',
  'sigill: ',
  'sigtrap: ',
  // a dying kubelet's last words (journal/runs.ts WORDS), E-level lines otherwise skippable
  'command failed',
  'failed to run kubelet',
];

/** Bytes of an over-long line that are decoded (enough for MAX_LINE characters, whatever the encoding). */
const HEAD_CAP = 3 * 64 * 1024 + 4;
/**
 * Longer lines are always examined: the parser cuts lines over 64 KiB, and journald cuts lines at LineMax
 * (48 KiB by default) — such records are marked truncated. (A line cut short elsewhere inside a quoted
 * value is counted as truncated only when examined: the one count the fast path can miss.)
 */
const SKIP_MAX = 8 * 1024;
/**
 * Parse and match times are measured on one line in eight and scaled (reading the clock around every
 * line cost ~2 % of a dense scan): `--stats` shows estimates, the total is exact.
 */
const TIME_SAMPLE_MASK = 7;
/** Synchronous file reads give the event loop a turn this often. */
const YIELD_BYTES = 8 << 20;
/** Bytes per read from a file (512 KiB: as fast as 1 MiB, and a smaller peak RSS with two threads). */
const READ_BYTES = 1 << 19;
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');
const MESSAGE_FIELD = Buffer.from('"MESSAGE":"');

/** The prefix bytes every line of the current kubelet process carries. */
export interface Signature {
  run: KubeletRun;
  pid: number;
  json: boolean;
  /** text: byte offset and bytes of ` host ident[pid]: ` (or ` host ident: `); empty for `-o cat`. */
  off: number;
  bytes: Uint8Array;
  /** text: byte offset of the klog level letter; and of the klog PID field when the prefix has no PID. */
  msgAt: number;
  pidAt: number;
  pidBytes?: Uint8Array;
  /** json: `"_PID":"1234"` and `"_BOOT_ID":"..."`. */
  pidField?: Buffer;
  bootField?: Buffer;
  /** text with `host ident[pid]` and an ASCII prefix: what derived it (reused when the next line has the same shape). */
  host?: string;
  process?: string;
  needle?: string;
  /**
   * text with `[pid]` in the prefix and a classic `Mon DD hh:mm:ss[.frac]` timestamp: that timestamp's
   * bytes (length `off`), for pendingOverwritten().
   */
  head?: Uint8Array;
  /** index of the first `:` in head */
  colon?: number;
}

function isIWE(c: number | undefined): boolean {
  return c === 73 || c === 87 || c === 69;
}

/** `Nov 20 03:00:09.871834` (journalctl -o short/short-precise in the C locale, syslog files). */
const CLASSIC_STAMP = /^[A-Za-z]{3} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?$/;

function isDigitByte(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Whether examining the pending (last skipped) line may be left out before examining the skippable-shaped
 * line at `s` (examined only because it holds a literal). Both carry the signature's prefix bytes (host,
 * identifier, `[pid]`) and a klog I/W/E header; their timestamps have the signature line's shape (digits
 * where it has digits, its other bytes elsewhere — so both parse as that line did, to a kubelet record of
 * the current run and PID) and the same bytes up to the first `:` (month and day: the same year
 * inference). The pending record's effects — the run's end line, last time and last epoch ms, the
 * parser's last record and indentation — are then all overwritten by the examined line's record; it is
 * only counted. (Its facts need markers and its literals none: it was skippable.)
 */
function pendingOverwritten(st: SourceState, buf: Buffer, s: number, sig: Signature): boolean {
  const head = sig.head;
  if (!head || sig.colon === undefined || sig.colon < 0 || st.pendingBuf !== buf) return false;
  const p = st.pendingStart;
  for (let k = 0; k < head.length; k++) {
    const h = head[k]!;
    const a = buf[p + k]!;
    const b = buf[s + k]!;
    if (k < sig.colon ? a !== b : false) return false;
    if (isDigitByte(h)) {
      if (!isDigitByte(a) || !isDigitByte(b)) return false;
    } else if (a !== h || b !== h) return false;
  }
  return true;
}

function asciiHead(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** The signature of an examined kubelet line with a klog I/W/E header, or undefined when it has no usable shape. */
function deriveSignature(line: string, rec: LogRecord, run: KubeletRun, prev?: Signature): Signature | undefined {
  const raw = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  const pid = rec.pid!;
  // the same process as the previous signature, its prefix at the same (ASCII) offset: the same signature
  if (prev && prev.needle !== undefined && prev.run === run && prev.pid === pid && prev.host === rec.host && prev.process === rec.process) {
    const idx = raw.indexOf(prev.needle);
    if (idx === prev.off && asciiHead(raw, idx)) return isIWE(raw.charCodeAt(idx + prev.needle.length)) ? prev : undefined;
  }
  const base = { run, pid, json: false, off: 0, bytes: new Uint8Array(0), msgAt: 0, pidAt: -1 };
  const klogPid = ` ${String(pid).padStart(7)} `;
  if (raw.charCodeAt(0) === 123) {
    const pidField = `"_PID":"${pid}"`;
    const boot = /"_BOOT_ID":"[0-9a-fA-F]+"/.exec(raw);
    if (!boot || !raw.includes(pidField) || !raw.includes('"MESSAGE":"')) return undefined;
    return { ...base, json: true, pidField: Buffer.from(pidField), bootField: Buffer.from(boot[0]) };
  }
  if (rec.process !== undefined && rec.host !== undefined) {
    let needle = ` ${rec.host} ${rec.process}[${pid}]: `;
    let idx = raw.indexOf(needle);
    let pidInKlog = false;
    if (idx < 0) {
      needle = ` ${rec.host} ${rec.process}: `;
      idx = raw.indexOf(needle);
      pidInKlog = true;
    }
    if (idx <= 0 || idx > 96) return undefined;
    const msg = idx + needle.length;
    if (!isIWE(raw.charCodeAt(msg))) return undefined;
    if (pidInKlog && raw.slice(msg + 21, msg + 21 + klogPid.length) !== klogPid) return undefined;
    const off = Buffer.byteLength(raw.slice(0, idx));
    const bytes = Buffer.from(needle);
    const msgAt = off + bytes.length;
    if (pidInKlog) return { ...base, off, bytes, msgAt, pidAt: msgAt + 21, pidBytes: Buffer.from(klogPid) };
    const stamp = raw.slice(0, idx);
    const classic = off === idx && CLASSIC_STAMP.test(stamp);
    const head = classic ? { head: Buffer.from(stamp, 'latin1'), colon: stamp.indexOf(':') } : {};
    return off === idx ? { ...base, off, bytes, msgAt, host: rec.host, process: rec.process, needle, ...head } : { ...base, off, bytes, msgAt };
  }
  if (rec.process === undefined && isIWE(raw.charCodeAt(0)) && raw.slice(21, 21 + klogPid.length) === klogPid) {
    return { ...base, pidAt: 21, pidBytes: Buffer.from(klogPid) };
  }
  return undefined;
}

/** A text line [s, nl) that is another klog I/W/E line of the signature's process, with nothing special at its end. */
function skipText(buf: Buffer, s: number, nl: number, sig: Signature): boolean {
  let e = nl;
  if (e > s && buf[e - 1] === 13) e--;
  const m = s + sig.msgAt;
  if (m + 32 > e) return false;
  const o = s + sig.off;
  const bytes = sig.bytes;
  for (let k = 0; k < bytes.length; k++) if (buf[o + k] !== bytes[k]) return false;
  if (!isIWE(buf[m])) return false;
  const pb = sig.pidBytes;
  if (pb) {
    const p = s + sig.pidAt;
    for (let k = 0; k < pb.length; k++) if (buf[p + k] !== pb[k]) return false;
  }
  const last = buf[e - 1];
  // `…` (the parser marks the record truncated) or `key=<` (a block of continuation lines follows)
  return last !== 0xa6 && last !== 60;
}

/** A `journalctl -o json` line of the signature's process and boot whose MESSAGE is one plain klog I/W/E line. */
function skipJson(buf: Buffer, s: number, nl: number, sig: Signature): boolean {
  let e = nl;
  if (e > s && buf[e - 1] === 13) e--;
  if (buf[s] !== 123 || buf[e - 1] !== 125) return false;
  const p = buf.indexOf(sig.pidField!, s);
  if (p < 0 || p >= e) return false;
  const b = buf.indexOf(sig.bootField!, s);
  if (b < 0 || b >= e) return false;
  let m = buf.indexOf(MESSAGE_FIELD, s);
  if (m < 0 || m >= e) return false;
  m += MESSAGE_FIELD.length;
  if (!isIWE(buf[m])) return false;
  for (let j = m; j < e; j++) {
    const c = buf[j];
    if (c === 92) {
      const nx = buf[j + 1];
      // \" \\ \t keep the text's literals intact; \n (a multi-line MESSAGE), \u, \/ ... need the parser
      if (nx === 34 || nx === 92 || nx === 116) {
        j++;
        continue;
      }
      return false;
    }
    if (c === 34) {
      const last = buf[j - 1];
      return last !== 0xa6 && last !== 60;
    }
  }
  return false;
}

/** Valid UTF-8 without NUL or U+FFFD (lines that are not are examined, so the source's counts stay exact). */
function clean(buf: Buffer, s: number, nl: number): boolean {
  const l = buf.subarray(s, nl);
  return isUtf8(l) && l.indexOf(0) < 0 && l.indexOf(REPLACEMENT) < 0;
}

/** Per-source state of a scan. */
export class SourceState {
  lineNo = 0;
  nonUtf8 = 0;
  firstBad = 0;
  truncated = 0;
  longLines = 0;
  sig?: Signature;
  canSkip = false;
  /** Skipped lines not yet accounted, besides the pending (last skipped) one. */
  skipped = 0;
  pendingLine = -1;
  pendingBuf?: Buffer;
  pendingStart = 0;
  pendingEnd = 0;
  pendingText?: string;
  /** The last examined record whose message opened a `key=<` block, and its line as printed (matchBlock cites it). */
  blockRec?: LogRecord;
  blockRaw?: string;
  /** Called once, after the first examined line (parallel scans: the worker reports its state there). */
  probe?: (rec: LogRecord | undefined) => void;
  constructor(
    readonly info: SourceInfo,
    readonly parser: RecordParser,
  ) {}
}

/**
 * Peek at the first bytes (the first line, two for json-pretty, or ENTRY_HEAD_BYTES bytes, however small the
 * stream's chunks) to tell the entry formats (export, json-pretty, verbose) from line formats.
 */
async function peek(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
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

/** The fast path's chunking state between chunks (a scan may be fed from several streams in order). */
interface FastCtx {
  literals: string[];
  work: Buffer;
  /** bytes of an incomplete line at the start of `work` */
  carry: number;
  /** a line longer than HEAD_CAP: its head, while the rest is dropped */
  longHead?: Buffer;
  longBytes: number;
  scanner?: LiteralScanner;
  hits: number[];
}

const BINARY_NOTE = 'starts with binary data: not a text journal; lines that look like log lines were still read';

/** The first 4 KiB of `path` when it is a regular file that opens; undefined otherwise (the stream path says why). */
function regularFileHead(path: string): Buffer | undefined {
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

export class JournalScanner {
  readonly tracker = new RunTracker();
  readonly collectors = new Map<string, HitCollector>();
  readonly sources: SourceInfo[] = [];
  lines = 0;
  records = 0;
  bytes = 0;
  readonly timing: ScanTiming = { prefilter: 0, parse: 0, match: 0 };
  /** Parallel scans of this scanner's inputs: where each was split, and whether the worker's part was merged. */
  readonly parallel: { source: string; split: number; merged: boolean; ms?: { main: number; worker?: number } }[] = [];
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
        if (plan) format = await this.scanParallel(plan, st, needles!);
        else {
          const ctx = this.fastStart(needles!);
          info.bytes! += await this.fastFeedFile(path!, 0, Infinity, st, ctx);
          this.fastEnd(st, ctx);
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
          this.feed(rec, rec.message);
        }
        if (errors > 3) info.problems.push(`${errors - 3} more stretch(es) could not be read as entries`);
        this.endSource(st);
      } else {
        if (looksBinary(head)) info.problems.push(BINARY_NOTE);
        if (needles) await this.scanFast(stream, st, needles);
        else {
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

  private finishSource(info: SourceInfo, st: SourceState, startRecords: number): void {
    info.records = this.records - startRecords;
    this.lines += info.lines ?? 0;
    this.bytes += info.bytes ?? 0;
    if (st.nonUtf8) info.problems.push(`${st.nonUtf8} line(s) held invalid UTF-8 or NUL bytes (first at line ${st.firstBad}); they were read with replacement characters`);
    if (st.truncated) info.problems.push(`${st.truncated} record(s) looked cut short (ellipsis, or a JSON line/MESSAGE missing); matches on them may be partial — use journalctl --no-pager --all`);
    if (info.records === 0) info.problems.push(info.lines ? 'no log records found (only markers, blank or unrecognised lines)' : 'empty input');
    this.opts.onProgress?.(info.name, info.lines ?? 0);
  }

  /**
   * A large regular file in two halves: a worker thread scans [split, end) from a fresh state (its first line
   * starts a plain kubelet record), this thread [0, split). When this thread's state at the split is one the
   * worker's fresh start reproduces exactly (parallel-scan.ts: splitHolds), the worker's result is merged;
   * otherwise the worker is stopped and this thread reads on from the split, as a single-threaded scan
   * would. Returns the source's format when the worker's result was merged.
   */
  private async scanParallel(plan: ParallelPlan, st: SourceState, literals: string[]): Promise<string | undefined> {
    if (this.fresh()) return this.scanTwoWorkers(plan, st, literals);
    const info = st.info;
    const worker = startWorker(plan, this.opts, 'tail');
    const t0 = performance.now();
    const note: (typeof this.parallel)[number] = { source: info.name, split: plan.split, merged: false };
    this.parallel.push(note);
    try {
      const ctx = this.fastStart(literals);
      info.bytes! += await this.fastFeedFile(plan.path, 0, plan.split, st, ctx);
      note.ms = { main: performance.now() - t0 };
      const probe: Probe | undefined = ctx.carry === 0 && !ctx.longHead ? await worker.probe : undefined;
      if (probe && splitHolds(this, st, probe)) {
        const res: WorkerScan | undefined = await worker.result;
        if (res) {
          // the last skipped line before the split: counted, as the worker's first record overwrites what examining it would set
          if (st.pendingLine >= 0) this.countPending(st);
          mergeWorkerScan(this, st, res);
          note.merged = true;
          note.ms.worker = res.ms;
          return res.format;
        }
      }
      worker.stop();
      info.bytes! += await this.fastFeedFile(plan.path, plan.split, Infinity, st, ctx);
      this.fastEnd(st, ctx);
      return undefined;
    } finally {
      worker.stop();
    }
  }

  /**
   * What the fast path's byte scan looks for: every rule pattern's literals plus MARKERS; undefined when some
   * pattern has no literal to look for (every line is then examined).
   */
  private needles(): string[] | undefined {
    const literals = matcherLiterals(this.matcher);
    return literals && [...new Set([...literals, ...MARKERS])];
  }

  /** Nothing read yet: no records, runs, facts or hits (the first input). */
  private fresh(): boolean {
    const f = this.tracker.facts;
    return this.records === 0 && this.lines === 0 && this.sources.length === 1 && this.tracker.runs.length === 0 && f.hostnames.length === 0 && f.kubeletVersion === undefined && f.nodeName === undefined && f.podCIDRSeen === undefined && f.registered === undefined && [...this.collectors.values()].every((c) => c.hits.count === 0 && !c.hits.byPattern.some(Boolean));
  }

  /**
   * The first input, split: both halves in worker threads (each with a small young generation — this thread's
   * heap would otherwise grow as in a single-threaded scan, and two heaps that size exceed the memory budget).
   * The head worker scans [0, split) exactly as this thread would, checks the tail worker's probe
   * (splitHolds) and either stops there or reads on to the end itself; its state is then this scanner's
   * (restoreHead), and the tail's is merged on top when the split held. Should a worker fail, this thread
   * scans the file alone.
   */
  private async scanTwoWorkers(plan: ParallelPlan, st: SourceState, literals: string[]): Promise<string | undefined> {
    const info = st.info;
    const t0 = performance.now();
    const note: (typeof this.parallel)[number] = { source: info.name, split: plan.split, merged: false };
    this.parallel.push(note);
    const tail = startWorker(plan, this.opts, 'tail');
    const head = startWorker(plan, this.opts, 'head');
    try {
      void tail.probe.then((p) => head.send({ type: 'probe', probe: p }));
      const a = await head.result;
      const b = a?.held ? await tail.result : undefined;
      tail.stop();
      if (a && (!a.held || b)) {
        note.ms = { main: a.ms };
        restoreHead(this, st, a);
        if (!a.held) return a.format;
        mergeWorkerScan(this, st, b!);
        note.merged = true;
        note.ms.worker = b!.ms;
        return b!.format;
      }
      // a worker failed: the whole file here (nothing of it was taken over)
      const ctx = this.fastStart(literals);
      info.bytes! += await this.fastFeedFile(plan.path, 0, Infinity, st, ctx);
      this.fastEnd(st, ctx);
      note.ms = { main: performance.now() - t0 };
      return undefined;
    } finally {
      head.stop();
      tail.stop();
    }
  }

  /**
   * The head worker's side: [0, split) of the file as a single-threaded scan reads it; then, when the tail's
   * probe shows the split holds, stop there (the last skipped line counted), else read on to the end.
   */
  async scanHead(path: string, name: string, split: number, probe: () => Promise<Probe | undefined>): Promise<{ st: SourceState; held: boolean }> {
    const info: SourceInfo = { name, kind: 'journal', lines: 0, records: 0, bytes: 0, problems: [] };
    this.sources.push(info);
    const st = new SourceState(info, new RecordParser({ source: name, now: this.opts.now }));
    const ctx = this.fastStart(this.needles()!);
    info.bytes! += await this.fastFeedFile(path, 0, split, st, ctx);
    const p = ctx.carry === 0 && !ctx.longHead ? await probe() : undefined;
    if (p && splitHolds(this, st, p)) {
      if (st.pendingLine >= 0) this.countPending(st);
      return { st, held: true };
    }
    info.bytes! += await this.fastFeedFile(path, split, Infinity, st, ctx);
    this.fastEnd(st, ctx);
    info.lines = st.lineNo;
    return { st, held: false };
  }

  /**
   * The worker's side of a parallel scan: the text journal from byte `start` (a line start) to the end,
   * lines numbered from `lineBase + 1`. `probe` is called after the first examined line.
   */
  async scanRange(path: string, name: string, start: number, lineBase: number, probe: (st: SourceState, rec: LogRecord | undefined) => void): Promise<SourceState> {
    const info: SourceInfo = { name, kind: 'journal', lines: 0, records: 0, bytes: 0, problems: [] };
    this.sources.push(info);
    const st = new SourceState(info, new RecordParser({ source: name, now: this.opts.now }));
    st.lineNo = lineBase;
    st.probe = (rec) => probe(st, rec);
    const ctx = this.fastStart(this.needles()!);
    info.bytes! += await this.fastFeedFile(path, start, Infinity, st, ctx);
    this.fastEnd(st, ctx);
    info.lines = st.lineNo;
    return st;
  }

  /**
   * Examine one physical line fully (the reference path): parse it, let the run tracker see it, match it.
   * `bytes` is the line's length in the input (it may have been cut before decoding).
   */
  private examine(st: SourceState, line: string, lineNo: number, bytes: number, match = true): LogRecord | undefined {
    if (line.length > 65536 || bytes > HEAD_CAP) {
      st.longLines++;
      if (st.longLines === 1) st.info.problems.push(`line ${lineNo} is ${bytes} bytes long; only the first 64 KiB of such lines are examined`);
    }
    if (line.includes('\uFFFD') || line.includes('\u0000')) {
      st.nonUtf8++;
      st.firstBad ||= lineNo;
    }
    const boot = line.startsWith('-- Boot') || line.startsWith('-- Reboot');
    if (boot) this.tracker.boot();
    const timed = (++this.parseTick & TIME_SAMPLE_MASK) === 0;
    const t0 = timed ? performance.now() : 0;
    const rec = st.parser.parseLine(line, lineNo);
    if (timed) this.timing.parse += (performance.now() - t0) * (TIME_SAMPLE_MASK + 1);
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
    const raw = line.length > 4096 ? line.slice(0, 4096) : line.replace(/\r$/, '');
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

  /** The input of a source ended: a block still open ends with it. */
  private endSource(st: SourceState): void {
    st.parser.finish();
    const block = st.parser.takeBlock();
    if (block) this.matchBlock(st, block);
  }

  /**
   * The fast path for text formats. Raw chunks (512 KiB from files) are searched (undecoded) for the literals every rule
   * pattern needs plus MARKERS; lines are then walked with one indexOf each. A line is decoded, parsed and
   * matched (examine) when it holds a literal, or when skipping it could change anything the reference
   * path computes. Otherwise it is an unremarkable line of the current kubelet process — same journal
   * prefix bytes (host, identifier, PID) as the last examined kubelet line, a klog I/W/E header, nothing
   * pending in the parser — and is only counted: one record more for the source and for the current run.
   * The last skipped line before an examined one is examined itself first, so the parser and the run
   * tracker see the same last record (run end line, last time, year inference) as on the reference path.
   */
  private async scanFast(stream: Readable, st: SourceState, literals: string[]): Promise<void> {
    const ctx = this.fastStart(literals);
    await this.fastFeed(stream, st, ctx);
    this.fastEnd(st, ctx);
  }

  private fastStart(literals: string[]): FastCtx {
    const work = Buffer.from(new ArrayBuffer(2 << 20));
    return { literals, work, carry: 0, longBytes: 0, hits: [] };
  }

  /** Feed one stream's chunks (the fast path); ctx carries an incomplete last line to the next stream. */
  private async fastFeed(stream: Readable, st: SourceState, ctx: FastCtx): Promise<void> {
    for await (const c of stream) this.fastChunk(st, ctx, typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  }

  /**
   * Feed bytes [start, end) of a file (parallel scans), read into one reused buffer: no dead chunk buffers
   * between collections, which keeps two threads' peak RSS down. Returns the bytes read.
   */
  private async fastFeedFile(path: string, start: number, end: number, st: SourceState, ctx: FastCtx): Promise<number> {
    // Synchronous reads: a regular file is read from the page cache faster than the thread pool hands
    // chunks back (async reads left this thread idle ~15 % of a dense scan). The event loop still gets a
    // turn every few MB, so the TUI's progress and a worker's messages are not held up.
    const fd = openSync(path, 'r');
    try {
      let buf: Buffer | undefined;
      let pos = start;
      let sinceYield = 0;
      while (pos < end) {
        const want = Math.min(READ_BYTES, end - pos);
        let bytesRead: number;
        if (ctx.longHead) {
          // inside an over-long line: its rest goes through fastChunk, which drops it up to the newline
          buf ??= Buffer.allocUnsafeSlow(READ_BYTES);
          bytesRead = readSync(fd, buf, 0, want, pos);
          if (bytesRead > 0) this.fastChunk(st, ctx, buf.subarray(0, bytesRead));
        } else {
          // straight into the work buffer after the carried partial line: no copy
          const work = this.workRoom(ctx, want);
          bytesRead = readSync(fd, work, ctx.carry, want, pos);
          if (bytesRead > 0) this.fastWork(st, ctx, ctx.carry + bytesRead);
        }
        if (bytesRead === 0) break;
        pos += bytesRead;
        if ((sinceYield += bytesRead) >= YIELD_BYTES) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      return pos - start;
    } finally {
      closeSync(fd);
    }
  }

  /** The work buffer, grown when needed to take `n` more bytes after the carried ones. */
  private workRoom(ctx: FastCtx, n: number): Buffer {
    const carry = ctx.carry;
    if (carry + n > ctx.work.length) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max(ctx.work.length * 2, carry + n + 4)));
      ctx.work.copy(bigger, 0, 0, carry);
      ctx.work = bigger;
    }
    return ctx.work;
  }

  /** One chunk of the fast path (copied: the caller may reuse it). */
  private fastChunk(st: SourceState, ctx: FastCtx, chunk: Buffer): void {
    if (ctx.longHead) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        ctx.longBytes += chunk.length;
        return;
      }
      const t0 = performance.now();
      const slow0 = this.timing.parse + this.timing.match;
      this.flush(st);
      st.lineNo++;
      const head = ctx.longHead.toString('utf8');
      this.afterExamined(st, this.examine(st, head, st.lineNo, ctx.longBytes + nl), head);
      ctx.longHead = undefined;
      chunk = chunk.subarray(nl + 1);
      this.timing.prefilter += performance.now() - t0 - (this.timing.parse + this.timing.match - slow0);
    }
    chunk.copy(this.workRoom(ctx, chunk.length), ctx.carry);
    this.fastWork(st, ctx, ctx.carry + chunk.length);
  }

  /**
   * The work buffer holds `total` bytes (the carried partial line first): scan and walk its complete lines,
   * carry the incomplete last one (or keep only the head of an over-long one).
   */
  private fastWork(st: SourceState, ctx: FastCtx, total: number): void {
    const t0 = performance.now();
    const slow0 = this.timing.parse + this.timing.match;
    const work = ctx.work;
    const hits = ctx.hits;
    const lastNl = total ? work.lastIndexOf(10, total - 1) : -1;
    if (lastNl >= 0) {
      ctx.scanner ??= new LiteralScanner(ctx.literals, work.subarray(0, Math.min(total, 1 << 20)));
      hits.length = 0;
      ctx.scanner.scan(work, 0, lastNl + 1, hits);
      this.walk(st, work, lastNl + 1, hits);
      work.copyWithin(0, lastNl + 1, total);
      ctx.carry = total - lastNl - 1;
    } else ctx.carry = total;
    if (ctx.carry > HEAD_CAP) {
      ctx.longHead = Buffer.from(work.subarray(0, HEAD_CAP));
      ctx.longBytes = ctx.carry;
      ctx.carry = 0;
    }
    this.timing.prefilter += performance.now() - t0 - (this.timing.parse + this.timing.match - slow0);
    this.opts.onProgress?.(st.info.name, st.lineNo);
  }

  /** The end of the input: the pending skipped line, and a last line without a newline. */
  private fastEnd(st: SourceState, ctx: FastCtx): void {
    this.flush(st);
    if (ctx.longHead) {
      st.lineNo++;
      this.examine(st, ctx.longHead.toString('utf8'), st.lineNo, ctx.longBytes);
    } else if (ctx.carry > 0) {
      st.lineNo++;
      this.examine(st, ctx.work.toString('utf8', 0, ctx.carry), st.lineNo, ctx.carry);
    }
    this.endSource(st);
  }

  /** Walk the complete lines of buf[0, end): skip the unremarkable ones, examine the rest. */
  private walk(st: SourceState, buf: Buffer, end: number, hits: number[]): void {
    // invalid UTF-8, NUL or U+FFFD anywhere in the chunk: check line by line (such lines are examined)
    const region = buf.subarray(0, end);
    const dirty = !isUtf8(region) || region.indexOf(0) >= 0 || region.indexOf(REPLACEMENT) >= 0;
    let h = 0;
    let s = 0;
    while (s < end) {
      const nl = buf.indexOf(10, s);
      st.lineNo++;
      let hit = false;
      while (h < hits.length && hits[h]! < nl) {
        hit = true;
        h++;
      }
      const sig = st.sig;
      const skippable = !!sig && st.canSkip && nl - s <= SKIP_MAX && (sig.json ? skipJson(buf, s, nl, sig) : skipText(buf, s, nl, sig)) && (!dirty || clean(buf, s, nl));
      if (!hit && skippable) {
        if (st.pendingLine >= 0) st.skipped++;
        st.pendingBuf = buf;
        st.pendingStart = s;
        st.pendingEnd = nl;
        st.pendingLine = st.lineNo;
      } else {
        if (hit && skippable && st.pendingLine >= 0 && pendingOverwritten(st, buf, s, sig!)) this.countPending(st);
        this.flush(st);
        const len = nl - s;
        const line = buf.toString('utf8', s, len > HEAD_CAP ? s + HEAD_CAP : nl);
        const rec = this.examine(st, line, st.lineNo, len);
        this.afterExamined(st, rec, line);
      }
      s = nl + 1;
    }
    // the pending line's bytes are about to be overwritten: decode it now
    if (st.pendingLine >= 0 && st.pendingBuf) {
      st.pendingText = st.pendingBuf.toString('utf8', st.pendingStart, st.pendingEnd);
      st.pendingBuf = undefined;
    }
  }

  /** Account for the skipped lines, the pending one included, without examining any (see pendingOverwritten). */
  countPending(st: SourceState): void {
    const n = st.skipped + 1;
    st.pendingLine = -1;
    st.pendingBuf = undefined;
    st.pendingText = undefined;
    st.skipped = 0;
    this.records += n;
    st.sig!.run.records += n;
  }

  /** Account for skipped lines: each was a record of the current run; the last one is examined. */
  private flush(st: SourceState): void {
    if (st.pendingLine < 0) return;
    const text = st.pendingBuf ? st.pendingBuf.toString('utf8', st.pendingStart, st.pendingEnd) : st.pendingText!;
    const line = st.pendingLine;
    const n = st.skipped;
    st.pendingLine = -1;
    st.pendingBuf = undefined;
    st.pendingText = undefined;
    st.skipped = 0;
    if (n > 0) {
      this.records += n;
      st.sig!.run.records += n;
    }
    // a skippable line (no literal): parsed for the run tracker and the parser's state, never matched
    const rec = this.examine(st, text, line, text.length, false);
    this.afterExamined(st, rec, text);
  }

  /** After an examined line: may the following lines be skipped, and against which prefix bytes? */
  private afterExamined(st: SourceState, rec: LogRecord | undefined, line: string): void {
    const runs = this.tracker.runs;
    const run = runs[runs.length - 1];
    if (rec && rec.fromKubelet && rec.pid !== undefined && run && run.pid === rec.pid && run.firstTime !== undefined && (rec.level === 'I' || rec.level === 'W' || rec.level === 'E')) {
      st.sig = deriveSignature(line, rec, run, st.sig);
    }
    const sig = st.sig;
    st.canSkip = !!sig && st.parser.idle && run === sig.run && run.pid === sig.pid;
    if (st.probe) {
      const probe = st.probe;
      st.probe = undefined;
      probe(rec);
    }
  }


  result(): JournalScan {
    const hits = new Map<string, RuleHits>();
    for (const [id, c] of this.collectors) hits.set(id, c.hits);
    return {
      evidence: { sources: this.sources, runs: this.tracker.view(), latestRun: this.tracker.latestRun(), facts: this.tracker.facts },
      hits,
      lines: this.lines,
      records: this.records,
      bytes: this.bytes,
      timing: { ...this.timing },
    };
  }
}
