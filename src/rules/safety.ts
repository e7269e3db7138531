// JavaScript's RegExp backtracks, so a user's rule file could hang a scan. Patterns are parsed with a real
// regex parser (@eslint-community/regexpp, the one ESLint uses) and those that can backtrack
// catastrophically are rejected at load time with the reason:
//   - nested unbounded quantifiers (star height > 1), e.g. (a+)+, (\w*\s?)*, (x+y+)*
//   - an unbounded quantifier over a group with alternation, e.g. (a|ab)*, (\w|\d)+
//   - a group holding an unbounded quantifier repeated a fixed number of times, e.g. (.*a){12}
//   - a group holding optional or alternative parts repeated 10 times or more, e.g. (a?){25}
//   - unbounded quantifiers back to back (polynomial: a failing line tries every split among them): two
//     over atoms that can match the same character (\s*\s*, .*\w+, \d+\w+), or any three (conservative:
//     three disjoint classes would be safe, but no real kubelet wording needs them)
//   - backreferences (matching them is NP-hard in general), counts over 1000, patterns over 10,000 chars
// Polynomial blow-up on long lines (e.g. .*a.*b.*c on a line with no c) is bounded separately: matching
// only looks at the first MATCH_WINDOW characters of a message, and only at lines holding one of the
// pattern's required literals (engine/matcher.ts).

import { RegExpParser, type AST } from '@eslint-community/regexpp';

export const MATCH_WINDOW = 8192;

const MAX_SOURCE = 10_000;
const MAX_COUNT = 1000;

class Unsafe extends Error {}

const unbounded = (q: AST.Quantifier) => q.max === Infinity;

/** Every quantifier inside a node, lookarounds included (they are backtracked into like any group). */
function quantifiersIn(node: AST.Node, out: AST.Quantifier[] = []): AST.Quantifier[] {
  switch (node.type) {
    case 'Quantifier':
      out.push(node);
      quantifiersIn(node.element, out);
      break;
    case 'Group':
    case 'CapturingGroup':
    case 'Pattern':
      for (const a of node.alternatives) quantifiersIn(a, out);
      break;
    case 'Alternative':
      for (const e of node.elements) quantifiersIn(e, out);
      break;
    case 'Assertion':
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') for (const a of node.alternatives) quantifiersIn(a, out);
      break;
    default:
  }
  return out;
}

function hasAlternation(node: AST.Node): boolean {
  if (node.type === 'Group' || node.type === 'CapturingGroup') return node.alternatives.length > 1 || node.alternatives.some((a) => a.elements.some(hasAlternation));
  if (node.type === 'Quantifier') return hasAlternation(node.element);
  return false;
}

// Which characters an atom can match: its ASCII characters as a 128-bit set, plus whether it can match some
// non-ASCII character. Judged by running the atom itself on each character, so every escape, class and
// property means exactly what JavaScript makes of it (case-insensitively, as rules are matched).
const NON_ASCII_PROBES = ['é', 'ü', 'ß', 'ı', 'Ω', '中', '\u00a0', '\u2028', '\ufeff'];
function charUniverse(source: string): { ascii: boolean[]; other: boolean } {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, 'is');
  } catch {
    return { ascii: new Array<boolean>(128).fill(true), other: true };
  }
  const ascii: boolean[] = [];
  for (let c = 0; c < 128; c++) ascii.push(re.test(String.fromCharCode(c)));
  return { ascii, other: NON_ASCII_PROBES.some((ch) => re.test(ch)) };
}

/** Whether two atoms can match a common character (for a group: any character anywhere in it). */
function overlap(a: AST.Node, b: AST.Node): boolean {
  const single = (n: AST.Node) => n.type === 'Character' || n.type === 'CharacterClass' || n.type === 'CharacterSet';
  // a group repeated back to back with another atom: judged by every character inside it (conservative)
  const chars = (n: AST.Node) => (single(n) ? [n] : charsIn(n));
  const ua = chars(a).map((n) => charUniverse(n.raw));
  const ub = chars(b).map((n) => charUniverse(n.raw));
  for (const x of ua)
    for (const y of ub) {
      if (x.other && y.other) return true;
      for (let c = 0; c < 128; c++) if (x.ascii[c] && y.ascii[c]) return true;
    }
  return false;
}

function charsIn(node: AST.Node, out: AST.Node[] = []): AST.Node[] {
  if (node.type === 'Character' || node.type === 'CharacterClass' || node.type === 'CharacterSet') out.push(node);
  else if (node.type === 'Quantifier') charsIn(node.element, out);
  else if (node.type === 'Group' || node.type === 'CapturingGroup') for (const a of node.alternatives) for (const e of a.elements) charsIn(e, out);
  return out;
}

function checkQuantifier(q: AST.Quantifier): void {
  const at = `near position ${q.start}`;
  if (q.min > MAX_COUNT || (q.max !== Infinity && q.max > MAX_COUNT)) throw new Unsafe(`repetition count ${at} is over ${MAX_COUNT}`);
  const el = q.element;
  if (el.type === 'Assertion') return; // zero-width: repeating it cannot multiply paths
  const inner = quantifiersIn(el).filter((x) => x !== q);
  const innerUnbounded = inner.some(unbounded);
  if (unbounded(q) && innerUnbounded)
    throw new Unsafe(`nested unbounded quantifiers ${at} (like (a+)+): this can backtrack catastrophically; rewrite without repeating a repeated group`);
  if (unbounded(q) && hasAlternation(el))
    throw new Unsafe(`unbounded repetition of an alternation ${at} (like (a|ab)*): this can backtrack catastrophically; use a character class or a bounded count`);
  if (q.max > 1 && innerUnbounded)
    throw new Unsafe(`a group with an unbounded quantifier repeated ${q.max} times ${at} (like (.*a){12}): this can backtrack catastrophically; repeat a group without * or +`);
  if (q.max >= 10 && (inner.length > 0 || hasAlternation(el)))
    throw new Unsafe(`a group with optional or alternative parts repeated ${q.max === Infinity ? 'without bound' : `${q.max} times`} ${at} (like (a?){25}): this can backtrack catastrophically`);
}

/** Back-to-back unbounded quantifiers in one sequence (polynomial time on a line that fails to match). */
function checkChains(alt: AST.Alternative): void {
  let chain: AST.Quantifier[] = [];
  for (const e of alt.elements) {
    if (e.type === 'Quantifier' && unbounded(e)) {
      chain.push(e);
      const n = chain.length;
      if (n >= 3 || (n === 2 && overlap(chain[0]!.element, chain[1]!.element)))
        throw new Unsafe(
          `unbounded quantifiers back to back near position ${e.start} (like \\s*\\s* or .*.*): a line that fails to match tries every split among them (polynomial time); keep one`,
        );
    } else chain = [];
  }
}

function walk(node: AST.Node): void {
  switch (node.type) {
    case 'Backreference':
      throw new Unsafe(`backreference ${node.raw} near position ${node.start}: backreferences are not allowed (they can make matching take exponential time)`);
    case 'Quantifier':
      checkQuantifier(node);
      walk(node.element);
      break;
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      for (const a of node.alternatives) walk(a);
      break;
    case 'Assertion':
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') for (const a of node.alternatives) walk(a);
      break;
    case 'Alternative':
      checkChains(node);
      for (const e of node.elements) walk(e);
      break;
    default:
  }
}

let parser: RegExpParser | undefined;

/**
 * Patterns the build found safe (scripts/build-rules.mjs checks every built-in pattern with this very
 * function and lists those that passed beside the rules bundle): parsing them all again costs ~100 ms at
 * every start. A pattern not listed, a user's or a changed one, is checked here.
 */
const knownSafe = new Set<string>();
export function primeSafePatterns(sources: readonly string[]): void {
  for (const s of sources) if (typeof s === 'string' && knownSafe.size < 10_000) knownSafe.add(s);
}

/** Returns a description of the problem, or undefined when the pattern is safe to run. */
export function checkPatternSafety(source: string): string | undefined {
  if (knownSafe.has(source)) return undefined;
  if (source.length > MAX_SOURCE) return `pattern is ${source.length} characters long (at most ${MAX_SOURCE})`;
  try {
    new RegExp(source, 'i');
  } catch (e) {
    return `not a valid JavaScript regular expression: ${(e as Error).message}`;
  }
  let ast: AST.Pattern;
  try {
    parser ??= new RegExpParser({ ecmaVersion: 2025 });
    ast = parser.parsePattern(source, 0, source.length, { unicode: false });
  } catch (e) {
    // JavaScript accepts it (Annex B leniency) but the parser does not: it cannot be judged, so it is refused
    return `not a regular expression this checker can read: ${(e as Error).message}`;
  }
  try {
    walk(ast);
  } catch (e) {
    if (e instanceof Unsafe) return e.message;
    throw e;
  }
  return undefined;
}
