// JavaScript's RegExp backtracks, so a user's rule file could hang a scan. Patterns are checked at
// load time and those that can backtrack catastrophically are rejected with the reason:
//   - nested unbounded quantifiers (star height > 1), e.g. (a+)+, (\w*\s?)*
//   - an unbounded quantifier over a group with alternation, e.g. (a|ab)*
//   - backreferences (matching them is NP-hard in general)
// Polynomial blow-up on long lines is bounded separately: matching only looks at the first
// MATCH_WINDOW characters of a message.

export const MATCH_WINDOW = 8192;

interface Group {
  hasUnbounded: boolean;
  hasAlternation: boolean;
}

/** Returns a description of the problem, or undefined when the pattern is safe to run. */
export function checkPatternSafety(source: string): string | undefined {
  if (/\\[1-9]|\\k</.test(source.replace(/\\\\/g, ''))) return 'backreferences are not allowed (they can make matching take exponential time)';
  const stack: Group[] = [{ hasUnbounded: false, hasAlternation: false }];
  let inClass = false;
  let lastWasGroupClose: Group | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      i++;
      lastWasGroupClose = undefined;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      lastWasGroupClose = undefined;
      continue;
    }
    if (ch === '(') {
      stack.push({ hasUnbounded: false, hasAlternation: false });
      lastWasGroupClose = undefined;
      continue;
    }
    if (ch === ')') {
      const g = stack.pop();
      if (!g || stack.length === 0) return 'unbalanced parentheses';
      if (g.hasUnbounded) stack[stack.length - 1]!.hasUnbounded = true;
      lastWasGroupClose = g;
      continue;
    }
    if (ch === '|') {
      stack[stack.length - 1]!.hasAlternation = true;
      lastWasGroupClose = undefined;
      continue;
    }
    const unbounded = ch === '*' || ch === '+' || (ch === '{' && /^\{\d*,\}/.test(source.slice(i)));
    if (unbounded) {
      if (lastWasGroupClose?.hasUnbounded)
        return `nested unbounded quantifiers near position ${i} (like (a+)+): this can backtrack catastrophically; rewrite without repeating a repeated group`;
      if (lastWasGroupClose?.hasAlternation)
        return `unbounded repetition of an alternation near position ${i} (like (a|ab)*): this can backtrack catastrophically; use a character class or a bounded count`;
      stack[stack.length - 1]!.hasUnbounded = true;
    }
    if (ch === '{') {
      const close = source.indexOf('}', i);
      if (close > i) i = close;
    }
    lastWasGroupClose = undefined;
  }
  if (stack.length !== 1) return 'unbalanced parentheses';
  return undefined;
}
