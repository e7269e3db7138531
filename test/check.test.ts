// The fixture harness itself: a passing fixture, a missing finding, an extra finding, a pinned line
// that is not cited, an `ok:` line that is cited, and the CLI exit codes for each.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFixture, readAnnotations, renderCheck } from '../src/check.js';
import { builtinRules, cli, ROOT, scratchDir } from './helpers.js';

const SWAP = 'Nov 20 03:00:02.123706 node-a kubelet[1234]: E1120 03:00:02.123706    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false"';
const START = 'Nov 20 03:00:01.123456 node-a kubelet[1234]: I1120 03:00:01.123456    1234 server.go:487] "Kubelet version" kubeletVersion="v1.31.2"';

function fixture(spec: string, journal: string): string {
  const dir = join(scratchDir(), 'case');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fixture.yaml'), spec);
  writeFileSync(join(dir, 'kubelet.log'), journal);
  return dir;
}

describe('check', () => {
  it('passes when findings equal expectations and the pinned line is cited', async () => {
    const dir = fixture('description: swap\nnow: 2026-11-20T04:00:00Z\njournals: [kubelet.log]\n', `${START}\n# ruleid: swap-enabled\n${SWAP}\n`);
    const [r] = await checkFixture(dir, await builtinRules());
    expect(r!.missing).toEqual([]);
    expect(r!.extra).toEqual([]);
    expect(r!.problems).toEqual([]);
    expect(r!.ok).toBe(true);
  });

  it('reports a missing finding', async () => {
    const dir = fixture('description: x\njournals: [kubelet.log]\nexpect: [swap-enabled, pleg-unhealthy]\n', `${START}\n${SWAP}\n`);
    const [r] = await checkFixture(dir, await builtinRules());
    expect(r!.ok).toBe(false);
    expect(r!.missing).toEqual(['pleg-unhealthy']);
    expect(r!.extra).toEqual([]);
  });

  it('reports an extra finding', async () => {
    const dir = fixture('description: x\njournals: [kubelet.log]\nexpect: []\n', `${START}\n${SWAP}\n`);
    const [r] = await checkFixture(dir, await builtinRules());
    expect(r!.ok).toBe(false);
    expect(r!.extra).toEqual(['swap-enabled']);
    expect(renderCheck([r!], (s) => s)).toMatch(/extra \(found, not expected\):\s+swap-enabled[\s\S]*0 passed, 1 failed/);
  });

  it('fails when an annotated line is not cited, and when an ok: line is cited', async () => {
    const dir = fixture(
      'description: x\njournals: [kubelet.log]\n',
      `# ruleid: swap-enabled\n${START}\n# ok: swap-enabled\n${SWAP}\n`,
    );
    const [r] = await checkFixture(dir, await builtinRules());
    expect(r!.ok).toBe(false);
    expect(r!.problems.join('\n')).toMatch(/kubelet\.log:2: swap-enabled fired but does not cite this line/);
    expect(r!.problems.join('\n')).toMatch(/kubelet\.log:4: swap-enabled must not cite this line/);
  });

  it('cites: a node-state finding must cite the node file at the line the fixture names', async () => {
    const dir = join(scratchDir(), 'case');
    mkdirSync(join(dir, 'etc/containerd'), { recursive: true });
    const dup = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n';
    writeFileSync(join(dir, 'etc/containerd/config.toml'), `version = 2\n${dup}\n${dup}`);
    writeFileSync(join(dir, 'etc/hostname'), 'node-a\n');
    const spec = (line: number) => `description: x\nroot: .\nexpect: [runtime-config-invalid]\ncites:\n  runtime-config-invalid: [etc/containerd/config.toml:${line}]\n`;
    writeFileSync(join(dir, 'fixture.yaml'), spec(5));
    const [good] = await checkFixture(dir, await builtinRules());
    expect(good!.problems).toEqual([]);
    expect(good!.actual).toContain('runtime-config-invalid');
    writeFileSync(join(dir, 'fixture.yaml'), spec(2));
    const [bad] = await checkFixture(dir, await builtinRules());
    expect(bad!.ok).toBe(false);
    expect(bad!.problems).toEqual(['runtime-config-invalid fired but does not cite etc/containerd/config.toml:2']);
  });

  it('reads annotations, several ids per line, and pins the next log line', () => {
    const dir = fixture('description: x\njournals: [kubelet.log]\n', `# ruleid: a, b\n# ok: c\n${SWAP}\n\n# todoruleid: d\n${START}\n`);
    const anns = readAnnotations(join(dir, 'kubelet.log'));
    expect(anns.map((a) => `${a.kind}:${a.ruleId}@${a.line}`)).toEqual(['ruleid:a@3', 'ruleid:b@3', 'ok:c@3', 'todoruleid:d@6']);
  });

  it('CLI: exit 0 when all pass, 1 with a diff when one fails, 2 when nothing is found', async () => {
    const good = fixture('description: swap\njournals: [kubelet.log]\n', `${START}\n# ruleid: swap-enabled\n${SWAP}\n`);
    const bad = fixture('description: x\njournals: [kubelet.log]\nexpect: [pleg-unhealthy]\n', `${START}\n${SWAP}\n`);
    const ok = cli(['check', relative(ROOT, good)]);
    expect(ok.stdout).toMatch(/1 passed, 0 failed/);
    expect(ok.code).toBe(0);
    const fail = cli(['check', relative(ROOT, bad)]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/missing \(expected, not found\): pleg-unhealthy/);
    expect(fail.stdout).toMatch(/extra \(found, not expected\):\s+swap-enabled/);
    const none = cli(['check', relative(ROOT, scratchDir())]);
    expect(none.code).toBe(2);
  });
});
