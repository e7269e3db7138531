// The wording catalogue (docs/catalogue/wordings.yaml, harvested from the release sources) checks itself
// against the rules: every wording has a rule or a reason, every rule it names exists, and — what makes the
// catalogue worth having — each wording's rule matches the message rendered from its format string the way
// the kubelet prints it. Wordings waiting for a rule (pending-rule: being written; no-rule-yet: proposed)
// are reported, and may name only the rules known to be coming.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileMatcher, type Matcher } from '../src/engine/matcher.js';
import type { Rule } from '../src/rules/model.js';
import { builtinRules, ROOT } from './helpers.js';
// @ts-expect-error: a plain ES module shared with scripts/catalogue/build-catalogue.mjs
import { renderSample } from '../scripts/catalogue/render.mjs';

interface Entry {
  id: string;
  format: string;
  level: string;
  v?: number;
  style: string;
  keys?: string[];
  err?: boolean;
  file: string;
  func?: string;
  versions: string;
  rule?: string;
  reason?: string;
  status?: 'pending-rule' | 'no-rule-yet';
  fallback?: string;
  sample?: Record<string, unknown>;
}

/** Rules the rules helper is writing in parallel: wordings may wait for them (status pending-rule). */
const COMING = new Set([
  'kmsg-unavailable', 'inotify-limit', 'kernel-defaults-mismatch', 'kernel-flags-permission-denied', 'cpu-manager-state-mismatch',
  'kubelet-root-dir-missing', 'cgroup-controller-missing', 'cgroup-v2-unsupported', 'eviction-signal-missing', 'unknown-flag-typo',
  'kubelet-exit-unexplained',
]);

const doc = parse(readFileSync(join(ROOT, 'docs/catalogue/wordings.yaml'), 'utf8')) as { families: { family: string; entries: Entry[] }[]; pending: Entry[] };
const entries = doc.families.flatMap((f) => f.entries);
let rules: Rule[];
let matcher: Matcher;

beforeAll(async () => {
  rules = await builtinRules();
  matcher = compileMatcher(rules);
});

function sampleOf(e: Entry): string {
  return renderSample({ format: e.format, style: e.style, keys: e.keys ?? [], hasErr: e.err ?? false }, e.sample ?? {});
}

function rulesMatching(text: string, level: string): string[] {
  const hits = new Set<string>();
  matcher.match({ source: 'catalogue', line: 1, message: text, fromKubelet: true, level: (level === 'error-value' ? 'E' : level) as 'E' }, (p) => hits.add(p.ruleId));
  return [...hits];
}

describe('wording catalogue', () => {
  it('covers v1.10 to v1.35 and holds every family the start-up paths print', () => {
    const minors = new Set(entries.flatMap((e) => e.versions.match(/1\.\d+/g) ?? []));
    for (const m of ['1.10', '1.35']) expect(minors.has(m), m).toBe(true);
    for (const f of ['kubelet-startup', 'cgroups', 'container-manager', 'certificates', 'cri', 'node-registration', 'config-validation', 'eviction', 'cpu-manager', 'cadvisor-manager']) {
      expect(doc.families.some((x) => x.family === f && x.entries.length > 0), f).toBe(true);
    }
  });

  it('gives every wording a rule or a reason, and unique ids', () => {
    const none = [...entries, ...doc.pending].filter((e) => !e.rule && !e.reason).map((e) => `${e.id}: ${e.format}`);
    expect(none, 'wordings with neither a rule nor a reason').toEqual([]);
    const ids = [...entries, ...doc.pending].map((e) => e.id);
    expect(ids.length - new Set(ids).size, 'duplicate ids').toBe(0);
  });

  it('names only rules that exist, or rules known to be coming (pending-rule)', () => {
    const known = new Set(rules.map((r) => r.id));
    const missing = entries.filter((e) => e.rule && !known.has(e.rule) && !(e.status === 'pending-rule' && COMING.has(e.rule))).map((e) => `${e.id} → ${e.rule}`);
    expect(missing, 'wordings naming a rule that does not exist').toEqual([]);
    const fallbacks = entries.filter((e) => e.fallback && !known.has(e.fallback) && !COMING.has(e.fallback)).map((e) => `${e.id} → ${e.fallback}`);
    expect(fallbacks, 'wordings whose fallback rule does not exist').toEqual([]);
  });

  it("matches each wording's sample, rendered from its format string, with the rule it names", () => {
    const misses: string[] = [];
    for (const e of entries) {
      if (!e.rule || e.status) continue;
      const text = sampleOf(e);
      if (!rulesMatching(text, e.level).includes(e.rule)) misses.push(`${e.id} (${e.versions}) → ${e.rule}\n    ${text}`);
    }
    expect(misses, 'wordings their rule does not match').toEqual([]);
  });

  it('keeps proposed rules (no-rule-yet) apart, and reports the wordings still waiting', () => {
    const known = new Set(rules.map((r) => r.id));
    for (const e of doc.pending) expect(e.status, e.id).toBe('no-rule-yet');
    // a proposed rule that now exists: its wordings belong in the families, matched
    const landed = doc.pending.filter((e) => e.rule && known.has(e.rule)).map((e) => `${e.id} → ${e.rule}`);
    expect(landed, 'no-rule-yet wordings whose rule exists now (assign them)').toEqual([]);
    const waiting = new Map<string, number>();
    for (const e of [...entries.filter((x) => x.status === 'pending-rule'), ...doc.pending]) waiting.set(e.rule!, (waiting.get(e.rule!) ?? 0) + 1);
    // pending-rule wordings whose rule has landed and does not match yet: reported for the rules' authors
    const unmatched = entries.filter((e) => e.status === 'pending-rule' && known.has(e.rule!) && !rulesMatching(sampleOf(e), e.level).includes(e.rule!));
    console.info(
      `catalogue: ${entries.length + doc.pending.length} wordings; waiting for a rule: ${[...waiting].map(([r, n]) => `${r} ${n}`).join(', ')}` +
        (unmatched.length ? `; pending-rule wordings the landed rule does not match yet: ${unmatched.length}` : ''),
    );
    // nothing to assert on `waiting`: an empty list (every proposed rule landed) is the goal, not a failure
  });

  it('renders printf and structured samples the way the kubelet prints them', () => {
    expect(sampleOf({ format: 'unable to load bootstrap kubeconfig: %v', style: 'error' } as Entry)).toBe('unable to load bootstrap kubeconfig: example');
    expect(sampleOf({ format: 'Failed to enforce %s on %q: %d%%', style: 'printf' } as Entry)).toBe('Failed to enforce example on "example": 42%');
    expect(sampleOf({ format: 'Unable to register node with API server', style: 'structured', err: true, keys: ['node'], sample: { err: 'x "y"' } } as unknown as Entry)).toBe(
      '"Unable to register node with API server" err="x \\"y\\"" node="example"',
    );
    expect(sampleOf({ format: '%q cgroup does not exist', style: 'error', sample: { args: ['"/a"'], within: 'wrap: %s' } } as unknown as Entry)).toBe('wrap: "/a" cgroup does not exist');
  });
});
