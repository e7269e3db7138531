// Large journal files on two cores: the file is split at a line boundary near the middle; a worker thread
// (engine/scan-worker.ts) scans the second part from a fresh state while this thread scans the first, and
// the worker's result is merged — only when the state this thread reached at the split is one that the
// worker's fresh start reproduces exactly (splitHolds). Otherwise the worker is stopped and this thread
// reads on from the split as the single-threaded scan does: the answer is the same either way.
//
// Why a fresh start can be exact: the split line is chosen to start a plain kubelet klog record (I/W/E,
// with the PID) and the state is checked at that line. After such a line the parser's state is a function
// of the line itself (no continuation pending: `idle`), plus its format, year inference and boot id, which
// are compared. The run tracker continues the same run (same PID, open, same source): the worker's first
// run is merged into this thread's last one (RunTracker.continueRun/absorb). The fast path's skip state is
// compared byte for byte (the signature of the current kubelet process's prefix), so the worker skips and
// examines exactly the lines the single-threaded scan does — save the split line itself (the worker examines
// it; it holds no literal, so nothing is matched, and it is checked not to be cut short) and the last
// skipped line before the split (counted only: the split line's record overwrites what examining it would
// set — the run's end line, last time, the parser's last record — its month equals the split line's, and it
// is checked not to be cut short). Hit collectors merge exactly: counts add, first samples then the
// worker's, last-wins captures/latest/lastTime, first-wins firstTime, distinct keys in order.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { entryFormat } from '../journal/entries.js';
import type { JournalInput } from '../journal/read.js';
import { RecordParser } from '../journal/records.js';
import type { TrackerState } from '../journal/runs.js';
import type { JournalPattern } from '../rules/model.js';
import type { JournalFormat, LogRecord } from '../types.js';
import type { HitSample, RuleHits } from './hits.js';
import type { JournalScanner, JournalScanOptions, ScanTiming, Signature, SourceState } from './scan-journal.js';

/** Files at least this large are split (KUBELET_DOCTOR_WORKERS=force: any size). */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/**
 * Where the split is looked for: past the middle, since the tail worker first counts the newlines before the
 * split (~0.17 s per 500 MB here) — on the 1 GB dense journal the tail finished ~0.3 s after the head at 0.5.
 */
const SPLIT_FRACTION = 0.53;
const LEVEL_ORDER = 'IWEF';
/**
 * The workers' young generation (MB): V8's default lets each heap's semi-spaces grow to 16 MB, and two heaps
 * that size break the 150 MB peak-RSS budget on a 1 GB journal; 3 MB costs no measurable speed here.
 */
const WORKER_YOUNG_MB = 3;
/**
 * And a bounded old generation: V8 then collects it well before its default growth (the 1 GB dense journal's
 * peak RSS fell from 124–160 MB to ~113 MB at the same speed). A worker's live data is the scan's bounded
 * aggregates (a few MB); should a pathological journal (many cited 64 KiB lines with 40 continuation lines
 * each, `check`'s raised citation limit) exceed it, the worker stops with ERR_WORKER_OUT_OF_MEMORY and this
 * thread scans the file alone — slower, same answer.
 */
const WORKER_OLD_MB = 64;

/** What the worker needs of a rule to compile the same matcher (structured-cloneable). */
export interface RuleSpec {
  id: string;
  fatal?: boolean;
  match?: { journal?: JournalPattern[] };
}

export interface ParallelPlan {
  path: string;
  name: string;
  split: number;
  /** The file's first bytes (format and binary checks, as the single-threaded scan makes them). */
  head: Buffer;
}

export interface WorkerJob {
  /** head: [0, split) and, when the split does not hold, the rest; tail: [split, end) from a fresh state */
  role: 'head' | 'tail';
  path: string;
  name: string;
  split: number;
  rules: RuleSpec[];
  now: Date;
  citeLimit?: number;
}

/** The worker's state after its first examined line. */
export interface Probe {
  ok: boolean;
  pid?: number;
  sig?: string;
  carried: ReturnType<RecordParser['carried']>;
}

export interface WorkerScan {
  tracker: TrackerState;
  records: number;
  timing: ScanTiming;
  hits: Record<string, { hits: RuleHits; seen: string[] }>;
  lineNo: number;
  nonUtf8: number;
  firstBad: number;
  truncated: number;
  longLines: number;
  problems: string[];
  bytes: number;
  format?: JournalFormat;
  /** the worker's wall time from its start */
  ms: number;
  /** head worker: it stopped at the split (the tail's part is to be merged) */
  held?: boolean;
}

/** A journal input read from a regular file: its path (only such inputs are split). */
export type FileJournalInput = JournalInput & { path?: string };

function mode(opts: JournalScanOptions): string {
  return opts.workers ?? process.env.KUBELET_DOCTOR_WORKERS ?? 'auto';
}

let workerFile: URL | null | undefined;
let workerSource: string | undefined;
/**
 * The single executable has no worker file on disk: it hands the worker's bundled CommonJS source here
 * (scripts/build-sea.mjs), and workers are started from that source (`eval`).
 */
export function useEmbeddedWorker(source: string): void {
  workerSource = source;
}

/** The compiled worker module (dist/); from the sources (vitest), the build's copy. */
export function workerUrl(): URL | undefined {
  if (workerFile === undefined) {
    workerFile = null;
    for (const rel of ['./scan-worker.js', '../../dist/src/engine/scan-worker.js']) {
      const u = new URL(rel, import.meta.url);
      if (existsSync(fileURLToPath(u))) {
        workerFile = u;
        break;
      }
    }
  }
  return workerFile ?? undefined;
}

/** Whether (and where) to split this input: a regular file, text format, large enough, a plain line near the middle. */
export function planParallel(input: JournalInput, opts: JournalScanOptions): ParallelPlan | undefined {
  const path = (input as FileJournalInput).path;
  const m = mode(opts);
  if (!path || m === 'off' || !opts.rules || (m !== 'force' && m !== 'auto')) return undefined;
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    size = st.size;
  } catch {
    return undefined;
  }
  if (m !== 'force' && size < PARALLEL_MIN_BYTES) return undefined;
  if (!workerSource && !workerUrl()) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(Math.min(4096, size));
    readSync(fd, head, 0, head.length, 0);
    if (entryFormat(head)) return undefined;
    const env = process.env.KUBELET_DOCTOR_SPLIT_AT;
    const forced = opts.splitAt ?? (env !== undefined && env !== '' ? Number(env) : undefined);
    const split = forced !== undefined ? lineStartAt(fd, size, forced) : plainLineNear(fd, size, Math.floor(size * SPLIT_FRACTION));
    if (split === undefined || split <= 0 || split >= size) return undefined;
    return { path, name: input.name, split, head };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first line start at or after `at` (tests force split points with it). */
function lineStartAt(fd: number, size: number, at: number): number | undefined {
  if (!Number.isFinite(at) || at <= 0 || at >= size) return undefined;
  const buf = Buffer.alloc(Math.min(1 << 20, size - at + 1));
  const n = readSync(fd, buf, 0, buf.length, at - 1);
  const nl = buf.subarray(0, n).indexOf(10);
  return nl < 0 ? undefined : at + nl;
}

/** A kubelet klog I/W/E line (journal prefix, `-o cat` or json): the kind of line a split lands on well. */
const PLAIN_TEXT = /^(?:[^\s{][^\n]{0,120}?\]: )?[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /;
const PLAIN_JSON = /"MESSAGE":"[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /;
function plain(line: string): boolean {
  if (line.length > 4000 || line.endsWith('<') || line.endsWith('<\r')) return false;
  return line.charCodeAt(0) === 123 ? PLAIN_JSON.test(line) : PLAIN_TEXT.test(line);
}

/** A line start at or after `at` whose line and the one before it are plain kubelet lines. */
function plainLineNear(fd: number, size: number, at: number): number | undefined {
  const buf = Buffer.alloc(Math.min(1 << 20, size - at));
  const n = readSync(fd, buf, 0, buf.length, at);
  let s = buf.subarray(0, n).indexOf(10) + 1;
  if (s <= 0) return undefined;
  let prevPlain = false;
  while (s < n) {
    const nl = buf.indexOf(10, s);
    if (nl < 0 || nl >= n) return undefined;
    const isPlain = plain(buf.toString('latin1', s, nl));
    // the split goes after a plain line, before another
    if (isPlain && prevPlain) return at + s;
    prevPlain = isPlain;
    s = nl + 1;
  }
  return undefined;
}

export interface WorkerHandle {
  probe: Promise<Probe | undefined>;
  result: Promise<WorkerScan | undefined>;
  send(message: unknown): void;
  stop(): void;
}

export function startWorker(plan: ParallelPlan, opts: JournalScanOptions, role: WorkerJob['role']): WorkerHandle {
  const rules: RuleSpec[] = (opts.rules ?? []).map((r) => ({ id: r.id, fatal: r.fatal, match: { journal: r.match?.journal } }));
  const job: WorkerJob = { role, path: plan.path, name: plan.name, split: plan.split, rules, now: opts.now, citeLimit: opts.citeLimit };
  let resolveProbe!: (p: Probe | undefined) => void;
  let resolveResult!: (r: WorkerScan | undefined) => void;
  const probe = new Promise<Probe | undefined>((r) => (resolveProbe = r));
  const result = new Promise<WorkerScan | undefined>((r) => (resolveResult = r));
  const end = () => {
    resolveProbe(undefined);
    resolveResult(undefined);
  };
  let worker: Worker;
  try {
    // a small young generation: two heaps' semi-spaces would otherwise take ~30 MB more (peak RSS)
    worker = new Worker(workerSource ?? workerUrl()!, { eval: workerSource !== undefined, workerData: job, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB, maxOldGenerationSizeMb: WORKER_OLD_MB } });
  } catch {
    end();
    return { probe, result, send() {}, stop() {} };
  }
  worker.on('message', (m: { type: string; probe?: Probe; result?: WorkerScan }) => {
    if (m.type === 'probe') resolveProbe(m.probe);
    else if (m.type === 'done') {
      resolveProbe(undefined);
      resolveResult(m.result);
    }
  });
  worker.on('error', end);
  worker.on('exit', end);
  let stopped = false;
  return {
    probe,
    result,
    send(message) {
      if (!stopped) worker.postMessage(message);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      end();
      void worker.terminate();
    },
  };
}

const hex = (b?: Uint8Array) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : undefined);

/** A signature's content (everything but its run), for comparing the two threads' skip state. */
export function sigKey(sig: Signature): string {
  // the timestamp's bytes count by shape (pendingOverwritten: digits where it has digits, its other bytes elsewhere)
  const head = sig.head && Buffer.from(sig.head).toString('latin1').replace(/[0-9]/g, '0');
  return JSON.stringify([sig.pid, sig.json, sig.off, hex(sig.bytes), sig.msgAt, sig.pidAt, hex(sig.pidBytes), hex(sig.pidField), hex(sig.bootField), sig.host, sig.process, sig.needle, head, sig.colon]);
}

/** Worker side: its state after the first examined line (the split line). */
export function probeOf(scanner: JournalScanner, st: SourceState, rec: LogRecord | undefined, lineBase: number): Probe {
  const tr = scanner.tracker.exportState();
  const ok =
    !!rec &&
    rec.line === lineBase + 1 &&
    scanner.records === 1 &&
    rec.fromKubelet &&
    !rec.fromSystemd &&
    rec.pid !== undefined &&
    (rec.level === 'I' || rec.level === 'W' || rec.level === 'E') &&
    rec.timeText !== undefined &&
    rec.time !== undefined &&
    !rec.truncated &&
    tr.runs.length === 1 &&
    tr.current === 0 &&
    !tr.closed &&
    !tr.hardClosed &&
    !!st.sig &&
    st.sig.run === tr.runs[0] &&
    st.canSkip &&
    st.parser.idle &&
    st.nonUtf8 === 0 &&
    st.longLines === 0;
  return { ok, pid: rec?.pid, sig: st.sig && sigKey(st.sig), carried: st.parser.carried() };
}

/**
 * The head worker's state becomes this (fresh) scanner's: the tracker's, the collectors', the counts. The
 * records of the cited samples are the worker's copies; no more lines reach them (the input is done).
 */
export function restoreHead(scanner: JournalScanner, st: SourceState, a: WorkerScan): void {
  scanner.tracker.restore(a.tracker);
  scanner.records += a.records;
  scanner.timing.prefilter += a.timing.prefilter;
  scanner.timing.parse += a.timing.parse;
  scanner.timing.match += a.timing.match;
  for (const [id, c] of scanner.collectors) {
    const wh = a.hits[id];
    if (!wh) continue;
    Object.assign(c.hits, wh.hits);
    const seen = (c as unknown as { seen: Set<string> }).seen;
    for (const k of wh.seen) seen.add(k);
  }
  st.info.problems.push(...a.problems);
  st.longLines = a.longLines;
  st.nonUtf8 = a.nonUtf8;
  st.firstBad = a.firstBad;
  st.truncated = a.truncated;
  st.lineNo = a.lineNo;
  st.info.bytes = (st.info.bytes ?? 0) + a.bytes;
}

/** Worker side: everything the merge needs (structured-cloneable). */
export function workerScanOf(scanner: JournalScanner, st: SourceState, ms: number): WorkerScan {
  const hits: WorkerScan['hits'] = {};
  for (const [id, c] of scanner.collectors) {
    if (c.hits.count === 0 && !c.hits.byPattern.some(Boolean)) continue;
    hits[id] = { hits: c.hits, seen: [...(c as unknown as { seen: Set<string> }).seen] };
  }
  return {
    tracker: scanner.tracker.exportState(),
    records: scanner.records,
    timing: scanner.timing,
    hits,
    lineNo: st.lineNo,
    nonUtf8: st.nonUtf8,
    firstBad: st.firstBad,
    truncated: st.truncated,
    longLines: st.longLines,
    problems: st.info.problems,
    bytes: st.info.bytes ?? 0,
    format: st.parser.format,
    ms,
  };
}

/**
 * Whether this thread's state at the split (after the lines before it) is one the worker's fresh start
 * reproduces exactly — see the top of this file. Nothing is changed here, so a `false` lets this thread
 * read on from the split as a single-threaded scan.
 */
export function splitHolds(scanner: JournalScanner, st: SourceState, probe: Probe): boolean {
  const sig = st.sig;
  if (!probe.ok || probe.pid === undefined || !sig || !st.canSkip || !st.parser.idle) return false;
  if (sigKey(sig) !== probe.sig) return false;
  const tracker = scanner.tracker;
  if (!tracker.continuesWith(probe.pid, st.info.name) || sig.run !== tracker.runs[tracker.runs.length - 1]) return false;
  const m = st.parser.carried();
  const w = probe.carried;
  // the format: set by the first line, `cat` upgraded by the first prefixed one, `short` → `syslog` by a prefix without PID
  if (m.format !== undefined && m.format !== 'cat' && m.format !== w.format) return false;
  if (m.format === 'short' && !sig.json && sig.pidBytes) return false;
  if (m.bootId !== undefined && m.bootId !== w.bootId) return false;
  // year inference: the same month and year as the last inferred one (no wrap to decide at the split)
  if (m.lastMonth !== w.lastMonth || m.year !== w.year) return false;
  if (st.pendingLine >= 0) {
    const text = st.pendingBuf ? st.pendingBuf.toString('utf8', st.pendingStart, st.pendingEnd) : st.pendingText;
    if (text === undefined) return false;
    const dry = new RecordParser({ source: st.info.name, now: scanner.opts.now });
    const rec = dry.parseLine(text, st.pendingLine);
    if (!rec || rec.truncated || rec.pid !== probe.pid || dry.carried().lastMonth !== w.lastMonth) return false;
  }
  return true;
}

/** Merge the worker's scan of [split, end) into this thread's (splitHolds held; the pending line is counted). */
export function mergeWorkerScan(scanner: JournalScanner, st: SourceState, res: WorkerScan): void {
  const off = scanner.tracker.absorb(res.tracker);
  scanner.records += res.records;
  scanner.timing.prefilter += res.timing.prefilter;
  scanner.timing.parse += res.timing.parse;
  scanner.timing.match += res.timing.match;
  const limit = scanner.opts.citeLimit ?? 3;
  for (const [id, c] of scanner.collectors) {
    const wh = res.hits[id];
    if (!wh) continue;
    const w = wh.hits;
    const h = c.hits;
    for (let i = 0; i < h.byPattern.length; i++) h.byPattern[i]! += w.byPattern[i] ?? 0;
    h.count += w.count;
    for (const r of w.runs) if (!h.runs.includes(r + off)) h.runs.push(r + off);
    h.firstTime ??= w.firstTime;
    if (w.lastTime !== undefined) h.lastTime = w.lastTime;
    if (w.worstLevel && (!h.worstLevel || LEVEL_ORDER.indexOf(w.worstLevel) > LEVEL_ORDER.indexOf(h.worstLevel))) h.worstLevel = w.worstLevel;
    for (const k in w.captures) h.captures[k] = w.captures[k]!;
    const seen = (c as unknown as { seen: Set<string> }).seen;
    if (w.count > 0) {
      for (const k of wh.seen) if (seen.size < 64) seen.add(k);
      h.distinct = seen.size;
    }
    const remapped = new Set<HitSample>();
    const remap = (s: HitSample) => {
      if (remapped.has(s)) return;
      remapped.add(s);
      s.run += off;
    };
    for (const s of w.samples) {
      remap(s);
      if (h.samples.length < limit) h.samples.push(s);
    }
    if (w.latest) {
      remap(w.latest);
      h.latest = w.latest;
    }
  }
  if (st.longLines === 0 && res.longLines > 0) st.info.problems.push(...res.problems);
  st.longLines += res.longLines;
  st.nonUtf8 += res.nonUtf8;
  st.firstBad ||= res.firstBad;
  st.truncated += res.truncated;
  st.lineNo = res.lineNo;
  st.info.bytes = (st.info.bytes ?? 0) + res.bytes;
}

/** Worker side: the number of lines (newlines) in [0, end). */
export function countLines(path: string, end: number): number {
  let n = 0;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.allocUnsafeSlow(1 << 20);
    let pos = 0;
    while (pos < end) {
      const got = readSync(fd, b, 0, Math.min(b.length, end - pos), pos);
      if (got === 0) break;
      pos += got;
      let i = b.indexOf(10);
      while (i >= 0 && i < got) {
        n++;
        i = b.indexOf(10, i + 1);
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
