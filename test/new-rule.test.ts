// `npm run new-rule` scaffolds a rule, its fixture scenario and its doc stub: the data rule it writes
// passes the same schema check as every rule file, and it never overwrites anything.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateRule } from '../src/rules/model.js';
import { checkPatternSafety } from '../src/rules/safety.js';
import { scratchDir } from './helpers.js';
// @ts-expect-error: plain ESM script without types
import { scaffold } from '../scripts/new-rule.mjs';

describe('new-rule scaffolding', () => {
  it('writes a data rule that passes the schema check, its scenario (annotated) and its doc', () => {
    const root = scratchDir();
    const written = scaffold({ id: 'demo-problem', root }) as string[];
    expect(written.sort()).toEqual(['docs/rules/demo-problem.md', 'fixtures/journal/demo-problem/scenario.yaml', 'rules/demo-problem.yaml']);
    const rule = validateRule(parse(readFileSync(join(root, 'rules/demo-problem.yaml'), 'utf8')), 'demo-problem.yaml', 'data');
    expect(rule.id).toBe('demo-problem');
    expect(checkPatternSafety(rule.match!.journal![0]!.pattern)).toBeUndefined();
    const scenario = parse(readFileSync(join(root, 'fixtures/journal/demo-problem/scenario.yaml'), 'utf8')) as { entries: { ruleid?: string }[] };
    expect(scenario.entries.some((e) => e.ruleid === 'demo-problem')).toBe(true);
  });

  it('writes a code rule that imports only the rule kit', () => {
    const root = scratchDir();
    scaffold({ id: 'demo-code', code: true, evidence: ['journal', 'system'], root });
    const text = readFileSync(join(root, 'rules/demo-code.ts'), 'utf8');
    expect([...text.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['../src/rules/kit.js']);
    expect(text).toContain("evidence: ['journal', 'system']");
  });

  it('refuses bad ids, unknown evidence kinds and existing files', () => {
    const root = scratchDir();
    expect(() => scaffold({ id: 'Bad_Id', root })).toThrow(/kebab-case/);
    expect(() => scaffold({ id: 'ok-id', evidence: ['journal', 'disk'], root })).toThrow(/unknown evidence kind/);
    scaffold({ id: 'twice', root });
    expect(() => scaffold({ id: 'twice', root })).toThrow(/exists already/);
  });
});
