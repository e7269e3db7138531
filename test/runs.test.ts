// Kubelet run segmentation (src/journal/runs.ts): PID changes, systemd Started / Main process exited /
// Scheduled restart, boot markers, late lines, several sources; facts; crash loops; the latest run.

import { describe, expect, it } from 'vitest';
import { crashLoopOf } from '../src/journal/runs.js';
import { validateRule } from '../src/rules/model.js';
import { runScan } from '../src/scan.js';
import { fixturePath, scanFiles, scanTexts, scanWithScanner } from './parser-helpers.js';

const H = 'node-a';
const sd = (t: string, m: string) => `Nov 20 ${t} ${H} systemd[1]: ${m}`;
const kl = (t: string, pid: number, lvl: string, caller: string, m: string) => `Nov 20 ${t} ${H} kubelet[${pid}]: ${lvl}1120 ${t}.000000 ${String(pid).padStart(7)} ${caller}] ${m}`;

/** One crashing kubelet run under systemd: start, version, the fatal error, exit, restart. */
function crashRun(t: string, pid: number, counter: number | undefined, status = '1/FAILURE'): string[] {
  const out = [
    sd(`${t}:00`, 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'),
    kl(`${t}:01`, pid, 'I', 'server.go:484', '"Kubelet version" kubeletVersion="v1.30.2"'),
    kl(`${t}:02`, pid, 'E', 'run.go:74', '"command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false"'),
    sd(`${t}:03`, `kubelet.service: Main process exited, code=exited, status=${status}`),
    sd(`${t}:03`, "kubelet.service: Failed with result 'exit-code'."),
  ];
  if (counter !== undefined) out.push(sd(`${t}:13`, `kubelet.service: Scheduled restart job, restart counter is at ${counter}.`), sd(`${t}:13`, 'Stopped kubelet.service - kubelet: The Kubernetes Node Agent.'));
  return out;
}

function healthyRun(t: string, pid: number, n: number): string[] {
  const out = [
    sd(`${t}:00`, 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'),
    kl(`${t}:01`, pid, 'I', 'server.go:484', '"Kubelet version" kubeletVersion="v1.30.2"'),
    kl(`${t}:02`, pid, 'I', 'kubelet_node_status.go:73', '"Attempting to register node" node="node-a"'),
    kl(`${t}:03`, pid, 'I', 'kubelet_node_status.go:76', '"Successfully registered node" node="node-a"'),
  ];
  for (let i = 0; i < n; i++) out.push(kl(`${t}:${String(4 + (i % 50)).padStart(2, '0')}`, pid, 'I', 'kubelet.go:2430', '"SyncLoop (probe)" probe="readiness" status="ready" pod="kube-system/coredns-1"'));
  return out;
}

describe('run segmentation', () => {
  it('a crash loop: one run per start, exit status and restart counters, crash loop reported', async () => {
    const text = [...crashRun('03:00', 100, 1), ...crashRun('03:01', 200, 2), ...crashRun('03:02', 300, 3), ...crashRun('03:03', 400, undefined)].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => [r.index, r.pid, r.exit?.status, r.restartCounter, r.records, r.startLine, r.endLine])).toEqual([
      [0, 100, '1/FAILURE', 1, 2, 1, 4],
      [1, 200, '1/FAILURE', 2, 2, 8, 11],
      [2, 300, '1/FAILURE', 3, 2, 15, 18],
      [3, 400, '1/FAILURE', undefined, 2, 22, 25],
    ]);
    expect(evidence.runs[0]!.exit).toEqual({ code: 'exited', status: '1/FAILURE', line: 4, text: 'kubelet.service: Main process exited, code=exited, status=1/FAILURE' });
    expect(evidence.runs[0]!.firstTime).toBe('Nov 20 03:00:00');
    expect(evidence.runs[0]!.lastTime).toBe('Nov 20 03:00:02');
    expect(evidence.latestRun).toBe(3);
    expect(crashLoopOf(evidence.runs, evidence.latestRun)).toEqual({ runs: 4, restartCounter: 3, exitStatus: '1/FAILURE' });
  });

  it('the last run is healthy after earlier crashes: it is the latest run and the loop is over', async () => {
    const text = [...crashRun('03:00', 100, 1), ...crashRun('03:01', 200, 2), ...crashRun('03:02', 300, 3), ...healthyRun('03:03', 500, 200)].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs).toHaveLength(4);
    expect(evidence.latestRun).toBe(3);
    const last = evidence.runs[3]!;
    expect(last).toMatchObject({ pid: 500, records: 203, kubeletVersion: 'v1.30.2' });
    expect(last.exit).toBeUndefined();
    expect(evidence.facts.registered).toBe(true);
    expect(crashLoopOf(evidence.runs, evidence.latestRun)).toBeUndefined();
  });

  it('a restart that has only started (systemd Started, no kubelet line yet) does not hide the last run with records', async () => {
    const text = [...crashRun('03:00', 100, 1), ...crashRun('03:01', 200, 2), sd('03:02:00', 'Started kubelet.service - kubelet: The Kubernetes Node Agent.')].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => r.records)).toEqual([2, 2, 0]);
    expect(evidence.latestRun).toBe(1);
  });

  it('PID changes alone split runs (raw klog file, no systemd lines)', async () => {
    const text = [
      'I1120 03:00:00.000000     100 server.go:408] Version: v1.20.1',
      'F1120 03:00:01.000000     100 server.go:1] boom',
      'I1120 03:00:10.000000     200 server.go:408] Version: v1.20.2',
      'I1120 03:00:11.000000     200 server.go:1] fine',
    ].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => [r.pid, r.records, r.kubeletVersion])).toEqual([
      [100, 2, 'v1.20.1'],
      [200, 2, 'v1.20.2'],
    ]);
    expect(evidence.facts.kubeletVersion).toBe('v1.20.2');
  });

  it('late stderr lines of the exited PID stay in its run; a boot marker splits even the same PID', async () => {
    const text = [
      sd('03:00:00', 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'),
      kl('03:00:01', 812, 'I', 'a.go:1', 'one'),
      sd('03:00:02', 'kubelet.service: Main process exited, code=killed, status=9/KILL'),
      kl('03:00:02', 812, 'E', 'a.go:2', 'last words written before exit, logged after'),
      '-- Boot 8d1c1f0e7b1e4c559f4b3f2d0c1a2b3c --',
      kl('03:05:00', 812, 'I', 'a.go:1', 'same PID after the reboot'),
    ].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => [r.pid, r.records, r.exit?.status, r.startLine, r.endLine])).toEqual([
      [812, 2, '9/KILL', 1, 4],
      [812, 1, undefined, 6, 6],
    ]);
  });

  it('a new _BOOT_ID in json splits runs even with the same PID', async () => {
    const e = (boot: string, us: string, m: string) =>
      JSON.stringify({ __REALTIME_TIMESTAMP: us, _BOOT_ID: boot, SYSLOG_IDENTIFIER: 'kubelet', _PID: '812', _HOSTNAME: H, MESSAGE: m });
    const text = [e('aa', '1763607600000000', 'I1120 03:00:00.000000     812 a.go:1] x'), e('bb', '1763607900000000', 'I1120 03:05:00.000000     812 a.go:1] y')].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => [r.pid, r.records])).toEqual([
      [812, 1],
      [812, 1],
    ]);
  });

  it('old systemd wording (lower-case main process, holdoff) closes runs too', async () => {
    const text = [
      'Aug 15 12:16:49 m7 systemd[1]: Started kubelet: The Kubernetes Node Agent.',
      'Aug 15 12:16:50 m7 kubelet[7807]: I0815 12:16:50.205939    7807 server.go:408] Version: v1.11.2',
      'Aug 15 12:16:50 m7 kubelet[7807]: F0815 12:16:50.300000    7807 server.go:262] failed to run Kubelet: Running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false.',
      'Aug 15 12:16:50 m7 systemd[1]: kubelet.service: main process exited, code=exited, status=255/n/a',
      'Aug 15 12:16:50 m7 systemd[1]: Unit kubelet.service entered failed state.',
      'Aug 15 12:17:00 m7 systemd[1]: kubelet.service holdoff time over, scheduling restart.',
      'Aug 15 12:17:00 m7 systemd[1]: Started kubelet: The Kubernetes Node Agent.',
      'Aug 15 12:17:00 m7 kubelet[7830]: I0815 12:17:00.205939    7830 server.go:408] Version: v1.11.2',
    ].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.runs.map((r) => [r.pid, r.exit?.code, r.exit?.status, r.kubeletVersion])).toEqual([
      [7807, 'exited', '255/n/a', 'v1.11.2'],
      [7830, undefined, undefined, 'v1.11.2'],
    ]);
  });
});

describe('facts', () => {
  it.each([
    ['I0815 12:16:50.205939    7807 server.go:408] Version: v1.11.2', 'v1.11.2'],
    ['I1120 03:00:00.000000    1234 server.go:484] "Kubelet version" kubeletVersion="v1.30.2"', 'v1.30.2'],
    ['I1120 03:00:00.000000    1234 server.go:484] "Kubelet version" kubeletVersion="v1.27.6+f67aeb3"', 'v1.27.6+f67aeb3'],
    ['{"ts":1763607600000,"caller":"app/server.go:484","msg":"Kubelet version","v":0,"kubeletVersion":"v1.29.1"}', 'v1.29.1'],
  ])('kubelet version from %s', async (line, v) => {
    const { evidence } = await scanTexts([line]);
    expect(evidence.facts.kubeletVersion).toBe(v);
    expect(evidence.runs[0]!.kubeletVersion).toBe(v);
  });

  it('k3s version from its start line', async () => {
    const { evidence } = await scanTexts(['Nov 20 03:00:00 n k3s[812]: time="2025-11-20T03:00:00Z" level=info msg="Starting k3s v1.30.2+k3s1 (faaf2d5a)"']);
    expect(evidence.facts.kubeletVersion).toBe('v1.30.2+k3s1');
  });

  it.each([
    ['I0815 12:16:50.000000    7807 kubelet_node_status.go:269] Setting node annotation to enable volume controller attach/detach', undefined, undefined],
    ['I0815 12:16:50.000000    7807 kubelet_node_status.go:79] Attempting to register node m7-autocv-gpu01', 'm7-autocv-gpu01', undefined],
    ['I0815 12:16:50.000000    7807 kubelet_node_status.go:82] Successfully registered node m7-autocv-gpu01', 'm7-autocv-gpu01', true],
    ['I1120 03:00:00.000000    1234 kubelet_node_status.go:73] "Attempting to register node" node="node-b"', 'node-b', undefined],
    ['I1120 03:00:00.000000    1234 kubelet_node_status.go:76] "Successfully registered node" node="node-b"', 'node-b', true],
    ['I1120 03:00:00.000000    1234 kubelet_node_status.go:111] "Node was previously registered" node="node-c"', 'node-c', true],
    ['E1120 03:00:00.000000    1234 kubelet_node_status.go:96] "Unable to register node with API server" err="nodes is forbidden" node="node-d"', 'node-d', undefined],
  ])('node name and registration from %s', async (line, name, registered) => {
    const { evidence } = await scanTexts([line]);
    expect(evidence.facts.nodeName).toBe(name);
    expect(evidence.facts.registered).toBe(registered);
  });

  it.each([
    ['I0815 12:16:50.000000    7807 kubelet_network.go:196] Setting Pod CIDR:  -> 10.244.1.0/24', '10.244.1.0/24'],
    ['I1120 03:00:00.000000    1234 kubelet_network.go:61] "Updating Pod CIDR" originalPodCIDR="" newPodCIDR="10.244.2.0/24"', '10.244.2.0/24'],
    ['I1120 03:00:00.000000    1234 kuberuntime_manager.go:1523] "Updating runtime config through cri with podcidr" CIDR="fd00:10:244::/64"', 'fd00:10:244::/64'],
  ])('pod CIDR from %s', async (line, cidr) => {
    const { evidence } = await scanTexts([line]);
    expect(evidence.facts.podCIDRSeen).toBe(cidr);
  });

  it('registered describes the latest run', async () => {
    const text = [...healthyRun('03:00', 100, 1), sd('03:01:00', 'kubelet.service: Main process exited, code=exited, status=1/FAILURE'), ...crashRun('03:02', 200, undefined)].join('\n');
    const { evidence } = await scanTexts([text]);
    expect(evidence.facts.nodeName).toBe('node-a');
    expect(evidence.facts.registered).toBeUndefined();
  });
});

describe('several sources', () => {
  it('two --journal files: each run names its source; the latest run is the one with the latest time', async () => {
    const newer = healthyRun('04:00', 900, 3).join('\n'); // given first
    const older = crashRun('03:00', 100, 1).join('\n');
    const { files, evidence } = await scanTexts([newer, older]);
    expect(evidence.runs.map((r) => [r.source, r.pid, r.records])).toEqual([
      [files[0], 900, 6],
      [files[1], 100, 2],
    ]);
    expect(evidence.latestRun).toBe(0);
  });

  it('a kubelet log file and a journal with the same PID continue one run', async () => {
    const journal = [sd('03:00:00', 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'), kl('03:00:01', 100, 'I', 'a.go:1', 'x')].join('\n');
    const rawFile = 'I1120 03:00:02.000000     100 a.go:2] y';
    const { evidence } = await scanTexts([journal, rawFile]);
    expect(evidence.runs.map((r) => [r.pid, r.records])).toEqual([[100, 2]]);
  });
});

describe('through the real scanner and runScan', () => {
  it('the scanner segments the generated journal like the parser + tracker do', async () => {
    const f = fixturePath('formats-journalctl', 'kubelet.short-precise.log');
    const [a, b] = await Promise.all([scanFiles([f]), scanWithScanner([f])]);
    expect(b.evidence.runs.map((r) => [r.pid, r.exit?.status, r.restartCounter, r.kubeletVersion])).toEqual(
      a.evidence.runs.map((r) => [r.pid, r.exit?.status, r.restartCounter, r.kubeletVersion]),
    );
    expect(b.evidence.latestRun).toBe(a.evidence.latestRun);
    expect(b.evidence.facts).toEqual(a.evidence.facts);
  });

  it('report.crashLoop is set for a looping kubelet and not for one that recovered', async () => {
    const loop = [...crashRun('03:00', 100, 1), ...crashRun('03:01', 200, 2), ...crashRun('03:02', 300, 3), ...crashRun('03:03', 400, undefined)].join('\n');
    const healed = [...crashRun('03:00', 100, 1), ...crashRun('03:01', 200, 2), ...crashRun('03:02', 300, 3), ...healthyRun('03:03', 500, 200)].join('\n');
    const { files } = await scanTexts([loop, healed]);
    const now = new Date('2025-11-20T04:00:00Z');
    // any one journal rule makes runScan read the journal
    const rule = {
      id: 'test-marker',
      title: 'test marker',
      severity: 'info',
      category: 'test',
      message: 'test marker seen',
      why: 'a test rule',
      evidence: ['journal'],
      match: { journal: ['this text never appears'] },
      remediation: { summary: 'none', steps: [{ text: 'none' }] },
      references: ['https://kubernetes.io/docs/'],
    };
    const rules = [validateRule(rule, 'test-marker.yaml', 'data')];
    const r1 = await runScan({ rules, journals: [files[0]!], noJournalctl: true, now });
    expect(r1.crashLoop).toMatchObject({ runs: 4, restartCounter: 3, exitStatus: '1/FAILURE' });
    const r2 = await runScan({ rules, journals: [files[1]!], noJournalctl: true, now });
    expect(r2.crashLoop).toBeUndefined();
  });
});
