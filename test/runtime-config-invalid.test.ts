// runtime-config-invalid on node evidence: each runtime's config that its runtime refuses is cited at its file
// and line (containerd and CRI-O TOML, Docker's daemon.json); a config that loads, or none at all, is not a finding.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../src/scan.js';
import { builtinRules, ROOT, scratchDir } from './helpers.js';

/** A node tree: a fixture's copy (its kubelet names the runtime) with some files replaced, or a bare one. */
function tree(files: Record<string, string>, base?: string): string {
  const root = join(scratchDir(), 'node');
  if (base) cpSync(join(ROOT, 'fixtures/nodes', base), root, { recursive: true, verbatimSymlinks: true });
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

async function finding(files: Record<string, string>, base?: string) {
  const r = await runScan({ rules: (await builtinRules()).filter((x) => x.id === 'runtime-config-invalid'), root: tree({ 'etc/hostname': 'node-a\n', ...files }, base), inputs: [], noJournalctl: true, useApi: false, now: new Date('2026-01-01T00:00:00Z') });
  return { f: r.findings.find((x) => x.ruleId === 'runtime-config-invalid'), skipped: r.skipped.find((x) => x.ruleId === 'runtime-config-invalid') };
}

const RUNC = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n';

describe('runtime-config-invalid (node evidence)', () => {
  it('containerd: a table defined twice, cited at the second header', async () => {
    const { f } = await finding({ 'etc/containerd/config.toml': `version = 2\n${RUNC}\n${RUNC}` });
    expect(f?.evidence).toEqual([expect.objectContaining({ source: 'etc/containerd/config.toml', line: 5, text: expect.stringMatching(/is defined twice \(first on line 2\)/) })]);
    expect(f?.remediation.steps[0]!.command).toMatch(/^cp -a \/etc\/containerd\/config\.toml \/etc\/containerd\/config\.toml\.bak\./);
  });
  it('containerd: an import that is missing, cited at the imports line', async () => {
    const { f } = await finding({ 'etc/containerd/config.toml': "version = 2\nimports = ['/etc/containerd/runc.toml']\n" });
    expect(f?.evidence[0]).toMatchObject({ source: 'etc/containerd/config.toml', line: 2 });
  });
  it('CRI-O: a drop-in that is not TOML', async () => {
    // a CRI-O node (its kubelet's endpoint is crio.sock)
    const { f } = await finding({ 'etc/crio/crio.conf.d/10-x.conf': '[crio.runtime]\ncgroup_manager = systemd\n' }, 'cgroup-kube-slice-missing');
    expect(f?.evidence[0]).toMatchObject({ source: 'etc/crio/crio.conf.d/10-x.conf', line: 2 });
  });
  it("Docker: a daemon.json that is not strict JSON (a trailing comma), at the comma's closing line", async () => {
    // a dockershim node
    const { f } = await finding({ 'etc/docker/daemon.json': '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n}\n' }, 'healthy-cgroupv1-centos7');
    expect(f?.evidence[0]).toMatchObject({ source: 'etc/docker/daemon.json', line: 3, text: expect.stringMatching(/trailing comma/) });
  });
  it('a config that loads is no finding, and no config at all is skipped with the reason', async () => {
    expect((await finding({ 'etc/containerd/config.toml': `version = 2\n${RUNC}` })).f).toBeUndefined();
    expect((await finding({}, 'healthy-cgroupv1-centos7')).f).toBeUndefined();
    expect((await finding({}, 'cgroup-kube-slice-missing')).f).toBeUndefined();
    // another runtime's broken config is not this node's runtime's
    expect((await finding({ 'etc/containerd/config.toml': `version = 2\n${RUNC}`, 'etc/docker/daemon.json': '{,}' })).f).toBeUndefined();
    const none = await finding({});
    expect(none.f).toBeUndefined();
    expect(none.skipped?.reason).toMatch(/no container runtime config file/);
  });
});
