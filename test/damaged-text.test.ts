// The same kubelet wording, damaged the ways pasted text is (cut, hard-wrapped, decorated, bare, reversed),
// must give the same finding; near-misses must not. The wording is composed from the kubelet's format strings
// (pkg/kubelet/cm/container_manager_linux.go: "running with swap on is not supported, please disable swap! or
// set --fail-swap-on flag to false. /proc/swaps contained: %v"; cmd/kubelet/app/server.go: klog.Fatalf("failed
// to run Kubelet: %v", err)). And section 4 of issue 9: a dying kubelet is never a silent pass.

import { describe, expect, it } from 'vitest';
import { partialPattern, cutAt } from '../src/engine/partial.js';
import { decideWrap } from '../src/journal/wrap.js';
import { parsePartialPrefix, parseKlogLoose, undecorate } from '../src/journal/decorations.js';
import { KUBELET_PROCESS, KUBELET_UNIT } from '../src/kubelet-identity.js';
import { normaliseMessage } from '../src/engine/matcher.js';
import { parseLogfmt } from '../src/journal/json-records.js';
import { scanText } from './helpers.js';
import { parseText } from './parser-helpers.js';

const P = 'Nov 20 03:00:05 node-a kubelet[1234]: ';
const K = 'F1120 03:00:05.100000    1234 server.go:269] ';
const M =
  'failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename Type Size Used Priority /swap.img file 4194300 0 -2]';
const LINE = P + K + M;
const EXIT = 'Nov 20 03:00:05 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=255/EXCEPTION';
const EARLIER = [
  'Nov 20 02:59:00 node-a kubelet[1000]: I1120 02:59:00.100000    1000 server.go:416] Version: v1.20.9',
  'Nov 20 02:59:01 node-a kubelet[1000]: I1120 02:59:01.100000    1000 kubelet.go:1292] Started kubelet',
  'Nov 20 02:59:02 node-a systemd[1]: Stopping kubelet: The Kubernetes Node Agent...',
];

function chunks(s: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += width) out.push(s.slice(i, i + width));
  return out;
}

const FORMS: [name: string, lines: string[]][] = [
  ['as journalctl printed it', [LINE, EXIT]],
  ["cut by journalctl's … at the terminal width", [`${LINE.slice(0, 200)}…`, EXIT]],
  ["cut by a pager's > in the last column", [`${LINE.slice(0, 210)}>`, EXIT]],
  ['hard-wrapped in two, mid-word', [...chunks(LINE, 130), EXIT]],
  ['hard-wrapped in three at 100 columns', [...chunks(LINE, 100), EXIT]],
  // at 80 columns the wrap falls inside the klog header (`server.go:2` + `69] …`)
  ['hard-wrapped at 80 columns, inside the klog header', [...chunks(LINE, 80), EXIT]],
  ['bare klog hard-wrapped at 80 columns', [...chunks(K + M, 80)]],
  ['wrapped at the blank after the klog header PID', [LINE.slice(0, P.length + K.indexOf(' server.go')), LINE.slice(P.length + K.indexOf(' server.go')), EXIT]],
  ['quoted in markdown', [`> ${LINE}`, `> ${EXIT}`]],
  ['bold markers', [`**${LINE}**`, EXIT]],
  ['a diff +', [`+${LINE}`, `+${EXIT}`]],
  ["grep's file: prefix", [`/var/log/syslog:${LINE}`, `/var/log/syslog-${EXIT}`]],
  ['after a shell prompt and its command', ['$ journalctl -u kubelet --no-pager', LINE, EXIT]],
  ['indented', [`    ${LINE}`, EXIT]],
  ['the date cut off', [`node-a kubelet[1234]: ${K}${M}`, EXIT]],
  ['only the identifier left', [` kubelet[1234]: ${K}${M}`]],
  ['a wrapper tag', [`kubelet: ${K}${M}`]],
  ['a talosctl node address', [`10.0.0.2: ${K}${M}`]],
  ['a cut klog header (severity and caller)', [`F server.go:269] ${M}`]],
  ['a cut klog header (PID and caller)', [` 1234 server.go:269] ${M}`]],
  ['bare klog', [K + M]],
  ['the bare message', [M]],
  ['reversed (journalctl -r), after an earlier run', [EXIT, LINE, ...[...EARLIER].reverse()]],
  ['in order, after an earlier run', [...EARLIER, LINE, EXIT]],
];

describe('damaged text: the same wording gives the same finding', () => {
  it.each(FORMS)('%s', async (_name, lines) => {
    const r = await scanText(`${lines.join('\n')}\n`);
    const top = r.findings[0];
    expect(top?.ruleId).toBe('swap-enabled');
    expect(top?.current).toBe(true);
    // the kubelet died and a rule explains it: the engine's exit finding is folded under it
    const exit = r.findings.find((f) => f.ruleId === 'kubelet-exit-unexplained');
    if (exit) expect([exit.explainedBy, exit.severity]).toEqual(['swap-enabled', 'info']);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['swap-enabled']);
  });

  it.each([
    ['the identifying phrase cut off', [`${P}${K}failed to run Kubelet: running with sw…`]],
    // the identifying phrase is "running with swap on is not supported" (the rule keys on it, the rest optional)
    ['a different ending, not cut', [`${P}${K}failed to run Kubelet: running with swap on is not what this node wants`]],
    ['a value ending in <nil> is not a cut', [`${P}I1120 03:00:05.100000    1234 server.go:1] "running with swap on is not" err=<nil>`]],
    ["another program's line is not joined to a bare klog line", [`F1120 03:00:05.100000    1234 server.go:269] failed to run Kubelet: running with swap on is not`, 'time="2025-11-20T03:00:05Z" level=info msg="supported, please disable swap! or set --fail-swap-on flag to false"']],
  ])('near miss: %s', async (_name, lines) => {
    const r = await scanText(`${lines.join('\n')}\n`);
    expect(r.findings.map((f) => f.ruleId)).not.toContain('swap-enabled');
  });
});

describe('the decoders', () => {
  it('partial prefixes only for kubelets, PID 1, the kernel or a klog header', () => {
    expect(parsePartialPrefix('microk8s.daemon-kubelite: E0424 03:43:38.826373    8825 kubelet.go:1423] x')).toMatchObject({ process: 'microk8s.daemon-kubelite' });
    expect(parsePartialPrefix('host-1 k3s[12]: I0101 00:00:00.000000      12 a.go:1] x')).toMatchObject({ host: 'host-1', process: 'k3s', pid: 12 });
    expect(parsePartialPrefix('Error: unknown flag: --foo')).toBeUndefined();
    expect(parsePartialPrefix('Started kubelet: The Kubernetes Node Agent.')).toBeUndefined();
    expect(parsePartialPrefix('kubelet.service: Main process exited, code=exited, status=1/FAILURE')).toBeUndefined();
    expect(parsePartialPrefix('E kubelet.go:1688] "Failed"')).toBeUndefined();
  });
  it('klog headers cut down to their caller', () => {
    expect(parseKlogLoose('E kubelet.go:1688] "Failed to start ContainerManager"')).toMatchObject({ level: 'E', caller: 'kubelet.go:1688', rest: '"Failed to start ContainerManager"' });
    expect(parseKlogLoose(' 2009 cni.go:237] Unable to update cni config')).toMatchObject({ caller: 'cni.go:237', rest: 'Unable to update cni config' });
    expect(parseKlogLoose('the config at foo.go:12 is odd')).toBeUndefined();
  });
  it('decorations come off one layer at a time; prompts, fences and grep separators are dropped', () => {
    expect(undecorate('>  Dec 07 19:16:44 h kubelet[9]: x')).toEqual({ line: 'Dec 07 19:16:44 h kubelet[9]: x' });
    expect(undecorate('10.0.0.2: {"ts":1}')).toEqual({ line: '{"ts":1}', host: '10.0.0.2' });
    expect(undecorate('root@node2:~# journalctl -u kubelet -f')).toBe('drop');
    expect(undecorate('```')).toBe('drop');
    expect(undecorate('--')).toBe('drop');
    expect(undecorate('Flag --foo has been deprecated')).toBeUndefined();
  });
  it("grep's file: prefix before a JSON line", () => {
    expect(undecorate('kubelet.json:12:{"MESSAGE":"x"}')).toEqual({ line: '{"MESSAGE":"x"}' });
    expect(undecorate('/var/log/k.log:{"ts":1,"msg":"x"}')).toEqual({ line: '{"ts":1,"msg":"x"}' });
  });
  it("grep's file: before a -o short-iso line: the year is no line number", () => {
    const iso = '2021-02-14T07:03:55+0000 node-a kubelet[1234]: E0214 07:03:55.100000    1234 kubelet.go:1] x';
    expect(undecorate(`kubelet.log:${iso}`)).toEqual({ line: iso });
    expect(undecorate(`kubelet.log:12:${iso}`)).toEqual({ line: iso });
  });
  it('a bare structured kubelet line that names kubelet.service is no systemd line', async () => {
    // pkg/kubelet/cm/container_manager_linux.go: klog.ErrorS(err, "Failed to find cgroups of kubelet")
    const line = '"Failed to find cgroups of kubelet" err="cpu and memory cgroup hierarchy not unified.  cpu: /, memory: /system.slice/kubelet.service"';
    expect((await scanText(`${line}\n`)).findings.map((f) => f.ruleId)).toContain('cgroup-hierarchy-not-unified');
    // cmd/kubelet/app/server.go (<= v1.15): the fatal form, bare; the unit named only inside a cgroup path
    const fatal = "failed to run Kubelet: failed to get the kubelet's cgroup: cpu and memory cgroup hierarchy not unified.  cpu: /, memory: /system.slice/kubelet.service";
    expect((await scanText(`${fatal}\n`)).findings.map((f) => f.ruleId)).toContain('cgroup-hierarchy-not-unified');
    // systemd's own line about the unit is still systemd's
    const exit = await scanText('kubelet.service: Main process exited, code=exited, status=1/FAILURE\n');
    expect(exit.runs.at(-1)?.exit?.status).toBe('1/FAILURE');
  });
  it('a logfmt line cut inside its quoted msg keeps what survived', () => {
    expect(parseLogfmt('time="2024-03-05" level=error msg="Error loading CNI config l…')).toEqual({ time: '2024-03-05', level: 'error', msg: 'Error loading CNI config l…' });
    expect(parseLogfmt('level=info msg="a \\"b\\" c" x=1')).toEqual({ level: 'info', msg: 'a "b" c', x: '1' });
  });
  it('a structured line cut between an escape and its quote, right after the identifying literal', async () => {
    // pkg/kubelet/cri/remote/remote_runtime.go RunPodSandbox: "RunPodSandbox from runtime service failed" err=%v
    const line = `${P}E1120 03:00:05.100000    1234 remote_runtime.go:176] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = failed to setup network for sandbox \\"0123abcd\\": plugin type=\\"bridge\\" failed (add): failed to find plugin \\"bridge\\" in path [/opt/cni/bin]"`;
    const at = line.indexOf('plugin \\"bridge\\" in') + 'plugin \\'.length;
    expect((await scanText(`${line}\n`)).findings.map((f) => f.ruleId)).toContain('cni-plugin-binary-missing');
    expect((await scanText(`${line.slice(0, at)}…\n`)).findings.map((f) => f.ruleId)).toContain('cni-plugin-binary-missing');
  });
  it('the wrap state machine', () => {
    const tail = { message: '"Failed" err="[open /proc/sys/kernel/panic: permission denied,', prefixed: false, klog: true, unterminated: true, ellipsized: false, lastWidth: 70, joined: 1 };
    expect(decideWrap(tail, '  open /proc/sys/vm/overcommit_memory: permission denied]"', true)).toEqual({ join: true, separator: ' ' });
    expect(decideWrap({ ...tail, unterminated: false, message: 'done', prefixed: true, lastWidth: 120 }, 'tinued text', false)).toEqual({ join: true, separator: '' });
    expect(decideWrap({ ...tail, unterminated: false, message: 'done', prefixed: true }, '  indented continuation of a multi-line message', true)).toEqual({ join: false });
    expect(decideWrap({ ...tail, prefixed: false }, 'time="x" level=info msg="other program"', false)).toEqual({ join: false });
    expect(decideWrap({ ...tail, ellipsized: true }, 'more', false)).toEqual({ join: false });
    // a bare klog line that filled the terminal: its rest follows; a shorter one ended where it ended
    const bare = { ...tail, prefixed: false, unterminated: false, message: 'failed to run Kubelet: invalid conf', lastWidth: 80 };
    expect(decideWrap(bare, 'iguration: cgroup-root ["kubelet"] doesn\'t exist', false)).toEqual({ join: true, separator: '' });
    expect(decideWrap({ ...bare, lastWidth: 60 }, 'iguration: cgroup-root', false)).toEqual({ join: false });
    expect(decideWrap({ ...bare, klog: false }, 'iguration: cgroup-root', false)).toEqual({ join: false });
    expect(decideWrap({ ...bare, message: 'differs from state checkpoint policy ' }, '"static"', false)).toEqual({ join: true, separator: '' });
    expect(decideWrap({ ...bare, message: 'not ready' }, 'time="x" level=info msg="other program"', false)).toEqual({ join: false });
    // a prefixed journal wrapped at a blank: one blank leads the rest (journalctl's continuations are indented deeper)
    const pre = { ...bare, prefixed: true, message: 'Unable to' };
    expect(decideWrap(pre, ' store the new cert/key pair', true)).toEqual({ join: true, separator: ' ' });
    expect(decideWrap(pre, '        store the new cert/key pair', true)).toEqual({ join: false });
    // a bare klog line wrapped at a blank whose rest reads like `word: ` (another program's lines are never one blank deep)
    expect(decideWrap(bare, ' failed: rpc error: code = DeadlineExceeded', true)).toEqual({ join: true, separator: ' ' });
    expect(decideWrap({ ...bare, message: 'Version from runtime service.' }, 'failed: rpc error: code = DeadlineExceeded', false)).toEqual({ join: false });
    expect(decideWrap(bare, '    failed: rpc error', true)).toEqual({ join: false });
    // inside an open quoted value at the terminal width, a capitalised phrase is the value's rest (a gRPC status
    // `rpc error: code = Unknown desc = …`); a klog header or another program's line still starts its own record
    const quoted = { ...bare, unterminated: true, message: '"RunPodSandbox from runtime service failed" err="rpc error: code = ', lastWidth: 120 };
    expect(decideWrap(quoted, 'Unknown desc = failed to setup network for sandbox', false)).toEqual({ join: true, separator: '' });
    expect(decideWrap(quoted, 'E1204 16:20:44.146112    2290 a.go:1] "x"', false)).toEqual({ join: false });
    expect(decideWrap(quoted, 'time="x" level=info msg="other program"', false)).toEqual({ join: false });
    expect(decideWrap({ ...quoted, lastWidth: 60 }, 'Unknown desc = failed', false)).toEqual({ join: false });
    // a prefixed journal's long entry wraps into many pieces (each line without a prefix is one); a bare paste's stop at 6
    expect(decideWrap({ ...pre, joined: 10 }, 'rce busy', false)).toEqual({ join: true, separator: '' });
    expect(decideWrap({ ...pre, joined: 16 }, 'rce busy', false)).toEqual({ join: false });
    expect(decideWrap({ ...bare, joined: 6 }, 'iguration: cgroup-root', false)).toEqual({ join: false });
  });
  it('partial patterns: the text must end inside a match', () => {
    const re = partialPattern('failed to parse kubelet flag: unknown flag: --(?<flag>[\\w-]+)')!;
    expect(re.test('x failed to parse kubelet fl')).toBe(true);
    expect(re.test('x failed to parse kubelet flag: unknown flag: --foo')).toBe(true);
    expect(re.exec('x failed to parse something else')!.index).toBeGreaterThan(20);
    expect(partialPattern('(a)\\1')).toBeUndefined();
    expect([cutAt('abc…', false), cutAt('ab…cd', false), cutAt('abc...', false), cutAt('a b>', false), cutAt('x <nil>', false), cutAt('abc', false), cutAt('abc', true)]).toEqual([3, 2, 3, 3, -1, -1, 3]);
  });
  it('nested err quoting is unescaped', () => {
    // klog quotes the inner err once more: \\\" is a quote two levels down
    expect(normaliseMessage(String.raw`a \\\"b\\\" c`)).toBe('a "b" c');
    expect(normaliseMessage(String.raw`err="x: \"y\""`)).toBe('err="x: "y""');
  });
  it('one identity table: process names and units of the distributions', () => {
    for (const p of ['kubelet', 'kubenswrapper', 'hyperkube', 'k3s', 'k3s-agent', 'k0s', 'kubelite', 'microk8s.daemon-kubelite', 'edgecore', 'rke2', '/usr/bin/kubelet', 'kubelet.daemon'])
      expect([p, KUBELET_PROCESS.test(p)]).toEqual([p, true]);
    for (const p of ['containerd', 'systemd', 'kernel', 'dockerd', 'crio']) expect([p, KUBELET_PROCESS.test(p)]).toEqual([p, false]);
    for (const u of ['kubelet.service', 'kube-kubelet.service', 'k3s-agent.service', 'snap.microk8s.daemon-kubelite.service', 'k0sworker.service', 'rke2-agent.service', 'edgecore.service', 'snap.kubelet.daemon.service'])
      expect([u, KUBELET_UNIT.test(u)]).toEqual([u, true]);
    expect(KUBELET_UNIT.test('containerd.service')).toBe(false);
  });
});

describe('a JSON line hard-wrapped at the terminal width', () => {
  // journalctl -o json fields; MESSAGE from klog.Fatalf("failed to run Kubelet: %v", err) with the swap error
  const entry = (pid: number, us: number, message: string) =>
    JSON.stringify({ __CURSOR: `s=abc;i=${us}`, __REALTIME_TIMESTAMP: String(1763607605000000 + us), _BOOT_ID: '0123456789abcdef0123456789abcdef', _PID: String(pid), _COMM: 'kubelet', SYSLOG_IDENTIFIER: 'kubelet', _SYSTEMD_UNIT: 'kubelet.service', _HOSTNAME: 'node-a', MESSAGE: message });
  const fatal = entry(1234, 100000, K + M);
  const exit = JSON.stringify({ __REALTIME_TIMESTAMP: '1763607605200000', _BOOT_ID: '0123456789abcdef0123456789abcdef', _PID: '1', SYSLOG_IDENTIFIER: 'systemd', _HOSTNAME: 'node-a', UNIT: 'kubelet.service', MESSAGE: 'kubelet.service: Main process exited, code=exited, status=255/EXCEPTION' });
  const version = entry(1234, 50000, 'I1120 03:00:05.050000    1234 server.go:416] Version: v1.20.9');

  it.each([60, 80, 120, 200])('at %i columns: the same finding, the same run, cited over its pieces', async (width) => {
    const whole = await scanText(`${[version, fatal, exit].join('\n')}\n`, {}, 'k.json');
    const wrapped = await scanText(`${[version, fatal, exit].flatMap((l) => chunks(l, width)).join('\n')}\n`, {}, 'k.json');
    expect(whole.findings[0]?.ruleId).toBe('swap-enabled');
    expect(wrapped.findings.map((f) => [f.ruleId, f.severity, f.current, f.causedExit])).toEqual(whole.findings.map((f) => [f.ruleId, f.severity, f.current, f.causedExit]));
    expect(wrapped.node?.kubeletVersion).toBe('v1.20.9');
    expect(wrapped.runs.length).toBe(whole.runs.length);
    const cite = wrapped.findings[0]!.evidence.find((e) => e.kind === 'journal')!;
    const pieces = chunks(version, width).length;
    expect([cite.line, cite.endLine]).toEqual([pieces + 1, pieces + chunks(fatal, width).length]);
  });

  it('a JSON line cut short (no wrap) is still read for what survived, at the end of the input too', async () => {
    const cut = fatal.slice(0, fatal.indexOf('swap on is not supported') + 30);
    expect((await scanText(`${cut}\n`, {}, 'k.json')).findings.map((f) => f.ruleId)).toContain('swap-enabled');
    expect((await scanText(`${cut}\n${exit}\n`, {}, 'k.json')).findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });

  it("journalctl's boot marker after a cut JSON line is a marker, not the line's rest", () => {
    const cut = version.slice(0, -20); // cut inside its MESSAGE: salvaged
    const { records } = parseText(`${cut}\n-- Boot 0123456789abcdef0123456789abcdef --\n${fatal}\n`);
    expect(records.map((r) => [r.line, r.endLine])).toEqual([
      [1, undefined],
      [3, undefined],
    ]);
  });

  it('a line after a cut JSON line that starts a record of its own is not joined to it', async () => {
    const cut = version.slice(0, 70);
    const r = await scanText(`${cut}\n${P}${K}${M}\n`);
    expect(r.findings[0]?.ruleId).toBe('swap-enabled');
    expect(r.findings[0]!.evidence.find((e) => e.kind === 'journal')).toMatchObject({ line: 2 });
  });
});

describe('never silent while the kubelet dies', () => {
  const run = (pid: number, lines: string[]) => lines.map((l) => l.replaceAll('PID', String(pid)));
  it('an unknown fatal line and systemd exits: an error finding that names the exit and quotes the reason', async () => {
    const text = [
      ...run(700, ['Nov 20 03:00:00 node-a kubelet[PID]: F1120 03:00:00.100000     PID server.go:269] failed to run Kubelet: the gizmo is unavailable']),
      'Nov 20 03:00:00 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=255/EXCEPTION',
      'Nov 20 03:00:10 node-a systemd[1]: kubelet.service: Scheduled restart job, restart counter is at 1.',
      ...run(701, ['Nov 20 03:00:10 node-a kubelet[PID]: F1120 03:00:10.100000     PID server.go:269] failed to run Kubelet: the gizmo is unavailable']),
      'Nov 20 03:00:10 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=255/EXCEPTION',
    ].join('\n');
    const r = await scanText(`${text}\n`);
    const f = r.findings[0]!;
    expect([f.ruleId, f.severity, f.current]).toEqual(['kubelet-exit-unexplained', 'error', true]);
    expect(f.message).toMatch(/exited with status 255\/EXCEPTION after a fatal klog line, and it has restarted 1 time\b/);
    expect(f.message).toContain('the gizmo is unavailable');
    expect(f.evidence.map((e) => e.line)).toEqual([4, 5]);
    expect(r.verdict).not.toMatch(/No known failure/);
  });
  it('an Error: line with no systemd lines (a bare paste) is a death too', async () => {
    const r = await scanText('Error: failed to load the gizmo: no such gizmo\n');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['kubelet-exit-unexplained', 'error']]);
  });
  it('SIGKILL with nothing printed is named as such', async () => {
    const r = await scanText(
      ['Nov 20 03:00:00 node-a kubelet[9]: I1120 03:00:00.100000       9 kubelet.go:1292] Started kubelet', 'Nov 20 03:10:00 node-a systemd[1]: kubelet.service: Main process exited, code=killed, status=9/KILL'].join('\n'),
    );
    expect(r.findings[0]!.message).toMatch(/killed by signal 9\/KILL \(SIGKILL.*killed without printing anything/);
  });
  it('the rest of a wrapped line that reads like a pasted command is still its rest', () => {
    // pkg/kubelet/cri/remote/remote_runtime.go (v1.17): klog.Errorf("Version from runtime service failed: %v", err)
    const line = 'Sep 08 06:00:00.132947 worker-9 kubelet[2212]: E0908 06:00:00.132947    2212 remote_runtime.go:81] Version from runtime service failed: rpc error: code = DeadlineExceeded desc = context deadline exceeded';
    const { records } = parseText(`${line.slice(0, 120)}\n${line.slice(120)}\n`);
    expect(records.map((r) => [r.line, r.endLine, r.message])).toEqual([[1, 2, 'Version from runtime service failed: rpc error: code = DeadlineExceeded desc = context deadline exceeded']]);
    // after a short line, a pasted command is dropped, not joined
    const cmd = parseText(`${line.slice(0, 60)}\nservice kubelet status\n`).records;
    expect(cmd.map((r) => [r.line, r.endLine])).toEqual([[1, undefined]]);
  });
  it("systemd's exit line hard-wrapped at 80 columns is read whole", async () => {
    const exit = 'Nov 20 03:10:00.100000 node-a systemd[1]: kubelet.service: Main process exited, code=killed, status=9/KILL';
    const r = await scanText(['Nov 20 03:00:00.100000 node-a kubelet[9]: I1120 03:00:00.100000       9 kubelet.go:1292] Started kubelet', exit.slice(0, 80), exit.slice(80)].join('\n'));
    expect(r.runs.at(-1)?.exit).toMatchObject({ code: 'killed', status: '9/KILL' });
    expect(r.findings[0]!.message).toMatch(/killed by signal 9\/KILL/);
  });
  it('the OOM killer is named', async () => {
    const r = await scanText(
      [
        'Nov 20 03:00:00 node-a kubelet[9]: I1120 03:00:00.100000       9 kubelet.go:1292] Started kubelet',
        'Nov 20 03:10:00 node-a kernel: Out of memory: Killed process 9 (kubelet) total-vm:2000000kB',
        'Nov 20 03:10:00 node-a systemd[1]: kubelet.service: Main process exited, code=killed, status=9/KILL',
      ].join('\n'),
    );
    expect(r.findings[0]!.message).toMatch(/killed by the OOM killer/);
  });
  it('a systemctl status paste alone (status 255) and a CHDIR failure are exits', async () => {
    const a = await scanText(['● kubelet.service - kubelet: The Kubernetes Node Agent', '   Active: activating (auto-restart) (Result: exit-code) since Wed 2020-07-29 08:46:32 EDT; 919ms ago', ' Main PID: 9982 (code=exited, status=255)'].join('\n'));
    expect(a.findings.map((f) => f.ruleId)).toEqual(['kubelet-exit-unexplained']);
    expect(a.findings[0]!.message).toMatch(/exited with status 255/);
    const b = await scanText(
      ['Aug 15 14:52:29 h systemd: Failed at step CHDIR spawning /usr/local/bin/kubelet: No such file or directory', 'Aug 15 14:52:29 h systemd: kubelet.service: main process exited, code=exited, status=200/CHDIR', 'Aug 15 14:52:29 h systemd: Started Kubernetes Kubelet Server.'].join('\n'),
    );
    // the rule that explains a CHDIR failure leads; the exit finding, folded under it, names how it ended
    expect(b.findings[0]!.ruleId).toBe('kubelet-root-dir-missing');
    expect(b.findings.find((f) => f.ruleId === 'kubelet-exit-unexplained')!.message).toMatch(/never ran: systemd could not start it \(status=200\/CHDIR\)/);
  });
  it('alive latest run: no exit finding, even after an earlier death', async () => {
    const r = await scanText(
      [
        'Nov 20 03:00:00 node-a kubelet[700]: F1120 03:00:00.100000     700 server.go:269] failed to run Kubelet: the gizmo is unavailable',
        'Nov 20 03:00:00 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=255/EXCEPTION',
        'Nov 20 03:00:10 node-a kubelet[701]: I1120 03:00:10.100000     701 kubelet.go:1292] Started kubelet',
      ].join('\n'),
    );
    expect(r.findings.filter((f) => f.ruleId === 'kubelet-exit-unexplained')).toEqual([]);
    expect(r.verdict).toBe('No known failure signature found');
  });
});
