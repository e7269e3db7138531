// The state interface of a parallel scan (engine/parallel-scan.ts): what the worker reports after its first
// line (the probe), what it hands back (WorkerScan), whether this thread's state at the split is one the
// worker's fresh start reproduces (splitHolds), and how the worker's part is merged (mergeWorkerScan) or
// taken over (restoreHead). Only the scanner's public aggregates (ScanState) and the collectors' state
// methods are used.

import { closeSync, openSync, readSync } from 'node:fs';
import { RecordParser } from '../journal/records.js';
import type { TrackerState } from '../journal/runs.js';
import type { JournalFormat, LogRecord } from '../types.js';
import type { HitState } from './hits.js';
import { sigKey } from './line-skip.js';
import type { ScanState, ScanTiming, SourceState } from './scan-state.js';

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
  hits: Record<string, HitState>;
  lineNo: number;
  nonUtf8: number;
  firstBad: number;
  truncated: number;
  longLines: number;
  badTimes: number;
  badTimeNote?: string;
  problems: string[];
  bytes: number;
  format?: JournalFormat;
  /** the worker's wall time from its start */
  ms: number;
  /** head worker: it stopped at the split (the tail's part is to be merged) */
  held?: boolean;
}

/** Worker side: its state after the first examined line (the split line). */
export function probeOf(scanner: ScanState, st: SourceState, rec: LogRecord | undefined, lineBase: number): Probe {
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
export function restoreHead(scanner: ScanState, st: SourceState, a: WorkerScan): void {
  scanner.tracker.restore(a.tracker);
  scanner.records += a.records;
  scanner.timing.prefilter += a.timing.prefilter;
  scanner.timing.parse += a.timing.parse;
  scanner.timing.match += a.timing.match;
  for (const [id, c] of scanner.collectors) {
    const wh = a.hits[id];
    if (wh) c.restore(wh);
  }
  st.info.problems.push(...a.problems);
  st.longLines = a.longLines;
  st.nonUtf8 = a.nonUtf8;
  st.firstBad = a.firstBad;
  st.truncated = a.truncated;
  st.badTimes = a.badTimes;
  st.badTimeNote = a.badTimeNote;
  st.lineNo = a.lineNo;
  st.info.bytes = (st.info.bytes ?? 0) + a.bytes;
}

/** Worker side: everything the merge needs (structured-cloneable). */
export function workerScanOf(scanner: ScanState, st: SourceState, ms: number): WorkerScan {
  const hits: WorkerScan['hits'] = {};
  for (const [id, c] of scanner.collectors) {
    if (!c.empty) hits[id] = c.exportState();
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
    badTimes: st.badTimes,
    badTimeNote: st.badTimeNote,
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
export function splitHolds(scanner: ScanState, st: SourceState, probe: Probe): boolean {
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
export function mergeWorkerScan(scanner: ScanState, st: SourceState, res: WorkerScan): void {
  const off = scanner.tracker.absorb(res.tracker);
  scanner.records += res.records;
  scanner.timing.prefilter += res.timing.prefilter;
  scanner.timing.parse += res.timing.parse;
  scanner.timing.match += res.timing.match;
  for (const [id, c] of scanner.collectors) {
    const wh = res.hits[id];
    if (wh) c.absorb(wh, off);
  }
  if (st.longLines === 0 && res.longLines > 0) st.info.problems.push(...res.problems);
  st.longLines += res.longLines;
  st.nonUtf8 += res.nonUtf8;
  st.firstBad ||= res.firstBad;
  st.truncated += res.truncated;
  st.badTimes += res.badTimes;
  st.badTimeNote ??= res.badTimeNote;
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
