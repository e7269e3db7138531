// The rule set checks itself: every rule loads through the one schema, gives a fix with a command,
// fires on at least one fixture (journal rules in at least two journal formats), and stays quiet on
// the healthy baselines. A broken rule file is rejected with the file and field named.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type CaseResult } from '../src/check.js';
import { loadRules } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';
import { builtinRules, ROOT, scratchDir } from './helpers.js';

let rules: Rule[];
let results: CaseResult[];

beforeAll(async () => {
  rules = await builtinRules();
  results = await runCheck([join(ROOT, 'fixtures')], rules);
}, 300_000);

describe('rule set', () => {
  it('every rule has a pasteable fix and references', () => {
    for (const r of rules) {
      expect(r.remediation.steps.some((s) => s.command && s.command.trim().length > 0), `${r.id}: no step with a command`).toBe(true);
      expect(r.references.length, r.id).toBeGreaterThan(0);
    }
  });

  it('every rule fires on at least one fixture; journal rules in at least two journal formats', () => {
    const formats = new Map<string, Set<string>>();
    const fired = new Set<string>();
    for (const c of results) {
      if (!c.report) continue;
      for (const f of c.report.findings) {
        fired.add(f.ruleId);
        if (f.evidence.some((e) => e.kind === 'journal')) for (const fmt of c.formats) (formats.get(f.ruleId) ?? formats.set(f.ruleId, new Set()).get(f.ruleId)!).add(fmt);
      }
    }
    const silent = rules.filter((r) => !fired.has(r.id)).map((r) => r.id);
    expect(silent, 'rules that no fixture fires').toEqual([]);
    const oneFormat = rules
      .filter((r) => r.match?.journal?.length)
      .filter((r) => (formats.get(r.id)?.size ?? 0) < 2)
      .map((r) => `${r.id} (${[...(formats.get(r.id) ?? [])].join(', ') || 'none'})`);
    expect(oneFormat, 'journal rules seen in fewer than two journal formats').toEqual([]);
  });

  it('healthy baselines exist (journal and node tree) and yield no error finding', () => {
    const healthy = results.filter((c) => /healthy/.test(c.fixture));
    expect(healthy.some((c) => c.formats.length > 0), 'a healthy journal baseline').toBe(true);
    for (const c of healthy) {
      const errors = c.report?.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId) ?? ['(no report)'];
      expect(errors, `${c.fixture} (${c.name})`).toEqual([]);
    }
  });

  it('every rule ran quiet on at least one healthy baseline (not skipped there)', () => {
    const healthy = results.filter((c) => /healthy/.test(c.fixture) && c.report);
    const quiet = new Set<string>();
    for (const c of healthy) for (const id of c.report.rulesRun) if (!c.report.findings.some((f) => f.ruleId === id)) quiet.add(id);
    const never = rules.filter((r) => !quiet.has(r.id)).map((r) => r.id);
    expect(never, 'rules never evaluated quiet on a healthy baseline').toEqual([]);
  });
});

describe('rule loading', () => {
  async function loadOne(file: string, text: string) {
    const dir = join(scratchDir(), 'rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), text);
    return loadRules([dir], { builtins: false });
  }
  const good = `id: my-rule
title: T
severity: warning
category: c
evidence: [journal]
match:
  journal: ['something bad happened']
message: m
why: w
remediation: {summary: s, steps: [{text: t, command: echo fix}]}
references: [https://kubernetes.io/]
`;

  it('loads a user rule directory', async () => {
    const { rules: rs, errors } = await loadOne('my-rule.yaml', good);
    expect(errors).toEqual([]);
    expect(rs.map((r) => r.id)).toEqual(['my-rule']);
  });

  it('names the file, line and field of a schema error', async () => {
    const { errors } = await loadOne('my-rule.yaml', good.replace('severity: warning', 'severity: fatal'));
    expect(errors[0]).toMatch(/my-rule\.yaml:3: severity: must be one of error, warning, info/);
    const e2 = await loadOne('my-rule.yaml', good.replace("journal: ['something bad happened']", "journal: ['(unclosed']"));
    expect(e2.errors[0]).toMatch(/my-rule\.yaml:7: match\.journal\[0\]\.pattern: invalid regular expression/);
    const e3 = await loadOne('other-name.yaml', good);
    expect(e3.errors[0]).toMatch(/other-name\.yaml:1: id: "my-rule" must equal the file name "other-name"/);
    const e4 = await loadOne('my-rule.yaml', good.replace('why: w\n', 'why: w\ncolour: red\n'));
    expect(e4.errors[0]).toMatch(/my-rule\.yaml:10: colour: unknown field/);
  });

  it('rejects malformed YAML and YAML alias bombs with the file named', async () => {
    const { errors } = await loadOne('bad.yaml', 'id: [unclosed\n');
    expect(errors[0]).toMatch(/bad\.yaml(?::\d+)?: invalid YAML/);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const t0 = Date.now();
    const b = await loadOne('bomb.yaml', `${bomb.join('\n')}\n`);
    // an expanded bomb would never finish: a hang detector, not a speed measurement
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(b.errors[0]).toMatch(/bomb\.yaml: invalid YAML/);
  });

  it('rejects patterns that can backtrack catastrophically', async () => {
    const { errors } = await loadOne('my-rule.yaml', good.replace("journal: ['something bad happened']", () => "journal: ['(a+)+$']"));
    expect(errors[0]).toMatch(/my-rule\.yaml:7: match\.journal\[0\]\.pattern: nested unbounded quantifiers/);
  });
});

describe('docs/rules.md', () => {
  it('is generated from the current rule metadata (kubelet-doctor rules --format markdown > docs/rules.md)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderRulesDoc } = await import('../src/render/rules-doc.js');
    const committed = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc(await builtinRules()));
  });
});
