// JavaScript's RegExp backtracks, so a user's rule file could hang a scan. Patterns are checked at
// load time and those that can backtrack catastrophically are rejected with the reason:
//   - nested unbounded quantifiers (star height > 1), e.g. (a+)+, (\w*\s?)*, (x+y+)*
//   - an unbounded quantifier over a group with alternation, e.g. (a|ab)*, (\w|\d)+
//   - a group holding an unbounded quantifier repeated a fixed number of times, e.g. (.*a){12}
//   - a group holding optional parts repeated 10 times or more, e.g. (a?){25}
//   - unbounded quantifiers back to back: two over the same atom or `.` (\s*\s*, .*\w+), or any three
//     (conservative: three disjoint classes would be safe, but no real kubelet wording needs them)
//   - backreferences (matching them is NP-hard in general), counts over 1000, patterns over 10,000 chars
// Polynomial blow-up on long lines (e.g. .*a.*b.*c on a line with no c) is bounded separately: matching
// only looks at the first MATCH_WINDOW characters of a message, and only at lines holding one of the
// pattern's required literals (engine/matcher.ts).

export const MATCH_WINDOW = 8192;

const MAX_SOURCE = 10_000;
const MAX_COUNT = 1000;

interface Group {
  /** Holds an unbounded quantifier (* + {n,}) at any depth. */
  hasUnbounded: boolean;
  /** Holds any quantifier at any depth. */
  hasQuantifier: boolean;
  /** Has a top-level `|`. */
  hasAlternation: boolean;
  /** A lookaround: zero-width, repeating it cannot multiply paths. */
  look: boolean;
  /** Where the group's `(` is, so a quantifier after `)` knows the atom it repeats. */
  start: number;
}

interface Quant {
  min: number;
  max: number; // Infinity when unbounded
  length: number; // characters consumed, lazy `?` included
}

/** The quantifier starting at source[i], if any. */
function quantifierAt(source: string, i: number): Quant | undefined {
  const c = source[i];
  let q: Quant | undefined;
  if (c === '*') q = { min: 0, max: Infinity, length: 1 };
  else if (c === '+') q = { min: 1, max: Infinity, length: 1 };
  else if (c === '?') q = { min: 0, max: 1, length: 1 };
  else if (c === '{') {
    // no fixed-size look-ahead: `{2,99999999999999999999999}` is a count however many digits it has
    const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i, source.indexOf('}', i) + 1));
    if (!m) return undefined; // a literal `{`
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    q = { min, max, length: m[0].length };
  }
  if (q && source[i + q.length] === '?') q.length++;
  return q;
}

/** Returns a description of the problem, or undefined when the pattern is safe to run. */
export function checkPatternSafety(source: string): string | undefined {
  if (source.length > MAX_SOURCE) return `pattern is ${source.length} characters long (at most ${MAX_SOURCE})`;
  try {
    new RegExp(source, 'i');
  } catch (e) {
    return `not a valid JavaScript regular expression: ${(e as Error).message}`;
  }
  const stack: Group[] = [{ hasUnbounded: false, hasQuantifier: false, hasAlternation: false, look: false, start: -1 }];
  // Polynomial chains: unbounded quantifiers back to back over atoms that can match the same text
  // (\s*\s*\s*!, .*.*.*zzz) try every split of a failing line among them: O(n^k) for a chain of k.
  let atomStart = -1; // where the atom a following quantifier would repeat begins
  let chainEnd = -1; // where the last unbounded quantifier ended
  let chain: string[] = []; // the atoms of the current back-to-back chain
  let inClass = false;
  let lastGroup: Group | undefined; // the group that just closed (a quantifier may follow)
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inClass) {
      if (ch === '\\') i++;
      else if (ch === ']') inClass = false;
      continue;
    }
    if (ch !== '*' && ch !== '+' && ch !== '?' && ch !== '{' && ch !== ')') atomStart = i;
    if (ch === '\\') {
      const nx = source[i + 1];
      if (nx !== undefined && /[1-9]/.test(nx)) return `backreference \\${nx} near position ${i}: backreferences are not allowed (they can make matching take exponential time)`;
      if (nx === 'k' && source[i + 2] === '<') return `named backreference near position ${i}: backreferences are not allowed (they can make matching take exponential time)`;
      i++;
      lastGroup = undefined;
      continue;
    }
    if (ch === '[') {
      // `[]` is an empty class in JavaScript (it matches nothing) and closes at once: what follows is
      // live syntax, so `x[]?(a+)+b]` must be checked as `x`, `[]?`, `(a+)+`, `b]`
      if (source[i + 1] === ']') {
        i++;
        lastGroup = undefined;
        continue;
      }
      inClass = true;
      lastGroup = undefined;
      continue;
    }
    if (ch === '(') {
      const look = /^\(\?<?[=!]/.test(source.slice(i, i + 4));
      stack.push({ hasUnbounded: false, hasQuantifier: false, hasAlternation: false, look, start: i });
      chain = [];
      lastGroup = undefined;
      continue;
    }
    if (ch === ')') {
      const g = stack.pop();
      if (!g || stack.length === 0) return 'unbalanced parentheses';
      const parent = stack[stack.length - 1]!;
      if (g.hasUnbounded) parent.hasUnbounded = true;
      if (g.hasQuantifier) parent.hasQuantifier = true;
      lastGroup = g;
      atomStart = g.start;
      continue;
    }
    if (ch === '|') {
      stack[stack.length - 1]!.hasAlternation = true;
      chain = [];
      lastGroup = undefined;
      continue;
    }
    const q = quantifierAt(source, i);
    if (q) {
      if (q.min > MAX_COUNT || (q.max !== Infinity && q.max > MAX_COUNT)) return `repetition count near position ${i} is over ${MAX_COUNT}`;
      const g = lastGroup;
      if (g && !g.look) {
        if (q.max === Infinity && g.hasUnbounded)
          return `nested unbounded quantifiers near position ${i} (like (a+)+): this can backtrack catastrophically; rewrite without repeating a repeated group`;
        if (q.max === Infinity && g.hasAlternation)
          return `unbounded repetition of an alternation near position ${i} (like (a|ab)*): this can backtrack catastrophically; use a character class or a bounded count`;
        if (q.max > 1 && g.hasUnbounded)
          return `a group with an unbounded quantifier repeated ${q.max} times near position ${i} (like (.*a){12}): this can backtrack catastrophically; repeat a group without * or +`;
        if (q.max >= 10 && (g.hasQuantifier || g.hasAlternation))
          return `a group with optional or alternative parts repeated ${q.max === Infinity ? 'without bound' : `${q.max} times`} near position ${i} (like (a?){25}): this can backtrack catastrophically`;
      }
      if (q.max === Infinity && atomStart >= 0) {
        const atom = source.slice(atomStart, i).toLowerCase();
        chain = chainEnd === atomStart ? [...chain, atom] : [atom];
        chainEnd = i + q.length;
        const overlapping = chain.length >= 2 && chain.slice(1).some((a, k) => a === chain[k] || a === '.' || chain[k] === '.');
        if (chain.length >= 3 || overlapping)
          return `unbounded quantifiers back to back near position ${i} (like \\s*\\s* or .*.*): a line that fails to match tries every split among them (polynomial time); keep one`;
      }
      const top = stack[stack.length - 1]!;
      top.hasQuantifier = true;
      if (q.max === Infinity) top.hasUnbounded = true;
      // a quantified group's own contents count for the enclosing group too (already propagated at `)`)
      i += q.length - 1;
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
  }
  if (stack.length !== 1) return 'unbalanced parentheses';
  return undefined;
}
