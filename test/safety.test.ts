// Rule patterns: catastrophic backtracking is rejected at load time with a reason; every real pattern of
// the built-in rules passes; matching stays bounded in time on hostile lines (MATCH_WINDOW).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher, requiredLiterals } from '../src/engine/matcher.js';
import { loadRules } from '../src/rules/load.js';
import { checkPatternSafety, MATCH_WINDOW } from '../src/rules/safety.js';
import type { LogRecord } from '../src/types.js';
import { builtinRules, scratchDir } from './helpers.js';

const BAD: [string, RegExp][] = [
  ['(a+)+$', /nested unbounded/],
  ['(a*)*b', /nested unbounded/],
  ['(a|aa)*b', /alternation/],
  ['(a|a)+$', /alternation/],
  ['(\\w+\\s?)*$', /nested unbounded/],
  ['(.*a){12}', /repeated 12 times/],
  ['(?:x+y+)+z', /nested unbounded/],
  ['((ab)*c)*d', /nested unbounded/],
  ['(a?){25}a{25}', /optional or alternative/],
  ['(\\d+){2,}', /nested unbounded/],
  ['(a|b|ab){1,}c', /alternation/],
  ['^(([a-z])+.)+[A-Z]([a-z])+$', /nested unbounded/],
  ['(\\w)\\1', /backreference/],
  ['(?<x>a)\\k<x>', /backreference/],
  ['a{100000}', /over 1000/],
  ['(unclosed', /not a valid|unbalanced/],
  ['a)b', /not a valid|unbalanced/],
  ['x'.repeat(10_001), /characters long/],
  // `[]` is an empty class in JavaScript, closed at once: what follows is live syntax, not class members
  ['x[]?(a+)+b]', /nested unbounded/],
  ['x[^]?(a+)+b]', /nested unbounded/],
  // a count too long for a fixed-size look-ahead is still a count
  ['(a+){2,99999999999999999999999}', /over 1000|nested unbounded/],
  ['a{99999999999999999999999}', /over 1000/],
  // polynomial chains: back-to-back unbounded quantifiers over text they can share
  ['\\s*\\s*\\s*\\s*!', /back to back/],
  ['.*.*.*.*zzz', /back to back/],
  ['a\\d+\\d+b', /back to back/],
  ['x.*\\w+y', /back to back/],
  // judged on the characters each atom can match, not on how it is written
  ['a\\d+\\w+b', /back to back/],
  ['a[0-9]+\\d*b', /back to back/],
  ['id=[a-f]+[A-F0-9]+;', /back to back/],
  // inside a lookahead as anywhere else
  ['(?=(a+)+b)', /nested unbounded/],
];

const GOOD = [
  'Failed to enforce (?<which>System|Kube) Reserved Cgroup Limits on "(?<cgroup>[^"]*)"',
  '(?:\\d{1,3}\\.){3}\\d{1,3}',
  '(?:[0-9a-f]{2}:){5}[0-9a-f]{2}',
  'PLEG is not healthy: pleg was last seen active [0-9]+m[0-9.]+s ago',
  '(?:Failed|Error) to (?:start|run) (?<what>\\w+)',
  '(?=can\'t use --reserved-cpus)',
  '[(a+)+]',
  '\\(a+\\)+',
  'a.*b.*c', // not back to back: each .* is anchored by a literal
  '\\d+\\s+x', // two atoms that cannot share a character
  '[a-f]+[g-z]+', // nor can these, case-insensitively
  'x(?:ab)+(?:cd)+y', // groups of disjoint characters
];

describe('checkPatternSafety', () => {
  for (const [p, why] of BAD) it(`rejects ${p.slice(0, 40)}`, () => expect(checkPatternSafety(p)).toMatch(why));
  for (const p of GOOD) it(`accepts ${p.slice(0, 40)}`, () => expect(checkPatternSafety(p)).toBeUndefined());

  it('accepts every pattern of the built-in rules', async () => {
    const rules = await builtinRules();
    const bad = rules.flatMap((r) => (r.match?.journal ?? []).map((p) => [r.id, checkPatternSafety(p.pattern)] as const)).filter(([, w]) => w);
    expect(bad).toEqual([]);
  });

  it('never throws on random pattern text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'()[]{}|*+?\\^$.a1,:<>=!kdws'.split('')), maxLength: 40 }), (src) => {
        const r = checkPatternSafety(src);
        expect(r === undefined || typeof r === 'string').toBe(true);
        // requiredLiterals must not throw either, and its literals must occur in any match
        const lits = r === undefined ? requiredLiterals(src) : undefined;
        expect(lits === undefined || Array.isArray(lits)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('patterns it accepts finish on hostile lines (a hang detector, not a speed measurement)', () => {
    // a form the check refuses, (a+)+$, would not finish on this line in any lifetime; the accepted ones,
    // polynomial at worst (a.*b.*c) and bounded by MATCH_WINDOW, take milliseconds. The bound is far above
    // both so that a loaded machine cannot fail it: speed itself is measured by `npm run bench`.
    const ok = GOOD.map((p) => new RegExp(p, 'i'));
    const line = `${'a'.repeat(MATCH_WINDOW)}!`;
    const t0 = performance.now();
    for (const re of ok) re.test(line);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});

describe('requiredLiterals', () => {
  it('finds literals inside groups and per alternative', () => {
    // a literal's head is as required as the whole of it: 32 characters are kept
    expect(requiredLiterals('(?:the containerRuntimeEndpoint was not specified|container runtime endpoint address was not)')).toEqual([
      'the containerruntimeendpoint was',
      'container runtime endpoint addre',
    ]);
    // an optional group between literals: both readings
    expect(requiredLiterals('abc(?:defg)?hij')).toEqual(['abcdefghij', 'abchij']);
    expect(requiredLiterals('^(?!.*plugin type=).*?dial tcp (?<ep>\\S+): connect')).toEqual(['dial tcp ']);
    expect(requiredLiterals('(?=invalid taint: )')).toEqual(['invalid taint: ']);
  });

  it('joins literals across group boundaries, so short words become the phrases they are part of', () => {
    // without the join these would be `panic` and `http`: 5-byte needles halve the byte scan's stride
    expect(requiredLiterals('^(?:panic|fatal error): ')).toEqual(['panic: ', 'fatal error: ']);
    expect(requiredLiterals('"?(?<url>https?://[^/"]+)/api')).toEqual(['https://', 'http://']);
    expect(requiredLiterals('[Ff]ailed to (?:run|start) kubelet')).toEqual(['failed to run kubelet', 'failed to start kubelet']);
    expect(requiredLiterals('unable to (?:fetch )?load config')).toEqual(['unable to fetch load config', 'unable to load config']);
    // too many readings to list: the best required part
    expect(requiredLiterals('a?b?c?d?e? kubelet (?:x|y)')).toEqual([' kubelet x', ' kubelet y']);
    // a quoted value breaks a literal: its quotes are escaped in structured lines
    expect(requiredLiterals('msg="(?:abcdef)"')).toEqual(['abcdef']);
  });

  it('answers a pattern it cannot parse with no literal, and remembers answers by source', () => {
    expect(requiredLiterals('(unclosed group here')).toBeUndefined();
    const a = requiredLiterals('swap is on (?:now|again)');
    expect(requiredLiterals('swap is on (?:now|again)')).toEqual(a);
  });

  it('every literal occurs in every match (random texts around literal patterns)', () => {
    const pats = ['swap is on', 'foo(?:bar|bazz) qux', '(?<a>\\d+) not found', 'a(?:bcd)?efgh|ijkl+mnop'];
    for (const p of pats) {
      const re = new RegExp(p, 'i');
      const lits = requiredLiterals(p) ?? [];
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrsuvwxz SWAPISON0123456789 '.split('')), maxLength: 30 }), fc.string({ maxLength: 10 }), (pre, post) => {
          for (const mid of ['swap is on', 'foobarr qux', 'foobazz qux', '42 not found', 'aefgh', 'ijklllmnop']) {
            const s = pre + mid + post;
            const m = re.exec(s);
            if (m) expect(lits.some((l) => m[0].toLowerCase().includes(l))).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('loading user rules', () => {
  it('a rule with a catastrophic pattern is rejected with file, field and reason; the others still load', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'r'));
    const rule = (id: string, pattern: string) =>
      `id: ${id}\ntitle: t\nseverity: warning\ncategory: test\nevidence: [journal]\nmatch:\n  journal:\n    - pattern: '${pattern}'\nmessage: m\nwhy: w\nremediation:\n  summary: s\n  steps:\n    - text: x\nreferences:\n  - https://kubernetes.io/docs/\n`;
    writeFileSync(join(dir, 'r', 'evil-rule.yaml'), rule('evil-rule', '(a+)+$'));
    writeFileSync(join(dir, 'r', 'fine-rule.yaml'), rule('fine-rule', 'something broke here'));
    const { rules, errors } = await loadRules([join(dir, 'r')], { builtins: false });
    expect(rules.map((r) => r.id)).toEqual(['fine-rule']);
    expect(errors.join('\n')).toMatch(/evil-rule\.yaml.*match\.journal\[0\]\.pattern.*nested unbounded/s);
  });

  it('MATCH_WINDOW bounds matching: a 10 MB message is matched on its head only', () => {
    const m = compileMatcher([
      { id: 'x', match: { journal: [{ pattern: 'needle here' }] } } as never,
    ]);
    const rec: LogRecord = { source: 's', line: 1, message: `${'y'.repeat(10_000_000)} needle here`, fromKubelet: true, fromSystemd: false };
    let n = 0;
    const t0 = performance.now();
    m.match(rec, () => n++);
    expect(n).toBe(0);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
