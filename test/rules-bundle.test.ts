// The built-in rules bundle (dist/rules/index.js, written by scripts/build-rules.mjs at build time) must
// give exactly what loading rules/ file by file gives: same ids, order, files and metadata, same checks.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';

const root = new URL('..', import.meta.url).pathname;

function plain(rules: Rule[]): unknown[] {
  return rules.map(({ check, ...meta }) => ({ ...meta, check: typeof check }));
}

describe('built-in rules bundle', () => {
  it('equals per-file loading (ids, order, files, metadata, code rules)', async () => {
    // global setup compiled dist/ with tsc; write the bundle as `npm run build` does
    const gen = spawnSync(process.execPath, [join(root, 'scripts/build-rules.mjs')], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/built-in rules →/);
    const dist = (await import(pathToFileURL(join(root, 'dist/src/rules/load.js')).href)) as typeof import('../src/rules/load.js');
    const bundled = await dist.loadBundledRules();
    expect(bundled, 'the compiled loader should use the bundle').toBeDefined();
    const perFile = await dist.loadRuleFiles(dist.builtinRulesDir(), { builtin: true });
    expect(bundled!.map((r) => r.id)).toEqual(perFile.map((r) => r.id));
    expect(plain(bundled!)).toEqual(plain(perFile));
    // and both equal what the source tree loads (vitest runs src/ and rules/*.ts directly)
    const { rules: fromSource, errors } = await loadRules([]);
    expect(errors).toEqual([]);
    expect(plain(bundled!)).toEqual(plain(fromSource));
    // the compiled loadRules takes the bundle
    const { rules: compiled } = await dist.loadRules([]);
    expect(plain(compiled)).toEqual(plain(bundled!));
    // code rules come from the same compiled modules either way
    const byId = new Map(perFile.map((r) => [r.id, r]));
    for (const r of bundled!) if (r.kind === 'code') expect(r.check).toBe(byId.get(r.id)!.check);
  });

  it("carries each pattern's required literals and safety verdict as computed at load, and a user rule is still checked", async () => {
    const gen = spawnSync(process.execPath, [join(root, 'scripts/build-rules.mjs')], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const bundle = (await import(`${pathToFileURL(join(root, 'dist/rules/index.js')).href}?t=${Date.now()}`)) as { literals: Record<string, string[] | null>; safePatterns: string[] };
    const { requiredLiterals } = await import('../src/engine/literals.js');
    const { checkPatternSafety } = await import('../src/rules/safety.js');
    const { rules } = await loadRules([]);
    const patterns = rules.flatMap((r) => (r.match?.journal ?? []).map((p) => p.pattern));
    expect(patterns.length).toBeGreaterThan(100);
    for (const p of patterns) {
      expect(bundle.literals[p], p).toEqual(requiredLiterals(p) ?? null);
      expect(bundle.safePatterns, p).toContain(p);
    }
    // the compiled checker, primed with the bundle's list, still refuses a pattern that is not on it
    const dist = (await import(pathToFileURL(join(root, 'dist/src/rules/safety.js')).href)) as typeof import('../src/rules/safety.js');
    dist.primeSafePatterns(bundle.safePatterns);
    expect(dist.checkPatternSafety('(a+)+$')).toMatch(/nested unbounded/);
    expect(checkPatternSafety('(a+)+$')).toMatch(/nested unbounded/);
  });
});
