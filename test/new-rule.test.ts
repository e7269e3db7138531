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

  it('writes a YAML rule that tests one node fact (--state), with a node fixture to fill, for each kind', () => {
    for (const [state, kind] of [['setting', 'kubeletConfig'], ['sysctl', 'system'], ['file', 'system']] as const) {
      const root = scratchDir();
      const written = scaffold({ id: `demo-${state}`, state, root }) as string[];
      expect(written.sort()).toEqual([`docs/rules/demo-${state}.md`, `fixtures/nodes/demo-${state}/fixture.yaml`, `rules/demo-${state}.yaml`]);
      const rule = validateRule(parse(readFileSync(join(root, `rules/demo-${state}.yaml`), 'utf8')), `demo-${state}.yaml`, 'data');
      expect(rule.evidence).toEqual([kind]);
      expect(rule.state!.map((c) => c.kind)).toEqual([state]);
      expect(rule.match?.journal).toBeUndefined();
      const fixture = parse(readFileSync(join(root, `fixtures/nodes/demo-${state}/fixture.yaml`), 'utf8')) as { expect: string[]; root: string };
      expect(fixture).toMatchObject({ expect: [`demo-${state}`], root: '.' });
    }
    // with journal evidence too: a pattern beside the condition, and the journal scenario
    const root = scratchDir();
    const written = scaffold({ id: 'demo-both', state: 'sysctl', evidence: ['journal'], root }) as string[];
    expect(written).toContain('fixtures/journal/demo-both/scenario.yaml');
    const rule = validateRule(parse(readFileSync(join(root, 'rules/demo-both.yaml'), 'utf8')), 'demo-both.yaml', 'data');
    expect(rule.evidence).toEqual(['journal', 'system']);
    expect(rule.match!.journal).toHaveLength(1);
    expect(() => scaffold({ id: 'demo-bad', state: 'disk', root })).toThrow(/--state takes setting, sysctl or file/);
    expect(() => scaffold({ id: 'demo-two', state: 'file', code: true, root })).toThrow(/choose one/);
  });

  it('refuses bad ids, unknown evidence kinds and existing files', () => {
    const root = scratchDir();
    expect(() => scaffold({ id: 'Bad_Id', root })).toThrow(/kebab-case/);
    expect(() => scaffold({ id: 'ok-id', evidence: ['journal', 'disk'], root })).toThrow(/unknown evidence kind/);
    scaffold({ id: 'twice', root });
    expect(() => scaffold({ id: 'twice', root })).toThrow(/exists already/);
  });
});
