// The one-field checks that were TypeScript and are now YAML node-state rules (ip-forward-off,
// bridge-nf-call-iptables-off, authorization-always-allow, read-only-port-open, anonymous-auth-enabled) say
// what the code rules said, cite what they cited and skip when they skipped, on variants of a captured node:
// defaults from the flag path, values set in the config file, flags overriding the file, a config file that
// does not parse. The expected messages are those the code rules printed on the same trees.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../src/rules/model.js';
import { runScan } from '../src/scan.js';
import type { Finding, Report } from '../src/types.js';
import { builtinRules, ROOT, scratchDir } from './helpers.js';

const IDS = ['ip-forward-off', 'bridge-nf-call-iptables-off', 'authorization-always-allow', 'read-only-port-open', 'anonymous-auth-enabled'];
const BASE = join(ROOT, 'fixtures/nodes/security-insecure-kubelet');
const CFG = 'etc/kubernetes/kubelet-config.yaml';
const UNIT = 'etc/systemd/system/kubelet.service';
const DROP = 'etc/systemd/system/kubelet.service.d/20-metrics.conf';
const NO_DROP = { [DROP]: '[Service]\n' };
const cfg = (body: string) => `kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\n${body}\n`;
const unit = (flags: string, config = true) =>
  `[Service]\nExecStart=/usr/local/bin/kubelet ${config ? '--config=/etc/kubernetes/kubelet-config.yaml ' : ''}--kubeconfig=/etc/kubernetes/kubelet.conf ${flags} $KUBELET_EXTRA_ARGS\n`;
const SECURE = cfg('authentication:\n  anonymous:\n    enabled: false\nauthorization:\n  mode: Webhook\nreadOnlyPort: 0');

let rules: Rule[];
beforeAll(async () => {
  rules = (await builtinRules()).filter((r) => IDS.includes(r.id));
  expect(rules.map((r) => [r.id, r.kind]).sort()).toEqual(IDS.map((id) => [id, 'data']).sort());
});

async function scanVariant(files: Record<string, string>): Promise<Report> {
  const root = scratchDir();
  cpSync(BASE, root, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return runScan({ rules, root, nodeState: true, noJournalctl: true, inputs: [], useApi: false, now: new Date('2026-06-01T00:00:00Z'), kubeletVersion: 'v1.29.6' });
}

const finding = (r: Report, id: string): Finding | undefined => r.findings.find((f) => f.ruleId === id);
const messages = (r: Report) => Object.fromEntries(r.findings.map((f) => [f.ruleId, f.message]));

describe('the converted one-field rules behave as their code did', () => {
  it('the fixture as captured: config file values, and a drop-in flag overriding readOnlyPort: 0', async () => {
    const r = await scanVariant({});
    expect(messages(r)).toEqual({
      'anonymous-auth-enabled':
        'The kubelet accepts anonymous requests on :10250 (set in etc/kubernetes/kubelet-config.yaml:5) and authorizes everything (AlwaysAllow): anyone who reaches the port can exec into pods.',
      'authorization-always-allow': 'authorization.mode is AlwaysAllow (etc/kubernetes/kubelet-config.yaml:11): every caller the kubelet authenticates may exec, read logs and port-forward.',
      'read-only-port-open':
        'The kubelet serves its unauthenticated read-only API on port 10255 (--read-only-port in etc/systemd/system/kubelet.service.d/20-metrics.conf:3, overriding readOnlyPort: 0 in etc/kubernetes/kubelet-config.yaml).',
    });
    expect(finding(r, 'read-only-port-open')!.evidence.map((c) => [c.kind, c.source, c.line, c.text, c.note])).toEqual([
      ['file', 'etc/systemd/system/kubelet.service.d/20-metrics.conf', 3, '--read-only-port=10255 (from $KUBELET_EXTRA_ARGS)', undefined],
      ['file', 'etc/kubernetes/kubelet-config.yaml', 17, 'readOnlyPort: 0', 'overridden by the flag'],
    ]);
    expect(finding(r, 'anonymous-auth-enabled')!.evidence.map((c) => [c.source, c.line, c.field, c.value])).toEqual([
      ['etc/kubernetes/kubelet-config.yaml', 5, 'authentication.anonymous.enabled', 'true'],
      ['etc/kubernetes/kubelet-config.yaml', 11, 'authorization.mode', 'AlwaysAllow'],
    ]);
    for (const f of r.findings) expect([f.severity, f.current]).toEqual(['warning', true]);
    // no proc/ in this capture: the sysctl rules are skipped with the reason, never passed
    for (const id of ['ip-forward-off', 'bridge-nf-call-iptables-off']) expect(r.skipped.find((s) => s.ruleId === id)?.reason).toMatch(/^system: .*proc/);
  });

  it('no config file: the command-line defaults, cited as not set', async () => {
    const r = await scanVariant({ [UNIT]: unit('', false), ...NO_DROP });
    expect(messages(r)).toEqual({
      'anonymous-auth-enabled':
        'The kubelet accepts anonymous requests on :10250 (not set: the command-line default is true) and authorizes everything (AlwaysAllow): anyone who reaches the port can exec into pods.',
      'authorization-always-allow': 'authorization.mode is AlwaysAllow (not set: the command-line default): every caller the kubelet authenticates may exec, read logs and port-forward.',
      'read-only-port-open': 'The kubelet serves its unauthenticated read-only API on port 10255 (not set: the command-line default).',
    });
    expect(finding(r, 'read-only-port-open')!.evidence[0]!.text).toMatch(/^not set: kubelet default \(no --config file: command-line defaults\)/);
  });

  it('values set in the config file, and flags alone', async () => {
    const inFile = await scanVariant({ [CFG]: cfg('authentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\nreadOnlyPort: 10255'), ...NO_DROP });
    expect(messages(inFile)['read-only-port-open']).toBe('The kubelet serves its unauthenticated read-only API on port 10255 (readOnlyPort in etc/kubernetes/kubelet-config.yaml:8).');
    expect(messages(inFile)['authorization-always-allow']).toBe('authorization.mode is AlwaysAllow (etc/kubernetes/kubelet-config.yaml:7): every caller the kubelet authenticates may exec, read logs and port-forward.');
    const flags = await scanVariant({ [UNIT]: unit('--authorization-mode=AlwaysAllow --anonymous-auth --read-only-port=10266', false), ...NO_DROP });
    expect(messages(flags)).toEqual({
      'anonymous-auth-enabled': 'The kubelet accepts anonymous requests on :10250 (set in etc/systemd/system/kubelet.service:2) and authorizes everything (AlwaysAllow): anyone who reaches the port can exec into pods.',
      'authorization-always-allow': 'authorization.mode is AlwaysAllow (etc/systemd/system/kubelet.service:2): every caller the kubelet authenticates may exec, read logs and port-forward.',
      'read-only-port-open': 'The kubelet serves its unauthenticated read-only API on port 10266 (--read-only-port in etc/systemd/system/kubelet.service:2).',
    });
  });

  it('anonymous auth without AlwaysAllow: the message and evidence leave authorization out', async () => {
    const r = await scanVariant({ [CFG]: cfg('authentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: Webhook'), ...NO_DROP });
    expect(messages(r)).toEqual({ 'anonymous-auth-enabled': 'The kubelet accepts anonymous requests on :10250 (set in etc/kubernetes/kubelet-config.yaml:5).' });
    expect(finding(r, 'anonymous-auth-enabled')!.evidence.map((c) => c.field)).toEqual(['authentication.anonymous.enabled']);
  });

  it('quiet when secure, whether from the file or from flags; a non-numeric port is not an open port', async () => {
    for (const files of [{ [CFG]: SECURE, ...NO_DROP }, { [UNIT]: unit('--authorization-mode=Webhook --anonymous-auth=false --read-only-port=0', false), ...NO_DROP }, { [CFG]: cfg('readOnlyPort: abc'), ...NO_DROP }]) {
      const r = await scanVariant(files);
      expect(r.findings).toEqual([]);
      for (const id of ['authorization-always-allow', 'read-only-port-open', 'anonymous-auth-enabled']) expect(r.rulesRun).toContain(id);
    }
  });

  it('a config file that does not parse: skipped with the reason, never compared as defaults', async () => {
    const r = await scanVariant({ [CFG]: 'kind: KubeletConfiguration\n  bad: [\n' });
    expect(r.findings).toEqual([]);
    for (const id of ['authorization-always-allow', 'read-only-port-open', 'anonymous-auth-enabled'])
      expect(r.skipped.find((s) => s.ruleId === id)?.reason).toMatch(/^kubelet settings unknown: its KubeletConfiguration etc\/kubernetes\/kubelet-config\.yaml:1 does not parse/);
  });

  it('the sysctls: 0 fires with the file cited, 1 is quiet, no value is a skip', async () => {
    const off = await scanVariant({ 'proc/sys/net/ipv4/ip_forward': '0\n', 'proc/sys/net/bridge/bridge-nf-call-iptables': '0\n' });
    expect(messages(off)['ip-forward-off']).toBe('net.ipv4.ip_forward is 0: the node does not forward packets, so pods cannot reach other nodes, Services or the outside world.');
    expect(messages(off)['bridge-nf-call-iptables-off']).toBe(
      'net.bridge.bridge-nf-call-iptables is 0: traffic between pods on the same bridge bypasses iptables, so Service (kube-proxy) rules do not apply to it.',
    );
    expect(finding(off, 'ip-forward-off')!.evidence).toEqual([expect.objectContaining({ kind: 'file', source: 'proc/sys/net/ipv4/ip_forward', line: 1, text: '0' })]);
    const on = await scanVariant({ 'proc/sys/net/ipv4/ip_forward': '1\n', 'proc/sys/net/bridge/bridge-nf-call-iptables': '1\n' });
    expect(on.findings.filter((f) => f.ruleId.endsWith('-off'))).toEqual([]);
    expect(on.rulesRun).toEqual(expect.arrayContaining(['ip-forward-off', 'bridge-nf-call-iptables-off']));
    const empty = await scanVariant({ 'proc/sys/net/ipv4/ip_forward': '\n', 'proc/sys/net/ipv4/.keep': '' });
    expect(empty.skipped.find((s) => s.ruleId === 'ip-forward-off')?.reason).toMatch(/ip_forward holds no value/);
    expect(empty.skipped.find((s) => s.ruleId === 'bridge-nf-call-iptables-off')?.reason).toMatch(/bridge-nf-call-iptables does not exist/);
  });
});
