// Compiles every rule's journal patterns once and matches records against them. A single combined
// prefilter built from each pattern's required literals rejects most lines with one regex test.

import type { LogRecord } from '../types.js';
import type { JournalPattern, Rule } from '../rules/model.js';
import { MATCH_WINDOW } from '../rules/safety.js';
import { cutAt, partialPattern } from './partial.js';
import { asciiLiteral, HASH_MUL, indexGrams } from './byte-search.js';
import { requiredLiterals } from './literals.js';
import { MessageCache } from '../journal/message-cache.js';

// the old import path of the byte search (engine/byte-search.ts)
export { asciiLiteral, LiteralScanner } from './byte-search.js';
export { requiredLiterals } from './literals.js';

export interface CompiledPattern {
  ruleId: string;
  index: number;
  re: RegExp;
  anyProcess: boolean;
  minLevel: number;
  fatal: boolean;
  /** Lower-cased literals one of which every match contains; undefined: cannot tell (always tested). */
  literals?: string[];
  /** The regex of the texts that end inside a match (engine/partial.ts), built when first needed; null: none. */
  partial?: RegExp | null;
}

/** A cut line matches a pattern partially only when this much of the match survived (and a literal of it). */
const MIN_PARTIAL = 16;

const LEVELS = 'IWEF';
const CACHE_MAX_CHARS = 1024;
const CACHE_ENTRIES = 512;

interface CachedOutcome {
  kubelet: boolean;
  level: number;
  truncated: boolean;
  text?: string;
  hits: CompiledPattern[];
  execs: RegExpExecArray[];
}

export interface Matcher {
  patterns: CompiledPattern[];
  /** Patterns grouped by rule id. */
  byRule: Map<string, CompiledPattern[]>;
  /** Test one record; calls onMatch for every matching pattern. */
  match(rec: LogRecord, onMatch: (p: CompiledPattern, m: RegExpExecArray, text: string) => void): void;
}


/**
 * Unescape klog's quoting (`\"` → `"`) so one pattern serves printf and structured lines — and the quoting
 * of an err="…" nested in another one's value (`\\\"` → `"`), up to three levels deep.
 */
export function normaliseMessage(message: string): string {
  if (message.indexOf('\\') === -1) return message;
  let out = message.replace(/\\(["\\])/g, '$1');
  for (let k = 0; k < 2 && out.includes('\\"'); k++) out = out.replace(/\\(["\\])/g, '$1');
  return out;
}

export function compileMatcher(rules: Rule[]): Matcher {
  const patterns: CompiledPattern[] = [];
  const byRule = new Map<string, CompiledPattern[]>();
  for (const rule of rules) {
    const list: CompiledPattern[] = [];
    (rule.match?.journal ?? []).forEach((p: JournalPattern, index) => {
      const cp: CompiledPattern = {
        ruleId: rule.id,
        index,
        re: new RegExp(p.pattern, 'i'),
        anyProcess: p.processes === 'any',
        minLevel: p.minLevel ? LEVELS.indexOf(p.minLevel) : -1,
        fatal: p.fatal ?? rule.fatal ?? false,
        literals: requiredLiterals(p.pattern),
      };
      list.push(cp);
      patterns.push(cp);
    });
    byRule.set(rule.id, list);
  }
  const filtered = patterns.filter((p) => p.literals);
  const always = patterns.filter((p) => !p.literals);
  const gate = new LineGate(filtered.map((p) => p.literals!));
  // A broken node repeats the same messages (the klog header and journal prefix, which differ, are not part
  // of them): the outcome of a message is remembered. Matching depends only on the message, the process
  // family and the level, and RegExp#exec without the g flag is deterministic. Bounded: short messages
  // only, admitted on their second sighting, cleared when full (journal/message-cache.ts).
  const cache = new MessageCache<CachedOutcome>(CACHE_ENTRIES, CACHE_MAX_CHARS);

  return {
    patterns,
    byRule,
    match(rec, onMatch) {
      const msg = rec.message.length > MATCH_WINDOW ? rec.message.slice(0, MATCH_WINDOW) : rec.message;
      const kubelet = rec.fromKubelet;
      const level = rec.level ? LEVELS.indexOf(rec.level) : -1;
      const truncated = !!rec.truncated;
      const c = cache.get(msg);
      if (c && c.kubelet === kubelet && c.level === level && c.truncated === truncated) {
        for (let k = 0; k < c.hits.length; k++) onMatch(c.hits[k]!, c.execs[k]!, c.text!);
        return;
      }
      let text: string | undefined;
      const hits: CompiledPattern[] = [];
      const execs: RegExpExecArray[] = [];
      const test = (p: CompiledPattern) => {
        if (!kubelet && !p.anyProcess) return;
        if (p.minLevel >= 0 && level >= 0 && level < p.minLevel) return;
        text ??= normaliseMessage(msg);
        const m = p.re.exec(text);
        if (m) {
          hits.push(p);
          execs.push(m);
          onMatch(p, m, text);
        }
      };
      const marked = gate.find(msg);
      for (let k = 0; k < marked.length; k++) test(filtered[marked[k]!]!);
      for (const p of always) test(p);
      // a line cut short: the patterns whose identifying literal survived, matched on what is left
      const cut = marked.length ? cutAt(msg, truncated) : -1;
      if (cut >= MIN_PARTIAL) {
        // a cut between an escape's backslash and its quote leaves the backslash: it is no text of the message;
        // a blank before the cut is matched without, but still completes a literal that ends in one
        const kept = normaliseMessage(msg.slice(0, cut).replace(/\\+$/, ''));
        const head = kept.trimEnd();
        const lower = kept.toLowerCase();
        for (let k = 0; k < marked.length; k++) {
          const p = filtered[marked[k]!]!;
          if (hits.includes(p) || (!kubelet && !p.anyProcess) || (p.minLevel >= 0 && level >= 0 && level < p.minLevel)) continue;
          if (p.partial === undefined) p.partial = partialPattern(p.re.source) ?? null;
          const m = p.partial?.exec(head);
          if (!m || head.length - m.index < MIN_PARTIAL || !p.literals!.some((l) => lower.indexOf(l, m.index) >= 0)) continue;
          hits.push(p);
          execs.push(m);
          text ??= head;
          onMatch(p, m, head);
        }
      }
      cache.set(msg, { kubelet, level, truncated, text, hits, execs });
    },
  };
}

/**
 * Which patterns' literals occur in a message, for the matcher: exactly the patterns one of whose literals
 * `message.toLowerCase()` contains, save that a non-ASCII character never counts as an ASCII one (`İ` →
 * `i̇`) — case-insensitive matching without the `u` flag never folds across that line either, so no pattern
 * that can match is left out. Like LiteralScanner, over the message's characters: each ASCII literal
 * contributes `stride` consecutive 4-character grams (ASCII letters folded to lower case), one position in
 * `stride` is hashed and looked up, candidates are verified character by character. The grams are first
 * taken from each literal's start, then re-chosen (rarest window) from the first messages seen. Literals
 * holding non-ASCII characters are tested with toLowerCase() and includes().
 */
export class LineGate {
  private readonly lits: Uint8Array[] = [];
  /** Per literal: the pattern indices needing it. */
  private readonly litPatterns: number[][] = [];
  /** Non-ASCII literals: [literal, pattern indices]. */
  private readonly slow: [string, number[]][];
  private readonly stride: number;
  private table = new Int32Array(1 << GATE_BITS);
  /** Per table slot (index − 1): [literal index, gram offset] pairs. */
  private buckets: number[][] = [];
  private freq?: Uint32Array = new Uint32Array(1 << GATE_BITS);
  private sampled = 0;
  private readonly stamp: Uint32Array;
  private gen = 0;
  private readonly out: number[] = [];

  constructor(literals: string[][]) {
    this.stamp = new Uint32Array(literals.length);
    const index = new Map<string, number>();
    const slow = new Map<string, number[]>();
    literals.forEach((list, pi) => {
      for (const l of new Set(list)) {
        if (!/^[\x20-\x7e]{4,}$/.test(l)) {
          const s = slow.get(l) ?? [];
          s.push(pi);
          slow.set(l, s);
          continue;
        }
        let li = index.get(l);
        if (li === undefined) {
          li = this.lits.length;
          index.set(l, li);
          this.lits.push(Buffer.from(l.toLowerCase(), 'latin1'));
          this.litPatterns.push([]);
        }
        this.litPatterns[li]!.push(pi);
      }
    });
    this.slow = [...slow];
    const minLen = this.lits.length ? Math.min(...this.lits.map((l) => l.length)) : 4;
    this.stride = Math.max(1, Math.min(8, minLen - 3));
    this.plan();
  }

  /** (Re)build the gram table: for each literal its `stride` consecutive grams that are rarest in the sample. */
  private plan(): void {
    const freq = this.freq;
    this.table = new Int32Array(1 << GATE_BITS);
    this.buckets = [];
    // nothing sampled yet: every window costs the same (the first is taken)
    indexGrams(this.lits, this.stride, freq && this.sampled > 0 ? freq : undefined, (lit, k) => gateSlot(litGram(lit, k)), this.table, this.buckets);
  }

  private sample(msg: string): void {
    const freq = this.freq!;
    let key = 0;
    for (let i = 0; i < msg.length; i++) {
      let c = msg.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      key = ((key >>> 8) | ((c & 0xff) << 24)) >>> 0;
      if (i >= 3) freq[gateSlot(key)]!++;
    }
    if (++this.sampled === GATE_SAMPLE) {
      this.plan();
      this.freq = undefined;
    }
  }

  /** Indices (ascending) of the patterns one of whose literals `msg` holds. The array is reused. */
  find(msg: string): number[] {
    if (this.freq) this.sample(msg);
    const out = this.out;
    out.length = 0;
    if (++this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    const g = this.gen;
    const stamp = this.stamp;
    const table = this.table;
    const buckets = this.buckets;
    const lits = this.lits;
    const stride = this.stride;
    const n = msg.length;
    for (let i = 0; i + 3 < n; i += stride) {
      let c0 = msg.charCodeAt(i);
      let c1 = msg.charCodeAt(i + 1);
      let c2 = msg.charCodeAt(i + 2);
      let c3 = msg.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 128) continue;
      if (c0 >= 65 && c0 <= 90) c0 += 32;
      if (c1 >= 65 && c1 <= 90) c1 += 32;
      if (c2 >= 65 && c2 <= 90) c2 += 32;
      if (c3 >= 65 && c3 <= 90) c3 += 32;
      const b = table[gateSlot((c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)) >>> 0)]!;
      if (b === 0) continue;
      const list = buckets[b - 1]!;
      for (let j = 0; j < list.length; j += 2) {
        const li = list[j]!;
        const lit = lits[li]!;
        const at = i - list[j + 1]!;
        if (at < 0 || at + lit.length > n) continue;
        let k = 0;
        for (; k < lit.length; k++) {
          let d = msg.charCodeAt(at + k);
          if (d >= 65 && d <= 90) d += 32;
          if (d !== lit[k]) break;
        }
        if (k !== lit.length) continue;
        for (const pi of this.litPatterns[li]!)
          if (stamp[pi] !== g) {
            stamp[pi] = g;
            out.push(pi);
          }
      }
    }
    if (this.slow.length) {
      const lower = msg.toLowerCase();
      for (const [l, pis] of this.slow)
        if (lower.includes(l))
          for (const pi of pis)
            if (stamp[pi] !== g) {
              stamp[pi] = g;
              out.push(pi);
            }
    }
    if (out.length > 1) out.sort((x, y) => x - y);
    return out;
  }
}

/** The 4-byte gram of a lower-cased literal at `at`, as find() computes it (no folding of other bytes). */
function litGram(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function gateSlot(key: number): number {
  return Math.imul(key, HASH_MUL) >>> GATE_SHIFT;
}

/** Literals (lower-case ASCII, ≥ 4 bytes) that together cover every pattern; undefined when some pattern has none. */
export function matcherLiterals(m: Matcher): string[] | undefined {
  const out = new Set<string>();
  for (const p of m.patterns) {
    if (!p.literals) return undefined;
    for (const l of p.literals) {
      const a = asciiLiteral(l);
      if (!a) return undefined;
      out.add(a);
    }
  }
  return [...out];
}

const GATE_BITS = 16;
const GATE_SAMPLE = 256;
const GATE_SHIFT = 32 - GATE_BITS;
