// Required literals of a rule pattern, from a real regex AST (@eslint-community/regexpp): a set of lower-case
// strings one of which every match holds. The byte scan (engine/byte-search.ts) looks for them in raw input
// and the matcher's line gate tests them before any regex runs, so longer, fewer literals are faster.
//
// The method is that of trigram indexing (Russ Cox, "Regular Expression Matching with a Trigram Index"):
// every node gets its exact strings when they are few, the strings its matches start and end with, and
// the best requirement found inside it. A sequence joins its parts across group boundaries, so
// `(?:panic|fatal error): ` requires `panic: ` or `fatal error: `, not the bare words.

import { RegExpParser, type AST } from '@eslint-community/regexpp';

/** Literals shorter than this cannot be searched for (the byte scan hashes 4-byte grams). */
export const MIN_LITERAL = 4;
/** The most alternatives a set may hold before it is given up (exact, prefix and suffix sets). */
const MAX_SET = 16;

interface Info {
  /** Every string the node can match (lower case), when there are few; undefined otherwise. */
  exact?: Set<string>;
  /** Every match starts with one of these ('' alone: nothing known). */
  prefix: Set<string>;
  /** Every match ends with one of these. */
  suffix: Set<string>;
  /** The best requirement found inside: every match holds one of these. */
  req?: Set<string>;
}

const EMPTY = new Set(['']);
const NOTHING: Info = { prefix: EMPTY, suffix: EMPTY };
const EMPTY_MATCH: Info = { exact: EMPTY, prefix: EMPTY, suffix: EMPTY };

/**
 * A character a literal may hold: the byte scan reads undecoded input, where a double quote may be escaped
 * (`\"` in structured klog, JSON) and control characters are written `#011` or `\t`; a backslash is itself
 * escaped there.
 */
function literalSafe(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c >= 32 && c !== 127 && ch !== '"' && ch !== '\\';
}

function cross(a: Set<string>, b: Set<string>): Set<string> | undefined {
  if (a.size * b.size > MAX_SET) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function union(sets: Set<string>[]): Set<string> | undefined {
  const out = new Set<string>();
  for (const s of sets) for (const x of s) out.add(x);
  return out.size > MAX_SET ? undefined : out;
}

/** How good a requirement is to search for: its shortest member counts most, then how few members it has. */
function score(r: Set<string> | undefined): number {
  if (!r || r.size === 0) return -1;
  let min = Infinity;
  for (const x of r) min = Math.min(min, x.length);
  if (min < MIN_LITERAL) return -1;
  // beyond 24 characters a literal is as selective as it gets; fewer alternatives load the scan's table less
  return Math.min(min, 24) * 8 - r.size;
}

function best(...cands: (Set<string> | undefined)[]): Set<string> | undefined {
  let top: Set<string> | undefined;
  for (const c of cands) if (score(c) > score(top)) top = c;
  return top;
}

/** The requirement a node guarantees on its own: its best inner one, or its exact strings. */
function requirement(i: Info): Set<string> | undefined {
  return best(i.req, i.exact);
}

/**
 * Strings are kept short: a literal's first KEEP characters are as required as the whole of it, and past
 * 24 characters the score no longer grows. Without the clip, every join along a long pattern would copy
 * the whole text so far (quadratic in the pattern's length).
 */
const KEEP = 32;
const map = (set: Set<string>, f: (x: string) => string) => new Set([...set].map(f));
const head = (set: Set<string>) => ([...set].some((x) => x.length > KEEP) ? map(set, (x) => x.slice(0, KEEP)) : set);
const tail = (set: Set<string>) => ([...set].some((x) => x.length > KEEP) ? map(set, (x) => x.slice(-KEEP)) : set);

function concat(a: Info, b: Info): Info {
  let exact = a.exact && b.exact ? cross(a.exact, b.exact) : undefined;
  const prefix = head((a.exact && cross(a.exact, b.prefix)) ?? a.prefix);
  const suffix = tail((b.exact && cross(a.suffix, b.exact)) ?? b.suffix);
  const join = head(cross(a.suffix, b.prefix) ?? EMPTY);
  let req = best(a.req, b.req, join);
  if (exact && [...exact].some((x) => x.length > KEEP)) {
    // too long to carry whole: what is required of it is its head
    req = best(req, head(exact));
    exact = undefined;
  } else req = best(req, exact);
  return { exact, prefix: exact ?? prefix, suffix: exact ?? suffix, req };
}

function sequence(elements: AST.Element[]): Info {
  let acc = EMPTY_MATCH;
  let run = ''; // consecutive plain characters, joined before they meet the rest (one string, not one per character)
  const flush = () => {
    if (!run) return;
    const one = new Set([run]);
    acc = concat(acc, { exact: one, prefix: one, suffix: one });
    run = '';
  };
  for (const e of elements) {
    if (e.type === 'Character') {
      const ch = String.fromCodePoint(e.value).toLowerCase();
      if (literalSafe(ch)) {
        run += ch;
        continue;
      }
    }
    flush();
    acc = concat(acc, element(e));
  }
  flush();
  return acc;
}

function alternatives(alts: AST.Alternative[]): Info {
  const infos = alts.map((a) => sequence(a.elements));
  const exact = infos.every((i) => i.exact) ? union(infos.map((i) => i.exact!)) : undefined;
  const prefix = union(infos.map((i) => i.prefix)) ?? EMPTY;
  const suffix = union(infos.map((i) => i.suffix)) ?? EMPTY;
  const reqs = infos.map(requirement);
  const req = reqs.every((r) => score(r) >= 0) ? union(reqs as Set<string>[]) : undefined;
  return { exact, prefix: prefix.has('') ? EMPTY : prefix, suffix: suffix.has('') ? EMPTY : suffix, req };
}

/** The characters a class can match, when they are few and literal-safe (`[Ee]`, `[-_]`); undefined otherwise. */
function classChars(node: AST.CharacterClass): Set<string> | undefined {
  if (node.negate || node.unicodeSets) return undefined;
  const out = new Set<string>();
  for (const el of node.elements) {
    if (el.type === 'Character') out.add(String.fromCodePoint(el.value).toLowerCase());
    else if (el.type === 'CharacterClassRange' && el.max.value - el.min.value < MAX_SET)
      for (let c = el.min.value; c <= el.max.value; c++) out.add(String.fromCodePoint(c).toLowerCase());
    else return undefined;
    if (out.size > 4) return undefined;
  }
  for (const ch of out) if (!literalSafe(ch)) return undefined;
  return out.size ? out : undefined;
}

function element(node: AST.Element): Info {
  switch (node.type) {
    case 'Character': {
      const ch = String.fromCodePoint(node.value).toLowerCase();
      return literalSafe(ch) ? { exact: new Set([ch]), prefix: new Set([ch]), suffix: new Set([ch]) } : NOTHING;
    }
    case 'CharacterClass': {
      const chars = classChars(node);
      return chars ? { exact: chars, prefix: chars, suffix: chars } : NOTHING;
    }
    case 'Group':
    case 'CapturingGroup':
      return alternatives(node.alternatives);
    case 'Assertion':
      // zero-width: a positive lookaround's requirement holds in the text, a negative one's says nothing
      if ((node.kind === 'lookahead' || node.kind === 'lookbehind') && !node.negate)
        return { ...EMPTY_MATCH, req: requirement(alternatives(node.alternatives)) };
      return EMPTY_MATCH;
    case 'Quantifier': {
      if (node.max === 0) return EMPTY_MATCH;
      const inner = element(node.element);
      if (node.min === 0) return node.max === 1 && inner.exact ? { exact: union([inner.exact, EMPTY]), prefix: EMPTY, suffix: EMPTY } : NOTHING;
      if (node.min === node.max && inner.exact) {
        let acc = EMPTY_MATCH;
        for (let k = 0; k < node.min && acc.exact; k++) acc = concat(acc, inner);
        if (acc.exact) return acc;
      }
      return { prefix: inner.prefix, suffix: inner.suffix, req: requirement(inner) };
    }
    default:
      // `.`, \d \s \w, property escapes, backreferences: no literal
      return NOTHING;
  }
}

let parser: RegExpParser | undefined;

/**
 * Answers by pattern source. Parsing every built-in pattern costs ~100 ms in a cold process, so the build
 * computes them once (scripts/build-rules.mjs writes them beside the rules bundle) and a scan's worker
 * threads get the main thread's: both prime this memo. A pattern not in it (a user's rule, a changed
 * one) is computed here, so a stale table can only cost time, never change an answer.
 */
const memo = new Map<string, string[] | null>();
const MEMO_MAX = 10_000;

/** Load answers computed elsewhere (the build, the main thread). */
export function primeLiterals(table: Readonly<Record<string, string[] | null>>): void {
  for (const [source, lits] of Object.entries(table)) if (memo.size < MEMO_MAX) memo.set(source, lits);
}

/** Every answer so far, to hand to a worker thread or write at build time. */
export function literalTable(): Record<string, string[] | null> {
  return Object.fromEntries(memo);
}

/**
 * Lower-cased literals (at least MIN_LITERAL characters) one of which every match of the pattern holds (for
 * the case-insensitive matching rules use), or undefined when the pattern guarantees none, or does not parse.
 */
export function requiredLiterals(source: string): string[] | undefined {
  const known = memo.get(source);
  if (known !== undefined) return known ? [...known] : undefined;
  let lits: string[] | null = null;
  try {
    parser ??= new RegExpParser({ ecmaVersion: 2025 });
    const req = requirement(alternatives(parser.parsePattern(source, 0, source.length, { unicode: false }).alternatives));
    if (score(req) >= 0) lits = [...req!];
  } catch {
    // not a pattern this parser reads: no literal is known
  }
  if (memo.size < MEMO_MAX) memo.set(source, lits);
  return lits ? [...lits] : undefined;
}
