// What the fast path's byte scan looks for (engine/fast-path.ts): every rule pattern's required literals,
// plus the markers — the required literals of the patterns the parser and the run tracker react to
// (journal/runs.ts FACT_PATTERNS: kubelet version, node registration, pod CIDR; journal/records.ts
// FATAL_START: the fatal dumps the parser attaches lines to; journal/runs.ts WORDS: a dying kubelet's last
// words, on E-level lines the fast path would otherwise skip). The markers are derived from those very
// regexes, so a wording added there is never skipped by the fast path.

import { FATAL_START } from '../journal/records.js';
import { FACT_PATTERNS, WORDS } from '../journal/runs.js';
import { asciiLiteral, matcherLiterals, type Matcher } from './matcher.js';
import { requiredLiterals } from './literals.js';

/** The patterns, besides the rules', whose lines must always be examined. */
export const MARKER_PATTERNS: readonly RegExp[] = [...FACT_PATTERNS, FATAL_START, WORDS];

/** Lower-case ASCII literals (≥ 4 bytes) one of which every match of every pattern holds; undefined when some pattern has none. */
export function literalsOf(patterns: readonly RegExp[]): string[] | undefined {
  const out = new Set<string>();
  for (const re of patterns) {
    const lits = requiredLiterals(re.source);
    if (!lits) return undefined;
    for (const l of lits) {
      const a = asciiLiteral(l);
      if (!a) return undefined;
      out.add(a);
    }
  }
  return [...out];
}

let markers: { list: readonly string[] | undefined } | undefined;
/**
 * The markers, computed on first use (after the build's literal table is primed: engine/literals.ts).
 * Undefined would mean a marker pattern without a literal to look for: every line is then examined
 * (slower, the same result) — test/structure.test.ts keeps that from happening unnoticed.
 */
export function markerLiterals(): readonly string[] | undefined {
  markers ??= { list: literalsOf(MARKER_PATTERNS) };
  return markers.list;
}

/** The needles of a scan with this matcher; undefined when some pattern has no literal (every line is examined). */
export function scanNeedles(matcher: Matcher): string[] | undefined {
  const literals = matcherLiterals(matcher);
  const marks = markerLiterals();
  return literals && marks && [...new Set([...literals, ...marks])];
}
