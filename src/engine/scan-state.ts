// What a journal scan holds while it reads: its options, its per-source state, and the interface through
// which the fast path (engine/fast-path.ts) and the parallel split (engine/parallel-scan.ts) reach the
// scanner (engine/scan-journal.ts) without importing it.

import type { JournalEvidence } from '../evidence.js';
import type { RecordParser } from '../journal/records.js';
import type { RunTracker } from '../journal/runs.js';
import type { JournalPattern } from '../rules/model.js';
import type { LogRecord, SourceInfo } from '../types.js';
import type { HitCollector, RuleHits } from './hits.js';
import type { Signature } from './line-skip.js';

/** What the worker needs of a rule to compile the same matcher (structured-cloneable). */
export interface RuleSpec {
  id: string;
  fatal?: boolean;
  match?: { journal?: JournalPattern[] };
}

export interface JournalScanOptions {
  now: Date;
  /** Samples kept per rule for citation (default 3; `check` raises it to pin annotated lines). */
  citeLimit?: number;
  /** Called for every match as it happens (follow mode). */
  onHit?: (ruleId: string, rec: LogRecord) => void;
  /** Progress callback: lines read so far per source (and bytes, where a file is read by offset: the TUI's percentage). */
  onProgress?: (source: string, lines: number, bytes?: number) => void;
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

/** A parallel scan of one input: where it was split, and whether the worker's part was merged. */
export interface ParallelNote {
  source: string;
  split: number;
  merged: boolean;
  ms?: { main: number; worker?: number };
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

/** The aggregates of a scan that a parallel split compares, hands over and merges. */
export interface ScanState {
  readonly tracker: RunTracker;
  readonly collectors: Map<string, HitCollector>;
  readonly timing: ScanTiming;
  readonly opts: JournalScanOptions;
  records: number;
}

/** What the fast path needs of the scanner: the aggregates, and the reference path for the lines it examines. */
export interface LineExaminer extends ScanState {
  /**
   * Examine one physical line fully (the reference path): parse it, let the run tracker see it, match it
   * (unless `match` is false). `bytes` is the line's length in the input (it may have been cut before decoding).
   */
  examine(st: SourceState, line: string, lineNo: number, bytes: number, match?: boolean, clean?: boolean): LogRecord | undefined;
  /** The input of a source ended (a block still open ends with it). */
  endSource(st: SourceState): void;
}
