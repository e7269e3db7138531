// Damage robustness: every journal fixture line annotated as a rule's evidence, damaged the ways real posts
// damage lines (test/damage-variants.ts says which variants and why), scanned alone through the real
// pipeline (as stdin), must still name the same rule. By default a deterministic sample of the lines runs
// (every variant of each sampled line); KUBELET_DOCTOR_DAMAGE_FULL=1 (or KUBELET_DOCTOR_TEST_FULL=1) runs
// every line and prints the figures recorded in docs/damaged-text.md.

import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../src/rules/model.js';
import { runScan } from '../src/scan.js';
import { builtinRules, ROOT } from './helpers.js';
import { CLASSES, evidenceLines, variants, type DamageClass } from './damage-variants.js';
import { normaliseMessage } from '../src/engine/matcher.js';

const FULL = process.env.KUBELET_DOCTOR_DAMAGE_FULL === '1' || process.env.KUBELET_DOCTOR_TEST_FULL === '1';
/** The default run takes one evidence line in SAMPLE_STEP (spread over every fixture and format). */
const SAMPLE_STEP = 8;

/**
 * Why a failing variant is not required to pass, by class (docs/damaged-text.md), or undefined: it must pass.
 * - an unmarked cut (no `…`, `...` or `>`) that fell inside the wording a pattern requires: without a mark, the
 *   cut line is a complete line that says less, and the engine matches partial wordings only on lines it knows
 *   were cut (a complete `Failed to start ContainerManager` is not the reserved-cgroup failure).
 */
function excuse(cls: DamageClass, text: string, rule: Rule): string | undefined {
  if (cls === 'cut') {
    const norm = normaliseMessage(text);
    if (!(rule.match?.journal ?? []).some((p) => new RegExp(p.pattern, 'i').test(norm))) return 'unmarked cut inside the required wording';
  }
  return undefined;
}

async function names(text: string, rules: Rule[]): Promise<string[]> {
  const report = await runScan({
    rules,
    inputs: [{ name: 'stdin', open: () => Readable.from([`${text}\n`]) }],
    nodeState: false,
    noJournalctl: true,
    useApi: false,
    now: new Date('2026-01-01T00:00:00Z'),
  });
  return report.findings.map((f) => f.ruleId);
}

describe('damage robustness: an evidence line, damaged, names the same rule', () => {
  it(`every variant of ${FULL ? 'every' : `one in ${SAMPLE_STEP}`} evidence line`, { timeout: FULL ? 1_800_000 : 60_000 }, async () => {
    const rules = await builtinRules();
    const byId = new Map(rules.map((r) => [r.id, r]));
    const all = evidenceLines(ROOT);
    expect(all.length).toBeGreaterThan(500);
    const lines = FULL ? all : all.filter((_, i) => i % SAMPLE_STEP === 0);
    const tried = new Map<DamageClass, number>();
    const failed = new Map<DamageClass, string[]>();
    const allowedFails = new Map<DamageClass, number>();
    let needsContext = 0;
    for (const e of lines) {
      const rule = byId.get(e.ruleId)!;
      expect(rule, `${e.where}: unknown rule ${e.ruleId}`).toBeDefined();
      // a line that does not name its rule alone, undamaged, needs its journal: nothing to damage
      if (!(await names(e.raw, rules)).includes(e.ruleId)) {
        needsContext++;
        continue;
      }
      for (const v of variants(e, rule)) {
        tried.set(v.cls, (tried.get(v.cls) ?? 0) + 1);
        if ((await names(v.text, rules)).includes(e.ruleId)) continue;
        if (excuse(v.cls, v.text, rule)) allowedFails.set(v.cls, (allowedFails.get(v.cls) ?? 0) + 1);
        else failed.set(v.cls, [...(failed.get(v.cls) ?? []), `${e.where} [${e.format}] ${v.cls} (${v.detail}): ${JSON.stringify(v.text.slice(-160))}`]);
      }
    }
    const total = [...tried.values()].reduce((a, b) => a + b, 0);
    const fails = [...failed.values()].reduce((a, b) => a + b.length, 0);
    const table = CLASSES.filter((c) => tried.has(c)).map((c) => `  ${c.padEnd(18)} tried ${String(tried.get(c)).padStart(5)}  failed ${String(failed.get(c)?.length ?? 0).padStart(4)}  excused ${allowedFails.get(c) ?? 0}`);
    const excused = [...allowedFails.values()].reduce((a, b) => a + b, 0);
    const summary = `damage robustness: ${lines.length} evidence lines (${needsContext} need their journal), ${total} variants, ${total - fails - excused} named the rule, ${excused} excused, ${fails} failed\n${table.join('\n')}`;
    if (FULL || fails) console.log(summary);
    const detail = [...failed.values()].flat();
    // KUBELET_DOCTOR_DAMAGE_REPORT=FILE: every failure, one a line (for working through them)
    if (process.env.KUBELET_DOCTOR_DAMAGE_REPORT) writeFileSync(process.env.KUBELET_DOCTOR_DAMAGE_REPORT, `${summary}\n${detail.join('\n')}\n`);
    expect(detail.slice(0, 40), summary).toEqual([]);
  });
});
