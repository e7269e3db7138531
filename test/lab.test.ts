// The node lab's recordings (fixtures/lab/SCENARIO/VERSION, made by scripts/lab from real kubelets):
// each holds no secret, says where it came from, and a plain scan of its capture puts the injected cause
// first — or the fixture's `knownGap` says exactly how the engine disagrees with the recording (the
// recording wins; a gap that closes fails here until the fixture is recorded again).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error a plain ES module of the lab scripts (no types)
import { scanForSecrets } from '../scripts/lab/secrets.mjs';
import { runScan } from '../src/scan.js';
import { builtinRules, ROOT } from './helpers.js';

const LAB = join(ROOT, 'fixtures', 'lab');
const recordings: { scenario: string; version: string; dir: string }[] = [];
if (existsSync(LAB))
  for (const scenario of readdirSync(LAB).sort())
    for (const version of readdirSync(join(LAB, scenario)).sort()) recordings.push({ scenario, version, dir: join(LAB, scenario, version) });

describe('lab recordings', () => {
  it('cover at least 15 scenarios over at least 3 kubelet minors', () => {
    const scenarios = new Set(recordings.map((r) => r.scenario));
    const minors = new Set(recordings.map((r) => r.version.split('.').slice(0, 2).join('.')));
    expect({ scenarios: scenarios.size >= 15, minors: minors.size >= 3 }).toEqual({ scenarios: true, minors: true });
  });

  it('CI never builds or runs the lab (it is on demand; CI checks the recordings)', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8') + readFileSync(join(ROOT, 'scripts', 'test.mjs'), 'utf8');
    expect(ci).not.toMatch(/scripts\/lab\/|npm run lab|lab:e2e/);
  });

  it('hold no private key and no bootstrap token', () => {
    expect(scanForSecrets(LAB)).toEqual([]);
  });

  it('the secrets check finds a planted key and token', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'kubelet-doctor-lab-'));
    writeFileSync(join(d, 'a.pem'), '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n');
    writeFileSync(join(d, 'b.conf'), 'token: abc123.0123456789abcdef\n');
    expect(scanForSecrets(d).length).toBe(2);
  });

  it('node-not-found stays quiet where the kubelet registered after its lookups, and fires where it never registered', async () => {
    // every real start looks the Node object up before registering (v1.37.2 ten times and more)
    const seen: Record<string, string[]> = { registered: [], quiet: [], never: [], fired: [] };
    for (const { scenario, version, dir } of recordings) {
      const spec = parse(readFileSync(join(dir, 'fixture.yaml'), 'utf8'));
      const text = readFileSync(join(dir, spec.journals[0]), 'utf8');
      const lookups = text.split('\n').filter((l) => /nodes? \\?"lab-node\\?" not found/.test(l)).length;
      if (lookups < 10) continue;
      const report = await runScan({ rules: await builtinRules(), journals: [join(dir, spec.journals[0])], noJournalctl: true, now: new Date(spec.now), useApi: false, inputs: undefined });
      const fired = report.findings.some((f) => f.ruleId === 'node-not-found');
      const key = `${scenario} ${version}`;
      if (text.includes('"Successfully registered node"')) {
        seen.registered!.push(key);
        if (!fired) seen.quiet!.push(key);
      } else {
        seen.never!.push(key);
        if (fired) seen.fired!.push(key);
      }
    }
    expect(seen.registered!.length).toBeGreaterThan(0);
    expect(seen.never!.length).toBeGreaterThan(0);
    expect(seen.quiet).toEqual(seen.registered);
    expect(seen.fired).toEqual(seen.never);
  });

  it("the healthy node's findings are all the lab machine's own, and the machine's cgroup finding is true of its captures", () => {
    const unexplained: string[] = [];
    const untrue: string[] = [];
    for (const { scenario, version, dir } of recordings) {
      const spec = parse(readFileSync(join(dir, 'fixture.yaml'), 'utf8'));
      const machine = Object.keys(spec.machine ?? {});
      if (spec.healthy) for (const id of spec.expect) if (!machine.includes(id)) unexplained.push(`${scenario} ${version}: ${id}`);
      if (!machine.includes('cgroup-hierarchy-not-unified')) continue;
      // some captured process has cpu at one cgroup and memory at another (cgroup v1 lines), or the kubelet says so
      const proc = join(dir, spec.root, 'proc');
      const said = /cpu and memory cgroup hierarchy not unified\.\s+cpu: (\S*), memory: ([^\s"]+)/.exec(readFileSync(join(dir, spec.journals[0]), 'utf8'));
      const split = (said && said[1] !== said[2]) || readdirSync(proc).some((pid) => {
        const f = join(proc, pid, 'cgroup');
        if (!existsSync(f)) return false;
        const lines = readFileSync(f, 'utf8').split('\n');
        const cpu = lines.find((l) => /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:/.test(l))?.split(':')[2];
        const memory = lines.find((l) => /^\d+:memory:/.test(l))?.split(':')[2];
        return cpu !== undefined && memory !== undefined && cpu !== memory;
      });
      if (!split) untrue.push(`${scenario} ${version}`);
    }
    expect({ unexplained, untrue }).toEqual({ unexplained: [], untrue: [] });
  });

  for (const { scenario, version, dir } of recordings) {
    it(`${scenario} ${version}: provenance, and the cause first`, async () => {
      const spec = parse(readFileSync(join(dir, 'fixture.yaml'), 'utf8'));
      const prov = parse(readFileSync(join(dir, 'provenance.yaml'), 'utf8'));
      expect(prov.source).toBe(`k8s.io/kubernetes@${version}`);
      expect(prov.kubeletVersionOutput).toBe(`Kubernetes ${version}`);
      const report = await runScan({
        rules: await builtinRules(),
        journals: [join(dir, spec.journals[0])],
        root: join(dir, spec.root),
        noJournalctl: true,
        now: new Date(spec.now),
        useApi: false,
        kubeletVersion: spec.kubeletVersion,
        inputs: undefined,
      });
      const first = report.findings[0]?.ruleId;
      if (spec.healthy) {
        const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
        if (spec.knownGap) expect(errors.length).toBeGreaterThan(0);
        else expect(errors).toEqual([]);
      } else if (spec.knownGap) {
        // the gap is real today; when a rule change closes it, record the scenario again
        expect(first).not.toBe(spec.cause);
      } else {
        expect(first).toBe(spec.cause);
      }
    });
  }
});
