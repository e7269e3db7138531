// Bounded aggregation of journal matches per rule: counts, runs, first/last time, and a few
// sample lines to cite. Repeated lines are counted, never all kept.

import type { LogRecord } from '../types.js';

export interface HitSample {
  source: string;
  line: number;
  endLine?: number;
  /** The cited line as printed (capped in length). */
  text: string;
  timeText?: string;
  run: number;
  level?: string;
  /** Named captures of this match. */
  captures: Record<string, string>;
  highlight?: [number, number];
  patternIndex: number;
  /** The record itself, so continuation lines attached later extend the citation (endLine). */
  rec?: LogRecord;
}

export interface RuleHits {
  count: number;
  /** Matches per pattern index. */
  byPattern: number[];
  runs: number[];
  firstTime?: string;
  lastTime?: string;
  /** First `limit` samples plus the latest one. */
  samples: HitSample[];
  latest?: HitSample;
  /** Captures merged: first seen value per name, overwritten by the latest match's values. */
  captures: Record<string, string>;
  /** Highest klog level seen. */
  worstLevel?: string;
  /** Count of matches per distinct normalised message (top few), for "repeated N times". */
  distinct: number;
}

export const MAX_CITED_TEXT = 2000;
const LEVEL_ORDER = 'IWEF';

/** A collector's state as another thread hands it over (structured-cloneable): the aggregate and its distinct keys. */
export interface HitState {
  hits: RuleHits;
  seen: string[];
}

export function emptyHits(patterns: number): RuleHits {
  return { count: 0, byPattern: new Array<number>(patterns).fill(0), runs: [], samples: [], captures: {}, distinct: 0 };
}

export class HitCollector {
  private readonly h: RuleHits;
  private readonly seen = new Set<string>();
  /** Messages whose distinct-key is in `seen` already (bounded; repeated messages are keyed once). */
  private readonly seenMessages = new Set<string>();
  private lastRec?: LogRecord;
  /** The captures merged last: merging the same (cached, read-only) object again changes nothing. */
  private lastMerged?: Record<string, string>;
  /**
   * The latest match when it was not kept as a sample: its sample is built only when read (a broken node
   * matches hundreds of thousands of lines, and only the last one is cited).
   */
  private pending = false;
  private pRec!: LogRecord;
  /** rec.endLine when it matched (continuation lines attached later show through `rec`) */
  private pEndLine?: number;
  private pRaw = '';
  private pRun = 0;
  private pPattern = 0;
  private pCaptures: Record<string, string> = {};
  private pMatch?: RegExpExecArray;
  private pText?: string;
  constructor(
    patterns: number,
    private readonly limit: number,
  ) {
    this.h = emptyHits(patterns);
  }

  /** Captures: first seen value per name, overwritten by the latest match's values. */
  private merge(captures: Record<string, string>): void {
    if (captures === this.lastMerged) return;
    this.lastMerged = captures;
    const into = this.h.captures;
    for (const k in captures) if (captures[k] !== undefined) into[k] = captures[k]!;
  }

  /** The aggregate so far (the latest sample built if it is still pending). */
  get hits(): RuleHits {
    if (this.pending) {
      this.pending = false;
      this.h.latest = sampleOf(this.pRec, this.pRaw, this.pRun, this.pPattern, this.pCaptures, this.pMatch, this.pText, this.pEndLine);
    }
    return this.h;
  }

  /** Whether nothing was matched (a collector with no state worth handing over). */
  get empty(): boolean {
    return this.h.count === 0 && !this.h.byPattern.some(Boolean);
  }

  /** The state to hand to another thread (parallel scans: engine/parallel-merge.ts). */
  exportState(): HitState {
    return { hits: this.hits, seen: [...this.seen] };
  }

  /**
   * Take over another collector's state (the head worker's, for a fresh scanner whose input is done:
   * its samples' records are the worker's copies, and no more lines reach them).
   */
  restore(s: HitState): void {
    Object.assign(this.hits, s.hits);
    for (const k of s.seen) this.seen.add(k);
  }

  /**
   * Merge the state of a scan of the lines after this one's (the tail worker's), whose run indices start
   * `runOffset` later: counts add, first samples then the other's, last-wins captures/latest/lastTime,
   * first-wins firstTime, distinct keys in order.
   */
  absorb(s: HitState, runOffset: number): void {
    const w = s.hits;
    const h = this.hits;
    for (let i = 0; i < h.byPattern.length; i++) h.byPattern[i]! += w.byPattern[i] ?? 0;
    h.count += w.count;
    const had = new Set(h.runs);
    for (const r of w.runs) if (!had.has(r + runOffset)) h.runs.push(r + runOffset);
    h.firstTime ??= w.firstTime;
    if (w.lastTime !== undefined) h.lastTime = w.lastTime;
    if (w.worstLevel && (!h.worstLevel || LEVEL_ORDER.indexOf(w.worstLevel) > LEVEL_ORDER.indexOf(h.worstLevel))) h.worstLevel = w.worstLevel;
    for (const k in w.captures) h.captures[k] = w.captures[k]!;
    if (w.count > 0) {
      for (const k of s.seen) if (this.seen.size < 64) this.seen.add(k);
      h.distinct = this.seen.size;
    }
    const remapped = new Set<HitSample>();
    const remap = (x: HitSample) => {
      if (remapped.has(x)) return;
      remapped.add(x);
      x.run += runOffset;
    };
    for (const x of w.samples) {
      remap(x);
      if (h.samples.length < this.limit) h.samples.push(x);
    }
    if (w.latest) {
      remap(w.latest);
      h.latest = w.latest;
    }
  }

  /**
   * One match of pattern `patternIndex` on `rec` (printed as `raw`). `m` is the match on `text` (the
   * normalised message), used to highlight the matched span in the cited line.
   */
  add(rec: LogRecord, raw: string, run: number, patternIndex: number, captures: Record<string, string>, m?: RegExpExecArray, text?: string): void {
    const h = this.h;
    h.byPattern[patternIndex]!++;
    // one record matched by two wordings of the same rule is one occurrence, cited once
    if (rec === this.lastRec) {
      this.merge(captures);
      return;
    }
    this.lastRec = rec;
    h.count++;
    // runs come in index order: searching the list for a new one made a crash loop's scan quadratic
    const lastRun = h.runs[h.runs.length - 1];
    if (lastRun === undefined || run > lastRun || (run !== lastRun && !h.runs.includes(run))) h.runs.push(run);
    if (rec.timeText) {
      h.firstTime ??= rec.timeText;
      h.lastTime = rec.timeText;
    }
    if (rec.level && rec.level !== h.worstLevel && (!h.worstLevel || LEVEL_ORDER.indexOf(rec.level) > LEVEL_ORDER.indexOf(h.worstLevel))) h.worstLevel = rec.level;
    this.merge(captures);
    // distinct messages are counted up to a small bound, keyed without digits (timestamps, pids); a message
    // seen before has its key counted already
    if (this.seen.size < 64 && !this.seenMessages.has(rec.message)) {
      if (rec.message.length <= 1024) {
        if (this.seenMessages.size >= 256) this.seenMessages.clear();
        this.seenMessages.add(rec.message);
      }
      const key = rec.message.replace(/\d+/g, '#').slice(0, 200);
      if (!this.seen.has(key)) this.seen.add(key);
      h.distinct = this.seen.size;
    }
    if (h.samples.length < this.limit) {
      const sample = sampleOf(rec, raw, run, patternIndex, captures, m, text, rec.endLine);
      h.samples.push(sample);
      h.latest = sample;
      this.pending = false;
      return;
    }
    this.pending = true;
    this.pRec = rec;
    this.pEndLine = rec.endLine;
    this.pRaw = raw;
    this.pRun = run;
    this.pPattern = patternIndex;
    this.pCaptures = captures;
    this.pMatch = m;
    this.pText = text;
  }
}

function sampleOf(rec: LogRecord, raw: string, run: number, patternIndex: number, captures: Record<string, string>, m: RegExpExecArray | undefined, text: string | undefined, endLine: number | undefined): HitSample {
  return {
    source: rec.source,
    line: rec.line,
    endLine,
    text: raw.length > MAX_CITED_TEXT ? `${raw.slice(0, MAX_CITED_TEXT)}…` : raw,
    timeText: rec.timeText,
    run,
    level: rec.level,
    captures,
    highlight: m && text !== undefined ? highlightOf(raw, m, text) : undefined,
    patternIndex,
    rec,
  };
}

/** Where the match shows in the printed line: the matched text, else its first 24 characters (normalisation may differ). */
function highlightOf(raw: string, m: RegExpExecArray, text: string): [number, number] | undefined {
  const matched = m[0];
  const at = raw.indexOf(matched);
  if (at >= 0) return [at, at + matched.length];
  const n = Math.min(matched.length, 24);
  const at2 = raw.indexOf(text.slice(m.index, m.index + n));
  return at2 >= 0 ? [at2, at2 + n] : undefined;
}
