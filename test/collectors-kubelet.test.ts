// The kubeletConfig collector: the kubelet's real command line (process or systemd unit as systemd
// assembles it), the KubeletConfiguration with line numbers, flags over file over defaults, and the
// broken-unit detection of seed 001. Every case builds a small node tree under a scratch root.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence, type CollectOptions } from '../src/collectors/index.js';
import type { KubeletConfigEvidence } from '../src/collectors/kubelet-config.js';
import { settingCitation } from '../src/collectors/kubelet-config.js';
import { expandCommand, parseEnvironmentFile, parseUnit } from '../src/collectors/unit-file.js';
import { ROOT, scratchDir } from './helpers.js';

function tree(files: Record<string, string>): string {
  const root = scratchDir();
  for (const [p, text] of Object.entries(files)) {
    const f = join(root, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  return root;
}

async function kubelet(root: string, extra: Partial<CollectOptions> = {}) {
  const sources: string[] = [];
  const { evidence } = await collectEvidence(['kubeletConfig'], { root, live: false, now: new Date('2026-06-01T00:00:00Z'), useApi: false, ...extra });
  void sources;
  return evidence.get('kubeletConfig')!;
}

async function ok(root: string, extra: Partial<CollectOptions> = {}): Promise<KubeletConfigEvidence> {
  const a = await kubelet(root, extra);
  if (!a.ok) throw new Error(a.reason);
  return a.value as KubeletConfigEvidence;
}

const KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

describe('unit files', () => {
  it('joins continuation lines and reports a line that lost its backslash (seed 001)', () => {
    const text = ['[Service]', 'ExecStart=/opt/k8s/bin/kubelet \\', '  --config=/etc/k.yaml \\', '  --pod-infra-container-image=pause:3.1', '  --allow-privileged=true \\', '  --v=2', 'Restart=always'].join('\n');
    const { directives, problems } = parseUnit(text, '/etc/systemd/system/kubelet.service', 'etc/systemd/system/kubelet.service');
    expect(directives.map((d) => d.key)).toEqual(['ExecStart', 'Restart']);
    expect(directives[0]!.endLine).toBe(4);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'bogus-directive', line: 5, endLine: 6, cutAfter: { key: 'ExecStart', line: 4 }, lostArgs: ['--allow-privileged=true', '--v=2'] });
    // systemd names the logical line's last physical line, as systemd-analyze verify does
    expect(problems[0]!.message).toContain("kubelet.service:6: systemd reads this as a directive of its own (Unknown key '--allow-privileged' in section [Service], ignoring.)");
  });

  it("reports `--flag value \\` without '=' as systemd's Missing '='", () => {
    const { problems } = parseUnit('[Service]\nExecStart=/usr/bin/kubelet \\\n  --config=/c.yaml\n  --network-plugin cni\n', '/u', 'u');
    expect(problems[0]).toMatchObject({ kind: 'missing-equals', line: 4, lostArgs: ['--network-plugin'] });
  });

  it('expands $VAR into words and ${VAR} in place, citing where the variable was defined', () => {
    const { directives } = parseUnit('[Service]\nExecStart=/usr/bin/kubelet $ARGS --x=${ONE}/y\n', '/u', 'u');
    const env = parseEnvironmentFile('# c\nARGS="--a=1 --b=2"\nONE=/z\n', '/e', 'e');
    const words = expandCommand(directives[0]!, env);
    expect(words.map((w) => w.word)).toEqual(['/usr/bin/kubelet', '--a=1', '--b=2', '--x=/z/y']);
    expect(words[1]).toMatchObject({ display: 'e', line: 2, via: 'ARGS' });
    expect(words[3]).toMatchObject({ display: 'u', line: 2 });
  });
});

describe('kubeletConfig collector', () => {
  it('assembles the kubeadm unit: drop-in ExecStart reset, Environment=, optional EnvironmentFiles, config file lines', async () => {
    const root = tree({
      'usr/lib/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n',
      'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf': KUBEADM_DROPIN,
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=10.0.0.5"\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  webhook:\n    enabled: true\ncgroupDriver: systemd\nreadOnlyPort: 0\n',
      'etc/hostname': 'Worker-1\n',
    });
    const ev = await ok(root);
    expect(ev.origin).toBe('unit');
    expect(ev.unit?.files).toEqual(['usr/lib/systemd/system/kubelet.service', 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf']);
    expect(ev.unit?.environmentFiles.map((f) => [f.path, f.optional, f.found])).toEqual([
      ['/var/lib/kubelet/kubeadm-flags.env', true, true],
      ['/etc/default/kubelet', true, false],
    ]);
    expect(ev.flags.kubeconfig).toMatchObject({ value: '/etc/kubernetes/kubelet.conf', source: 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', line: 2, via: 'KUBELET_KUBECONFIG_ARGS' });
    expect(ev.flags['container-runtime-endpoint']).toMatchObject({ source: 'var/lib/kubelet/kubeadm-flags.env', line: 1 });
    expect(ev.settings.webhookAuthn).toMatchObject({ value: true, origin: 'config', source: 'var/lib/kubelet/config.yaml', line: 5 });
    expect(settingCitation(ev.settings.webhookAuthn)).toMatchObject({ source: 'var/lib/kubelet/config.yaml', line: 5, field: 'authentication.webhook.enabled', value: 'true', text: 'enabled: true' });
    // v1beta1 config-file defaults
    expect(ev.settings.anonymousAuth).toMatchObject({ value: false, origin: 'default' });
    expect(ev.settings.authorizationMode.value).toBe('Webhook');
    expect(ev.settings.readOnlyPort).toMatchObject({ value: 0, origin: 'config', line: 7 });
    expect(ev.settings.failSwapOn).toMatchObject({ value: true, origin: 'default' });
    expect(ev.settings.nodeName).toMatchObject({ value: 'worker-1', source: 'etc/hostname' });
    expect(ev.unitProblems).toEqual([]);
    // plain values for other collectors: explicitly set ones only
    expect(ev.values).toMatchObject({ cgroupDriver: 'systemd', containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock' });
    expect(ev.values.failSwapOn).toBeUndefined();
  });

  it('flags override the config file; without --config the command-line defaults apply', async () => {
    const withCfg = await ok(
      tree({
        'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/local/bin/kubelet --config=/etc/k/c.yaml --read-only-port=10255 --anonymous-auth\n',
        'etc/k/c.yaml': '{"kind": "KubeletConfiguration", "readOnlyPort": 0,\n "authentication": {"anonymous": {"enabled": false}}}\n',
      }),
    );
    expect(withCfg.configFormat).toBe('json');
    expect(withCfg.settings.readOnlyPort).toMatchObject({ value: 10255, origin: 'flag', field: '--read-only-port', line: 2 });
    expect(withCfg.settings.anonymousAuth).toMatchObject({ value: true, origin: 'flag' });
    expect(withCfg.configFields.readOnlyPort).toMatchObject({ value: 0, line: 1 });

    const flagsOnly = await ok(tree({ 'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --kubeconfig /etc/kubernetes/kubelet.conf\n' }));
    expect(flagsOnly.flags.kubeconfig?.value).toBe('/etc/kubernetes/kubelet.conf');
    expect(flagsOnly.settings.anonymousAuth).toMatchObject({ value: true, origin: 'default' });
    expect(flagsOnly.settings.authorizationMode.value).toBe('AlwaysAllow');
    expect(flagsOnly.settings.readOnlyPort.value).toBe(10255);
    expect(flagsOnly.settings.webhookAuthn.value).toBe(false);
  });

  it('prefers the running process (proc/<pid>/cmdline) and merges --config-dir drop-ins in order', async () => {
    const root = tree({
      'proc/1/cmdline': '/sbin/init\0',
      'proc/812/cmdline': ['/usr/bin/kubelet', '--config=/var/lib/kubelet/config.yaml', '--config-dir=/etc/kubernetes/kubelet.conf.d', '--hostname-override=Node-A', ''].join('\0'),
      'var/lib/kubelet/config.yaml': 'kind: KubeletConfiguration\nmaxPods: 110\nauthentication:\n  anonymous:\n    enabled: false\n',
      'etc/kubernetes/kubelet.conf.d/10-a.conf': 'maxPods: 200\n',
      'etc/kubernetes/kubelet.conf.d/20-b.conf': 'authentication:\n  anonymous:\n    enabled: true\n',
      'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --v=9\n',
    });
    const ev = await ok(root);
    expect(ev.origin).toBe('process');
    expect(ev.process).toEqual({ pid: 812, source: 'proc/812/cmdline' });
    expect(ev.flags.v).toBeUndefined();
    expect(ev.configFiles).toEqual(['var/lib/kubelet/config.yaml', 'etc/kubernetes/kubelet.conf.d/10-a.conf', 'etc/kubernetes/kubelet.conf.d/20-b.conf']);
    expect(ev.configFields.maxPods).toMatchObject({ value: 200, source: 'etc/kubernetes/kubelet.conf.d/10-a.conf', line: 1 });
    expect(ev.settings.anonymousAuth).toMatchObject({ value: true, source: 'etc/kubernetes/kubelet.conf.d/20-b.conf', line: 3 });
    expect(ev.settings.nodeName?.value).toBe('node-a');
  });

  it('says what is missing, and never throws on bad input', async () => {
    const none = await kubelet(tree({ 'etc/hostname': 'x\n' }));
    expect(none.ok).toBe(false);
    expect((none as { reason: string }).reason).toMatch(/no kubelet process under proc and no kubelet unit \(tried kubelet\.service, k3s\.service/);

    const badYaml = await ok(tree({ 'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --config=/c.yaml\n', 'c.yaml': 'kind: KubeletConfiguration\nauthentication:\n  anonymous: [\n' }));
    expect(badYaml.problems.join('\n')).toMatch(/^c\.yaml:\d+: invalid YAML: \S/m);

    const missingCfg = await ok(tree({ 'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --config=/nope.yaml\nEnvironmentFile=/etc/sysconfig/kubelet\n' }));
    expect(missingCfg.problems.join('\n')).toContain('kubelet config file nope.yaml: nope.yaml does not exist');
    expect(missingCfg.unitProblems[0]).toMatchObject({ kind: 'env-file-missing', line: 3 });
    // a config file was named: v1beta1 defaults still apply
    expect(missingCfg.settings.anonymousAuth.value).toBe(false);

    const loopRoot = tree({ 'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml\n' });
    mkdirSync(join(loopRoot, 'var/lib/kubelet'), { recursive: true });
    symlinkSync('/var/lib/kubelet/loop-b', join(loopRoot, 'var/lib/kubelet/config.yaml'));
    symlinkSync('/var/lib/kubelet/config.yaml', join(loopRoot, 'var/lib/kubelet/loop-b'));
    const loop = await ok(loopRoot);
    expect(loop.problems.join('\n')).toMatch(/too many levels of symbolic links/);
  });

  it('reads k3s --kubelet-arg flags', async () => {
    const ev = await ok(tree({ 'etc/systemd/system/k3s.service': '[Service]\nExecStart=/usr/local/bin/k3s \\\n    server \\\n    --kubelet-arg=read-only-port=10255 \\\n    --kubelet-arg anonymous-auth=true\n' }));
    expect(ev.unit?.name).toBe('k3s.service');
    expect(ev.flags['read-only-port']?.value).toBe('10255');
    expect(ev.flags['anonymous-auth']?.value).toBe('true');
  });

  it('reads the seed 001 fixture: the broken ExecStart and the flags that survive it', async () => {
    const ev = await ok(join(ROOT, 'fixtures/nodes/unit-missing-continuation'));
    expect(Object.keys(ev.flags)).toEqual(['root-dir', 'bootstrap-kubeconfig', 'cert-dir', 'kubeconfig', 'config', 'hostname-override', 'pod-infra-container-image']);
    expect(ev.unitProblems[0]).toMatchObject({ line: 17, endLine: 24, cutAfter: { line: 16 } });
    expect(ev.settings.serverTLSBootstrap).toMatchObject({ value: true, source: 'etc/kubernetes/kubelet-config.yaml' });
    expect(ev.settings.certDir.value).toBe('/etc/kubernetes/cert');
  });
});
