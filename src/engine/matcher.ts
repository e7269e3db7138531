// Compiles every rule's journal patterns once and matches records against them. A single combined
// prefilter built from each pattern's required literals rejects most lines with one regex test.

import type { LogRecord } from '../types.js';
import type { JournalPattern, Rule } from '../rules/model.js';
import { MATCH_WINDOW } from '../rules/safety.js';

export interface CompiledPattern {
  ruleId: string;
  index: number;
  re: RegExp;
  anyProcess: boolean;
  minLevel: number;
  fatal: boolean;
  /** Lower-cased literals one of which every match contains; undefined: cannot tell (always tested). */
  literals?: string[];
}

const LEVELS = 'IWEF';

export interface Matcher {
  patterns: CompiledPattern[];
  /** Patterns grouped by rule id. */
  byRule: Map<string, CompiledPattern[]>;
  /** Test one record; calls onMatch for every matching pattern. */
  match(rec: LogRecord, onMatch: (p: CompiledPattern, m: RegExpExecArray, text: string) => void): void;
}

/**
 * Literals that every match of `source` must contain: the longest plain run of each top-level
 * alternative. Returns undefined when some alternative has no literal of at least 4 characters.
 */
export function requiredLiterals(source: string): string[] | undefined {
  const branches: string[] = [];
  let depth = 0;
  let cls = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (cls) {
      if (ch === ']') cls = false;
      continue;
    }
    if (ch === '[') cls = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      branches.push(source.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(source.slice(start));
  const out: string[] = [];
  for (const b of branches) {
    const lit = longestLiteral(b);
    if (!lit || lit.length < 4) return undefined;
    out.push(lit.toLowerCase());
  }
  return out;
}

/** Longest run of literal characters outside groups and classes, honouring optional quantifiers. */
function longestLiteral(src: string): string {
  let best = '';
  let cur = '';
  let depth = 0;
  const flush = () => {
    if (cur.length > best.length) best = cur;
    cur = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (depth > 0) {
      if (ch === '\\') i++;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if (depth === 0) {
        // a quantifier after a group does not affect literals around it, but the run breaks
        cur = '';
      }
      continue;
    }
    let lit: string | undefined;
    if (ch === '\\') {
      const nx = src[i + 1];
      i++;
      if (nx !== undefined && /[.\\\-\[\]{}()*+?^$|\/"'=:,<>#&!%@ ]/.test(nx)) lit = nx;
      else {
        flush();
        continue;
      }
    } else if (ch === '(') {
      flush();
      depth = 1;
      continue;
    } else if (ch === '[') {
      flush();
      // skip the class
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      continue;
    } else if ('.^$|'.includes(ch)) {
      flush();
      continue;
    } else if ('*+?{'.includes(ch)) {
      // the previous char is quantified: drop it from the run (unless `+`, which keeps one copy)
      if (ch !== '+') cur = cur.slice(0, -1);
      flush();
      if (ch === '{') while (i < src.length && src[i] !== '}') i++;
      continue;
    } else lit = ch;
    // quotes and backslashes differ between printf and structured (escaped) lines: not literal-safe
    if (lit === '"' || lit === '\\') {
      flush();
      continue;
    }
    cur += lit;
  }
  flush();
  return best;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Unescape klog's quoting (`\"` → `"`) so one pattern serves printf and structured lines. */
export function normaliseMessage(message: string): string {
  return message.indexOf('\\') === -1 ? message : message.replace(/\\(["\\])/g, '$1');
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
  const allLiterals = [...new Set(filtered.flatMap((p) => p.literals!))];
  const prefilter = allLiterals.length ? new RegExp(allLiterals.map(escapeRe).join('|'), 'i') : undefined;

  return {
    patterns,
    byRule,
    match(rec, onMatch) {
      const msg = rec.message.length > MATCH_WINDOW ? rec.message.slice(0, MATCH_WINDOW) : rec.message;
      const kubelet = rec.fromKubelet;
      const level = rec.level ? LEVELS.indexOf(rec.level) : -1;
      let text: string | undefined;
      const test = (p: CompiledPattern) => {
        if (!kubelet && !p.anyProcess) return;
        if (p.minLevel >= 0 && level >= 0 && level < p.minLevel) return;
        text ??= normaliseMessage(msg);
        const m = p.re.exec(text);
        if (m) onMatch(p, m, text);
      };
      if (prefilter && prefilter.test(msg)) {
        const lower = msg.toLowerCase();
        for (const p of filtered) if (p.literals!.some((l) => lower.includes(l))) test(p);
      }
      for (const p of always) test(p);
    },
  };
}
