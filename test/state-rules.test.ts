// YAML rules that test node state (match.setting, match.sysctl, match.file): every operator fires when its
// test holds and stays quiet when it does not, on a captured node tree read by the real collectors; a value
// that cannot be had skips the rule with the reason (never a pass); captures fill the message; a malformed
// condition is a load error naming the file, the line and the field.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/load.js';
import { fillTemplate, showTemplate, type Rule } from '../src/rules/model.js';
import { runScan } from '../src/scan.js';
import type { Report } from '../src/types.js';
import { scratchDir } from './helpers.js';

const CONFIG = `kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
cgroupDriver: systemd
maxPods: 150
readOnlyPort: 0
authorization:
  mode: Node,Webhook
enforceNodeAllocatable: [pods, kube-reserved]
evictionHard:
  memory.available: 100Mi
`;

/** A node tree: a unit whose flags override the config file's readOnlyPort, a few sysctls, one directory. */
function nodeTree(config = CONFIG): string {
  const root = scratchDir();
  const files: Record<string, string> = {
    'etc/systemd/system/kubelet.service':
      '[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --read-only-port=10255 --feature-gates=Foo=true\n',
    'var/lib/kubelet/config.yaml': config,
    'proc/sys/net/ipv4/ip_forward': '1\n',
    'proc/sys/vm/swappiness': '60\n',
    'proc/sys/kernel/pid_max': '\n',
    'etc/kubernetes/manifests/.keep': '',
    'etc/hostname': 'node-a\n',
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** One YAML rule per condition (its match block as YAML lines), loaded as a user rule directory. */
async function rulesFor(conditions: Record<string, string>, extra = ''): Promise<Rule[]> {
  const dir = join(scratchDir(), 'rules');
  mkdirSync(dir, { recursive: true });
  for (const [id, match] of Object.entries(conditions))
    writeFileSync(
      join(dir, `${id}.yaml`),
      `id: ${id}\ntitle: T\nseverity: warning\ncategory: c\nevidence: [kubeletConfig, system${extra}]\nmatch:\n${match}\nmessage: "m"\nwhy: w\nremediation: {summary: s, steps: [{text: t}]}\nreferences: [https://kubernetes.io/]\n`,
    );
  const { rules, errors } = await loadRules([dir], { builtins: false });
  expect(errors).toEqual([]);
  return rules;
}

const scanRoot = (rules: Rule[], root: string): Promise<Report> =>
  runScan({ rules, root, nodeState: true, noJournalctl: true, inputs: [], useApi: false, now: new Date('2026-06-01T00:00:00Z'), kubeletVersion: 'v1.30.2' });

// id → [condition, expected outcome]
const CASES: Record<string, [string, 'fires' | 'quiet' | RegExp]> = {
  'equals-fires': ['  setting: {name: maxPods, equals: 150}', 'fires'],
  'equals-quiet': ['  setting: {name: maxPods, equals: 110}', 'quiet'],
  'not-equals-fires': ['  setting: {name: maxPods, notEquals: 110}', 'fires'],
  'not-equals-quiet': ['  setting: {name: maxPods, notEquals: 150}', 'quiet'],
  'in-fires': ['  setting: {name: cgroupDriver, in: [cgroupfs, systemd]}', 'fires'],
  'in-quiet': ['  setting: {name: cgroupDriver, in: [cgroupfs]}', 'quiet'],
  'not-in-fires': ['  setting: {name: cgroupDriver, notIn: [cgroupfs]}', 'fires'],
  'not-in-quiet': ['  setting: {name: cgroupDriver, notIn: [systemd, cgroupfs]}', 'quiet'],
  'gt-fires': ['  setting: {name: maxPods, gt: 110}', 'fires'],
  'gt-quiet': ['  setting: {name: maxPods, gt: 150}', 'quiet'],
  'ge-fires': ['  setting: {name: maxPods, ge: 150}', 'fires'],
  'ge-quiet': ['  setting: {name: maxPods, ge: 151}', 'quiet'],
  'lt-fires': ['  setting: {name: maxPods, lt: 151}', 'fires'],
  'lt-quiet': ['  setting: {name: maxPods, lt: 150}', 'quiet'],
  'le-fires': ['  setting: {name: maxPods, le: 150}', 'fires'],
  'le-quiet': ['  setting: {name: maxPods, le: 149}', 'quiet'],
  'range-quiet': ['  setting: {name: maxPods, gt: 100, lt: 120}', 'quiet'],
  'numeric-on-text-quiet': ['  setting: {name: cgroupDriver, gt: 0}', 'quiet'],
  'matches-fires': ["  setting: {name: cgroupDriver, matches: '^sys'}", 'fires'],
  'matches-quiet': ["  setting: {name: cgroupDriver, matches: '^cgroup'}", 'quiet'],
  'contains-item-fires': ['  setting: {name: authorization.mode, contains: Webhook}', 'fires'],
  'contains-item-quiet': ['  setting: {name: authorization.mode, contains: AlwaysAllow}', 'quiet'],
  'contains-list-fires': ['  setting: {name: enforceNodeAllocatable, contains: kube-reserved}', 'fires'],
  'contains-list-quiet': ['  setting: {name: enforceNodeAllocatable, contains: system-reserved}', 'quiet'],
  'exists-fires': ['  setting: {name: maxPods, exists: true}', 'fires'],
  'exists-quiet': ['  setting: {name: maxPods, exists: false}', 'quiet'],
  'unset-fires': ['  setting: {name: podPidsLimit, exists: false}', 'fires'],
  'default-fires': ['  setting: {name: failSwapOn, equals: true}', 'fires'],
  'default-not-set-fires': ['  setting: {name: failSwapOn, exists: false}', 'fires'],
  'no-value-skips': ['  setting: {name: podPidsLimit, gt: 0}', /podPidsLimit is not set, and its default is not in kubelet-doctor's defaults table/],
  'flag-wins-fires': ['  setting: {name: readOnlyPort, equals: 10255}', 'fires'],
  'flag-wins-quiet': ['  setting: {name: readOnlyPort, equals: 0}', 'quiet'],
  'flag-name-fires': ["  setting: {name: '--read-only-port', gt: 0}", 'fires'],
  'flag-map-fires': ['  setting: {name: featureGates.Foo, equals: true}', 'fires'],
  'nested-field-fires': ['  setting: {name: evictionHard.memory.available, equals: 100Mi}', 'fires'],
  'sysctl-equals-fires': ['  sysctl: {name: net.ipv4.ip_forward, equals: 1}', 'fires'],
  'sysctl-equals-quiet': ['  sysctl: {name: net.ipv4.ip_forward, equals: 0}', 'quiet'],
  'sysctl-wanted-fires': ['  sysctl: {name: vm.swappiness, gt: 50}', 'fires'],
  'sysctl-wanted-quiet': ['  sysctl: {name: vm.swappiness, le: 50}', 'quiet'],
  'sysctl-exists-fires': ['  sysctl: {name: vm.swappiness, exists: true}', 'fires'],
  'sysctl-missing-fires': ['  sysctl: {name: net.bridge.bridge-nf-call-iptables, exists: false}', 'fires'],
  'sysctl-missing-quiet': ['  sysctl: {name: net.ipv4.ip_forward, exists: false}', 'quiet'],
  'sysctl-absent-skips': ['  sysctl: {name: net.bridge.bridge-nf-call-iptables, equals: 1}', /bridge-nf-call-iptables does not exist/],
  'sysctl-empty-skips': ['  sysctl: {name: kernel.pid_max, gt: 0}', /pid_max holds no value/],
  'file-exists-fires': ['  file: {path: /etc/kubernetes/manifests, exists: true}', 'fires'],
  'file-exists-quiet': ['  file: {path: /etc/kubernetes/manifests, exists: false}', 'quiet'],
  'file-missing-fires': ['  file: {path: /etc/kubernetes/admin.conf, exists: false}', 'fires'],
  'all-must-hold-quiet': ['  setting: {name: maxPods, equals: 150}\n  sysctl: {name: net.ipv4.ip_forward, equals: 0}', 'quiet'],
  'false-beats-unknown-quiet': ['  setting: {name: maxPods, equals: 1}\n  sysctl: {name: kernel.pid_max, gt: 0}', 'quiet'],
  'unknown-skips-when-rest-holds': ['  setting: {name: maxPods, equals: 150}\n  sysctl: {name: kernel.pid_max, gt: 0}', /pid_max holds no value/],
  'optional-does-not-gate': ['  setting:\n    - {name: maxPods, equals: 150}\n    - {name: cgroupDriver, equals: cgroupfs, optional: true, as: driver}', 'fires'],
};

describe('node-state conditions of YAML rules', () => {
  let report: Report;
  beforeAll(async () => {
    const rules = await rulesFor(Object.fromEntries(Object.entries(CASES).map(([id, [m]]) => [id, m])));
    report = await scanRoot(rules, nodeTree());
  }, 60_000);

  for (const [id, [, want]] of Object.entries(CASES))
    it(`${id}: ${want instanceof RegExp ? 'skipped with the reason' : want}`, () => {
      const fired = report.findings.some((f) => f.ruleId === id);
      const skipped = report.skipped.find((s) => s.ruleId === id);
      if (want === 'fires') expect(fired, JSON.stringify(skipped)).toBe(true);
      else if (want === 'quiet') {
        expect(fired).toBe(false);
        expect(skipped, 'quiet means evaluated, not skipped').toBeUndefined();
        expect(report.rulesRun).toContain(id);
      } else {
        expect(fired).toBe(false);
        expect(skipped?.reason).toMatch(want);
      }
    });

  it('cites the flag that sets a value, and the config line it overrides', () => {
    const f = report.findings.find((x) => x.ruleId === 'flag-wins-fires')!;
    expect(f.current).toBe(true);
    expect(f.evidence.map((c) => [c.source, c.line, c.text, c.note])).toEqual([
      ['etc/systemd/system/kubelet.service', 2, '--read-only-port=10255', undefined],
      ['var/lib/kubelet/config.yaml', 5, 'readOnlyPort: 0', 'overridden by the flag'],
    ]);
  });

  it('cites a config field with its line, a default as not set, a sysctl and a path by file', () => {
    const cites = (id: string) => report.findings.find((x) => x.ruleId === id)!.evidence;
    expect(cites('equals-fires')).toEqual([expect.objectContaining({ source: 'var/lib/kubelet/config.yaml', line: 4, field: 'maxPods', value: '150' })]);
    expect(cites('default-fires')[0]!.text).toMatch(/^not set: kubelet default/);
    expect(cites('sysctl-wanted-fires')).toEqual([expect.objectContaining({ kind: 'file', source: 'proc/sys/vm/swappiness', line: 1, value: '60' })]);
    expect(cites('file-missing-fires')).toEqual([expect.objectContaining({ kind: 'absent', source: 'etc/kubernetes/admin.conf' })]);
    expect(cites('file-exists-fires')).toEqual([expect.objectContaining({ kind: 'file', source: 'etc/kubernetes/manifests', text: '/etc/kubernetes/manifests exists (dir)' })]);
  });
});

describe('captures in messages', () => {
  it('fills values, where they were set, and words an optional capture only when it is there', async () => {
    const dir = join(scratchDir(), 'rules');
    mkdirSync(dir, { recursive: true });
    const rule = (id: string, match: string, message: string) =>
      writeFileSync(
        join(dir, `${id}.yaml`),
        `id: ${id}\ntitle: T\nseverity: warning\ncategory: c\nevidence: [kubeletConfig, system]\nmatch:\n${match}\nmessage: ${JSON.stringify(message)}\nwhy: w\nremediation: {summary: 'set {{port}} back', steps: [{text: t, command: 'echo {{port}}'}]}\nreferences: [https://kubernetes.io/]\n`,
      );
    rule('port-open', '  setting: {name: readOnlyPort, gt: 0, as: port}', "port {{port}} ({{portSetIn|'default'}}{{portOverridden?', over %'|''}}; {{portOrigin}})");
    rule('pods-many', '  setting: {name: maxPods, gt: 0, as: pods}', "{{pods}} pods at {{podsAt}}{{podsOverridden?', over %'|''}}");
    rule('swap-default', '  setting: {name: failSwapOn, equals: true, as: swap}', "failSwapOn {{swap}} ({{swapAt|'not set'}})");
    rule('fwd', '  sysctl: {name: net.ipv4.ip_forward, equals: 1, as: fwd}\n  file: {path: /etc/kubernetes/manifests, exists: true}', '{{fwdPath}} = {{fwd}}; {{file}} is a {{fileType}}');
    rule(
      'with-optional',
      '  setting:\n    - {name: maxPods, gt: 0, as: pods}\n    - {name: cgroupDriver, equals: cgroupfs, as: driver, optional: true}',
      "{{pods}}{{driver?' with %'|' alone'}}",
    );
    const { rules, errors } = await loadRules([dir], { builtins: false });
    expect(errors).toEqual([]);
    const report = await scanRoot(rules, nodeTree());
    const msg = (id: string) => report.findings.find((f) => f.ruleId === id)?.message;
    expect(msg('port-open')).toBe('port 10255 (--read-only-port in etc/systemd/system/kubelet.service:2, over readOnlyPort: 0 in var/lib/kubelet/config.yaml; flag)');
    expect(msg('pods-many')).toBe('150 pods at var/lib/kubelet/config.yaml:4');
    expect(msg('swap-default')).toBe('failSwapOn true (not set)');
    expect(msg('fwd')).toBe('/proc/sys/net/ipv4/ip_forward = 1; /etc/kubernetes/manifests is a dir');
    expect(msg('with-optional')).toBe('150 alone');
    const port = report.findings.find((f) => f.ruleId === 'port-open')!;
    expect(port.remediation.summary).toBe('set 10255 back');
    expect(port.remediation.steps[0]!.command).toBe('echo 10255');
  }, 60_000);
});

describe('worded captures in templates', () => {
  it('words a value only when it is there, else takes the next alternative; docs show the fallback', () => {
    const t = "port {{port}}{{over?', overriding %'|''}} ({{at?'set in %'|'not set'}})";
    expect(fillTemplate(t, { port: '10255', over: 'readOnlyPort: 0 in c.yaml', at: 'u.service:2' })).toBe('port 10255, overriding readOnlyPort: 0 in c.yaml (set in u.service:2)');
    expect(fillTemplate(t, { port: '10255', over: '' })).toBe('port 10255 (not set)');
    expect(showTemplate(t)).toBe('port <port> (not set)');
    expect(showTemplate("{{over?', overriding %'}}")).toBe('<over>');
    // a quoted '?' literal is not a worded capture
    expect(fillTemplate("{{cgroup|name|'?'}}", {})).toBe('?');
  });
});

describe('missing evidence skips, never passes', () => {
  it('a journal-only scan skips a state rule with the reason the node was not read', async () => {
    const rules = await rulesFor({ 'pods-set': '  setting: {name: maxPods, exists: true}' });
    const report = await runScan({ rules, nodeState: false, noJournalctl: true, inputs: [], now: new Date('2026-06-01T00:00:00Z') });
    expect(report.findings).toEqual([]);
    expect(report.skipped.find((s) => s.ruleId === 'pods-set')?.reason).toMatch(/node state: not read/);
    expect(report.rulesRun).not.toContain('pods-set');
  }, 60_000);

  it('a KubeletConfiguration that does not parse skips setting conditions (never compared as defaults)', async () => {
    const rules = await rulesFor({ 'driver-default': '  setting: {name: cgroupDriver, equals: cgroupfs}', 'fwd-on': '  sysctl: {name: net.ipv4.ip_forward, equals: 1}' });
    const report = await scanRoot(rules, nodeTree('kind: KubeletConfiguration\n  bad: [\n'));
    expect(report.skipped.find((s) => s.ruleId === 'driver-default')?.reason).toMatch(/kubelet settings unknown: its KubeletConfiguration var\/lib\/kubelet\/config\.yaml.* does not parse/);
    // a sysctl does not depend on the kubelet's settings
    expect(report.findings.map((f) => f.ruleId)).toEqual(['fwd-on']);
  }, 60_000);

  it('a declared kind that is missing skips with that kind\'s reason, unless the journal decides', async () => {
    const dir = join(scratchDir(), 'rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'swap-said.yaml'),
      "id: swap-said\ntitle: T\nseverity: error\ncategory: c\nevidence: [journal, system]\nmatch:\n  journal: ['running with swap on is not supported']\n  sysctl: {name: vm.swappiness, gt: 0}\nmessage: m\nwhy: w\nremediation: {summary: s, steps: [{text: t}]}\nreferences: [https://kubernetes.io/]\n",
    );
    const { rules } = await loadRules([dir], { builtins: false });
    const journal = scratchDir();
    writeFileSync(join(journal, 'quiet.log'), 'Jun 01 00:00:00 node-a kubelet[1]: I0601 00:00:00.000000       1 server.go:1] "Starting kubelet"\n');
    writeFileSync(join(journal, 'swap.log'), 'Jun 01 00:00:00 node-a kubelet[1]: E0601 00:00:00.000000       1 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap!"\n');
    const scan = (f: string) => runScan({ rules, journals: [join(journal, f)], nodeState: false, noJournalctl: true, now: new Date('2026-06-01T00:00:00Z') });
    const quiet = await scan('quiet.log');
    expect(quiet.findings).toEqual([]);
    expect(quiet.skipped.find((s) => s.ruleId === 'swap-said')?.reason).toMatch(/node state: not read/);
    const said = await scan('swap.log');
    expect(said.findings.map((f) => [f.ruleId, f.evidence[0]?.kind])).toEqual([['swap-said', 'journal']]);
  }, 60_000);
});

describe('load errors name the file, the line and the field', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown-op', '  setting:\n    name: maxPods\n    greater: 200', /unknown-op\.yaml:9: match\.setting\.greater: unknown field \(known: name, as, optional, equals/],
    ['typo-op', '  setting: {name: maxPods, equal: 200}', /typo-op\.yaml:7: match\.setting\.equal: unknown field \(did you mean equals\?\)/],
    ['no-op', '  setting: {name: maxPods}', /no-op\.yaml:7: match\.setting: needs an operator/],
    ['bad-number', "  setting: {name: maxPods, gt: 'many'}", /bad-number\.yaml:7: match\.setting\.gt: must be a number/],
    ['bad-list', '  setting: {name: maxPods, in: 150}', /bad-list\.yaml:7: match\.setting\.in: must be a non-empty list/],
    ['typo-field', '  setting: {name: maxPod, equals: 1}', /typo-field\.yaml:7: match\.setting\.name: KubeletConfiguration has no field maxPod \(did you mean maxPods\?\)/],
    ['typo-flag', "  setting: {name: '--read-only-prt', equals: 1}", /typo-flag\.yaml:7: match\.setting\.name: no kubelet flag --read-only-prt \(did you mean --read-only-port\?\)/],
    ['bad-sysctl', "  sysctl: {name: '../../etc/shadow', exists: true}", /bad-sysctl\.yaml:7: match\.sysctl\.name: .* is not a sysctl name/],
    ['relative-path', '  file: {path: etc/kubernetes, exists: true}', /relative-path\.yaml:7: match\.file\.path: .* must be an absolute node path/],
    ['dotdot-path', '  file: {path: /etc/../root, exists: true}', /dotdot-path\.yaml:7: match\.file\.path:/],
    ['file-op', '  file: {path: /etc/kubernetes, equals: x}', /file-op\.yaml:7: match\.file\.equals: unknown field \(known: path, as, optional, exists\)/],
    ['exists-and-value', '  setting: {name: maxPods, exists: false, equals: 1}', /exists-and-value\.yaml:7: match\.setting: exists: false cannot be combined/],
    ['unsafe-regex', "  setting: {name: cgroupDriver, matches: '(a+)+$'}", /unsafe-regex\.yaml:7: match\.setting\.matches: nested unbounded quantifiers/],
    ['bad-regex', "  setting: {name: cgroupDriver, matches: '(a'}", /bad-regex\.yaml:7: match\.setting\.matches: invalid regular expression/],
    ['same-capture', '  setting:\n    - {name: maxPods, gt: 1}\n    - {name: cgroupDriver, equals: systemd}', /same-capture\.yaml:6: match: two conditions capture as "setting"/],
    ['all-optional', '  setting: {name: maxPods, gt: 1, optional: true}', /all-optional\.yaml:6: match: every condition is optional/],
    ['bad-as', "  setting: {name: maxPods, gt: 1, as: 'a b'}", /bad-as\.yaml:7: match\.setting\.as: must be a name/],
  ];
  it.each(cases)('%s', async (id, match, want) => {
    const dir = join(scratchDir(), 'rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.yaml`), `id: ${id}\ntitle: T\nseverity: warning\ncategory: c\nevidence: [kubeletConfig, system]\nmatch:\n${match}\nmessage: m\nwhy: w\nremediation: {summary: s, steps: [{text: t}]}\nreferences: [https://kubernetes.io/]\n`);
    const { rules, errors } = await loadRules([dir], { builtins: false });
    expect(rules).toEqual([]);
    expect(errors[0]).toMatch(want);
  });

  it('a condition needs its evidence kind declared, and a data rule needs journal patterns or conditions', async () => {
    const dir = join(scratchDir(), 'rules');
    mkdirSync(dir, { recursive: true });
    const body = (id: string, evidence: string, match: string) =>
      `id: ${id}\ntitle: T\nseverity: warning\ncategory: c\nevidence: [${evidence}]\nmatch:\n${match}\nmessage: m\nwhy: w\nremediation: {summary: s, steps: [{text: t}]}\nreferences: [https://kubernetes.io/]\n`;
    writeFileSync(join(dir, 'no-kind.yaml'), body('no-kind', 'kubeletConfig', '  sysctl: {name: net.ipv4.ip_forward, equals: 0}'));
    writeFileSync(join(dir, 'nothing.yaml'), body('nothing', 'system', '  minCount: 2'));
    const { errors } = await loadRules([dir], { builtins: false });
    expect(errors).toEqual([
      expect.stringMatching(/no-kind\.yaml:7: match\.sysctl: reads system evidence: add system to evidence/),
      expect.stringMatching(/nothing\.yaml:6: match: a data rule needs journal patterns or node-state conditions/),
    ]);
  });
});
