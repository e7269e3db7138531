// Gaps between the kubelet signature catalogue and the rules, closed: what the fixture harness cannot see
// (it checks rule ids and cited lines), checked here — the finding names everything the evidence shows,
// and a signature that is only corroboration does not fire on its own.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../src/scan.js';
import type { Finding } from '../src/types.js';
import { builtinRules, ROOT, scanText } from './helpers.js';

const journal = (dir: string, file = 'kubelet.short-precise.log') => join(ROOT, 'fixtures/journal', dir, file);

async function scanFile(file: string, now: string): Promise<Finding[]> {
  const report = await runScan({ rules: await builtinRules(), journals: [file], noJournalctl: true, nodeState: false, useApi: false, now: new Date(now) });
  return report.findings;
}

async function scanTree(tree: string, now: string): Promise<Finding[]> {
  const report = await runScan({ rules: await builtinRules(), root: join(ROOT, 'fixtures/nodes', tree), nodeState: true, noJournalctl: true, useApi: false, inputs: [], now: new Date(now) });
  return report.findings;
}

const commands = (f: Finding) => f.remediation.steps.map((s) => s.command ?? '').join('\n');

describe('reserved-cgroup-unset', () => {
  it('names both fields when the aggregated error names both, with a setting to paste for each', async () => {
    const f = (await scanFile(journal('kube-and-system-reserved-cgroup-unset-v1-30'), '2024-12-09T15:30:00Z')).find((x) => x.ruleId === 'reserved-cgroup-unset');
    expect(f?.message).toMatch(/system-reserved and kube-reserved/);
    expect(f?.message).toMatch(/systemReservedCgroup and kubeReservedCgroup are not set/);
    expect(commands(f!)).toContain('systemReservedCgroup: /system.slice\nkubeReservedCgroup: /kube.slice');
  });

  it('names only the field the error names', async () => {
    const f = (await scanFile(journal('kube-reserved-cgroup-unset-v1-26'), '2023-10-17T14:00:00Z')).find((x) => x.ruleId === 'reserved-cgroup-unset');
    expect(f?.message).toMatch(/contains kube-reserved but kubeReservedCgroup is not set/);
    expect(commands(f!)).toContain('kubeReservedCgroup: /kube.slice');
    expect(commands(f!)).not.toContain('systemReservedCgroup');
  });
});

describe('node-cert-cn-mismatch: the Node authorizer\'s "no relationship found"', () => {
  const line = (node: string) =>
    `May 14 10:00:03.100000 worker-3 kubelet[1650]: E0514 10:00:03.100000    1650 status_manager.go:853] "Failed to get status for pod" podUID="2b8e7c61" pod="kube-system/kube-proxy-x7k2m" err="pods \\"kube-proxy-x7k2m\\" is forbidden: User \\"system:node:${node}\\" cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"kube-system\\": no relationship found between node '${node}' and this object"`;
  const register = 'May 14 10:00:01.100000 worker-3 kubelet[1650]: I0514 10:00:01.100000    1650 kubelet_node_status.go:70] "Attempting to register node" node="worker-3"';

  it('fires on its own when it names another node than the one this kubelet registers as', async () => {
    const report = await scanText(`${register}\n${line('worker-2')}\n`, { now: new Date('2024-05-14T10:30:00Z') });
    const f = report.findings.find((x) => x.ruleId === 'node-cert-cn-mismatch');
    expect(f?.message).toBe('The API server refuses writes to node "worker-3" because the kubelet authenticates as node "worker-2".');
  });

  it('stays quiet when it names this node (a pod deleted a moment ago)', async () => {
    const report = await scanText(`${register}\n${line('worker-3')}\n`, { now: new Date('2024-05-14T10:30:00Z') });
    expect(report.findings.map((x) => x.ruleId)).not.toContain('node-cert-cn-mismatch');
  });
});

describe('cgroup-driver-mismatch', () => {
  it('says what an unknown driver from the runtime means', async () => {
    const f = (await scanFile(journal('cgroup-driver-unknown-v1-31'), '2024-11-05T14:30:00Z')).find((x) => x.ruleId === 'cgroup-driver-mismatch');
    expect(f?.message).toMatch(/reported a cgroup driver this kubelet does not know \(value 2\)/);
    expect(commands(f!)).toMatch(/KubeletCgroupDriverFromCRI: false/);
  });

  it('cites the fallback line with the runc failure, and names both drivers', async () => {
    const f = (await scanFile(journal('cgroup-driver-fallback-mismatch-v1-31'), '2024-10-21T08:30:00Z')).find((x) => x.ruleId === 'cgroup-driver-mismatch');
    expect(f?.message).toMatch(/cgroupfs cgroup driver from its own configuration .* uses systemd/);
    expect(f?.evidence.some((e) => e.kind === 'journal' && /Falling back to using cgroupDriver/.test(e.text))).toBe(true);
  });
});

describe('serving-cert-expired', () => {
  it('is an error for a certificate named by tlsCertFile, citing the setting', async () => {
    const f = (await scanTree('serving-cert-expired', '2024-05-01T00:00:00Z')).find((x) => x.ruleId === 'serving-cert-expired');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/expired on 2024-03-01/);
    expect(f?.evidence.map((e) => e.field)).toEqual(['notAfter', 'tlsCertFile']);
  });

  it("is a warning for the kubelet's own self-signed kubelet.crt (no client can verify it anyway)", async () => {
    // healthy-kubeadm-v1.30's self-signed kubelet.crt is valid 2026-01-10 → 2027-01-10
    const f = (await scanTree('healthy-kubeadm-v1.30', '2027-06-01T00:00:00Z')).find((x) => x.ruleId === 'serving-cert-expired');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toMatch(/self-signed kubelet\.crt/);
  });
});
