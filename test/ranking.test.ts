// Ranking: the cause that made the kubelet exit comes first, explained findings fold under their
// cause, signatures seen only in earlier runs rank last, benign ones never lead.

import { describe, expect, it } from 'vitest';
import { rank, verdict } from '../src/engine/diagnose.js';
import type { Rule } from '../src/rules/model.js';
import type { Finding } from '../src/types.js';

function rule(id: string, extra: Partial<Rule> = {}): Rule {
  return {
    id, title: id, severity: 'error', category: 'x', evidence: ['journal'], message: id, why: 'w',
    remediation: { summary: 's', steps: [{ text: 't' }] }, references: ['https://kubernetes.io/'], file: `${id}.yaml`, kind: 'data', ...extra,
  };
}
function finding(id: string, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: id, severity: 'error', title: id, category: 'x', message: id, why: 'w', evidence: [{ kind: 'journal', source: 's', line: 10, text: 't', run: 0 }],
    remediation: { summary: 's', steps: [] }, references: [], explains: [], runs: [0], current: true, causedExit: false, benign: false, count: 1, ...extra,
  };
}

describe('rank', () => {
  it('puts the exit cause first, then errors before warnings', () => {
    const rules = [rule('a'), rule('b'), rule('c')];
    const out = rank([finding('a', { severity: 'warning' }), finding('b'), finding('c', { causedExit: true })], rules, 0);
    expect(out.map((f) => f.ruleId)).toEqual(['c', 'b', 'a']);
  });

  it('folds explained findings under their cause and keeps them', () => {
    const rules = [rule('cause', { explains: ['symptom'] }), rule('symptom'), rule('other')];
    const out = rank([finding('symptom', { evidence: [{ kind: 'journal', source: 's', line: 1, text: 't', run: 0 }] }), finding('other'), finding('cause')], rules, 0);
    expect(out.map((f) => f.ruleId)).toEqual(['cause', 'symptom', 'other']);
    const symptom = out.find((f) => f.ruleId === 'symptom')!;
    expect(symptom.explainedBy).toBe('cause');
    expect(out.find((f) => f.ruleId === 'cause')!.explains).toEqual(['symptom']);
    expect(out.indexOf(symptom)).toBe(out.findIndex((f) => f.ruleId === 'cause') + 1);
  });

  it('does not fold a current symptom under a cause seen only in earlier runs', () => {
    const rules = [rule('cause', { explains: ['symptom'] }), rule('symptom')];
    const out = rank([finding('cause', { current: false, runs: [0] }), finding('symptom')], rules, 1);
    expect(out[0]!.ruleId).toBe('symptom');
    expect(out[0]!.explainedBy).toBeUndefined();
  });

  it('ranks earlier-run-only findings and benign ones last', () => {
    const rules = [rule('old'), rule('noise', { benign: true }), rule('now', { severity: 'warning' })];
    const out = rank([finding('old', { current: false }), finding('noise', { severity: 'info', benign: true }), finding('now', { severity: 'warning' })], rules, 0);
    expect(out.map((f) => f.ruleId)).toEqual(['now', 'noise', 'old']);
  });

  it('breaks ties by fatal, then priority, then the earliest line in the latest run', () => {
    const rules = [rule('late'), rule('early'), rule('fatal', { fatal: true }), rule('prio', { priority: 5 })];
    const at = (line: number) => [{ kind: 'journal' as const, source: 's', line, text: 't', run: 0 }];
    const out = rank([finding('late', { evidence: at(50) }), finding('early', { evidence: at(5) }), finding('prio', { evidence: at(90) }), finding('fatal', { evidence: at(99) })], rules, 0);
    expect(out.map((f) => f.ruleId)).toEqual(['fatal', 'prio', 'early', 'late']);
  });

  it('survives explains cycles', () => {
    const rules = [rule('a', { explains: ['b'] }), rule('b', { explains: ['a'] })];
    const out = rank([finding('a'), finding('b')], rules, 0);
    expect(out).toHaveLength(2);
    expect(out.filter((f) => f.explainedBy).length).toBeLessThan(2);
  });

  it('verdict names the exit cause and the crash loop', () => {
    const f = finding('cgroup', { causedExit: true, title: 'A reserved cgroup is missing' });
    expect(verdict({ findings: [f], crashLoop: { runs: 4, restartCounter: 3 }, runs: [], skipped: [] })).toBe(
      'kubelet exits: A reserved cgroup is missing (crash loop: 4 runs, restart counter 3)',
    );
    expect(verdict({ findings: [], runs: [], skipped: [] })).toBe('No known failure signature found');
    expect(verdict({ findings: [finding('x', { current: false, title: 'T' })], runs: [], skipped: [] })).toMatch(/No current failure; earlier kubelet runs showed: T/);
  });
});
