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

export function emptyHits(patterns: number): RuleHits {
  return { count: 0, byPattern: new Array<number>(patterns).fill(0), runs: [], samples: [], captures: {}, distinct: 0 };
}

export class HitCollector {
  readonly hits: RuleHits;
  private readonly seen = new Set<string>();
  /** The last message and its distinct-key (repeated messages are keyed once). */
  private lastMessage?: string;
  private lastKey = '';
  private lastRec?: LogRecord;
  constructor(
    patterns: number,
    private readonly limit: number,
  ) {
    this.hits = emptyHits(patterns);
  }

  add(rec: LogRecord, raw: string, run: number, patternIndex: number, captures: Record<string, string>, highlight?: [number, number]): void {
    const h = this.hits;
    h.byPattern[patternIndex]!++;
    // one record matched by two wordings of the same rule is one occurrence, cited once
    if (rec === this.lastRec) {
      for (const k in captures) if (captures[k] !== undefined) h.captures[k] = captures[k]!;
      return;
    }
    this.lastRec = rec;
    h.count++;
    if (h.runs[h.runs.length - 1] !== run && !h.runs.includes(run)) h.runs.push(run);
    if (rec.timeText) {
      h.firstTime ??= rec.timeText;
      h.lastTime = rec.timeText;
    }
    if (rec.level && (!h.worstLevel || LEVEL_ORDER.indexOf(rec.level) > LEVEL_ORDER.indexOf(h.worstLevel))) h.worstLevel = rec.level;
    for (const k in captures) if (captures[k] !== undefined) h.captures[k] = captures[k]!;
    // distinct messages are counted up to a small bound, keyed without digits (timestamps, pids)
    if (this.seen.size < 64) {
      let key = this.lastKey;
      if (rec.message !== this.lastMessage) {
        key = rec.message.replace(/\d+/g, '#').slice(0, 200);
        this.lastMessage = rec.message;
        this.lastKey = key;
      }
      if (!this.seen.has(key)) this.seen.add(key);
      h.distinct = this.seen.size;
    }
    const sample: HitSample = {
      source: rec.source,
      line: rec.line,
      endLine: rec.endLine,
      text: raw.length > MAX_CITED_TEXT ? `${raw.slice(0, MAX_CITED_TEXT)}…` : raw,
      timeText: rec.timeText,
      run,
      level: rec.level,
      captures,
      highlight,
      patternIndex,
      rec,
    };
    if (h.samples.length < this.limit) h.samples.push(sample);
    h.latest = sample;
  }
}
