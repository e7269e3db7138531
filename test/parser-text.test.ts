// Hand-composed inputs for what journalctl itself does not print: syslog files, raw klog files, kubelet
// JSON logging, wrappers, pasted `systemctl status`, truncation, localised month names, markers, CRLF.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKlog, parsePrefix, parseStructuredText, shortByRegex, shortFast } from '../src/journal/prefix.js';
import { byMessage, parseText } from './parser-helpers.js';

describe('syslog files (/var/log/messages, /var/log/syslog)', () => {
  it('traditional format: no PID for the kubelet, #011 for TAB, space-padded day', () => {
    const text = [
      'Mar  5 07:03:50 k8s-master systemd[1]: Started Kubernetes Kubelet.',
      'Mar  5 07:03:50 k8s-master kubelet: I0305 07:03:50.631011  360163 server.go:416] Version: v1.20.1',
      'Mar  5 07:03:51 k8s-master kubelet: E0305 07:03:51.100001  360163 kubelet.go:2263] node "k8s-master" not found',
      'Mar  5 07:03:51 k8s-master kubelet: #011/workspace/src/k8s.io/kubernetes/pkg/kubelet/kubelet.go:1347 +0x1c5',
      'Mar  5 07:03:52 k8s-master containerd: time="2021-03-05T07:03:52Z" level=info msg="ok"',
    ].join('\n');
    const { records, format } = parseText(text, new Date('2021-03-06T00:00:00Z'));
    expect(format).toBe('syslog');
    expect(records).toHaveLength(5);
    const [sd, v, e, tab, cd] = records;
    expect(sd).toMatchObject({ line: 1, process: 'systemd', pid: 1, fromSystemd: true, fromKubelet: false, timeText: 'Mar 5 07:03:50' });
    expect(v).toMatchObject({
      line: 2,
      host: 'k8s-master',
      process: 'kubelet',
      pid: 360163, // no PID in the prefix: klog's thread id is the PID
      level: 'I',
      caller: 'server.go:416',
      message: 'Version: v1.20.1',
      time: Date.UTC(2021, 2, 5, 7, 3, 50),
      fromKubelet: true,
    });
    expect(v!.fields).toBeUndefined(); // printf-era line: no structured fields
    expect(e).toMatchObject({ level: 'E', caller: 'kubelet.go:2263', message: 'node "k8s-master" not found' });
    // a non-klog line after an E line is a record of its own (only F/panic dumps are attached)
    expect(tab!.message).toBe('\t/workspace/src/k8s.io/kubernetes/pkg/kubelet/kubelet.go:1347 +0x1c5');
    expect(cd).toMatchObject({ process: 'containerd', fromKubelet: false, message: 'ok', level: 'I' });
  });

  it('rsyslog RFC 3339 timestamps (RSYSLOG_FileFormat) with #012 for multi-line messages', () => {
    const text =
      '2025-11-20T03:00:00.132947+01:00 node-a kubelet[1234]: I1120 03:00:00.132947    1234 swap.go:1] "Swap is on" contents=<#012#011Filename Type#012#011/dev/sda2 partition#012 >\n' +
      '2025-11-20T03:00:01+01:00 node-a kubelet[1234]: W1120 03:00:01.000001    1234 x.go:2] "Something" key="a#011b"\n';
    const { records, format } = parseText(text);
    expect(format).toBe('short-iso-precise');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      timeText: '2025-11-20T03:00:00.132947+01:00',
      time: Date.UTC(2025, 10, 20, 2, 0, 0, 132),
      pid: 1234,
      level: 'I',
      message: '"Swap is on" contents=<',
      continuation: ['\tFilename Type', '\t/dev/sda2 partition', ' >'],
      fields: { msg: 'Swap is on', contents: 'Filename Type\n/dev/sda2 partition' },
    });
    expect(records[1]!.fields).toEqual({ msg: 'Something', key: 'a\tb' });
    expect(records[1]!.time).toBe(Date.UTC(2025, 10, 20, 2, 0, 1));
  });
});

describe('raw klog lines (kubelet --log-file, -o cat)', () => {
  it('reads level, date, pid, caller; infers the year from now; directory headers are cut to the file', () => {
    const text = [
      'Flag --network-plugin has been deprecated, will be removed along with dockershim.',
      'I0815 12:16:50.205939    7807 server.go:408] Version: v1.11.2',
      'W0815 12:16:50.300000    7807 pkg/kubelet/cm/container_manager_linux.go:812] CPUAccounting not enabled for pid: 7807',
      'F0815 12:16:51.000001    7807 server.go:262] failed to run Kubelet: Running with swap on is not supported, please disable swap!',
      'goroutine 1 [running]:',
      'k8s.io/kubernetes/vendor/github.com/golang/glog.stacks(0xc42000e000, 0xc4200e8000, 0x90, 0xd8)',
      '\t/workspace/anago-v1.11.2/src/k8s.io/kubernetes/vendor/github.com/golang/glog/glog.go:766 +0xcf',
      '',
      'goroutine 20 [chan receive]:',
      '...additional frames elided...',
      'E0815 12:16:52.000001    7900 server.go:1] after the dump',
    ].join('\n');
    const { records, format } = parseText(text, new Date('2019-01-10T00:00:00Z'));
    expect(format).toBe('cat');
    expect(records.map((r) => [r.line, r.level, r.pid, r.caller])).toEqual([
      [1, undefined, undefined, undefined],
      [2, 'I', 7807, 'server.go:408'],
      [3, 'W', 7807, 'container_manager_linux.go:812'],
      [4, 'F', 7807, 'server.go:262'],
      [11, 'E', 7900, 'server.go:1'],
    ]);
    // August is after January: the log is from the year before `now`
    expect(records[1]!.time).toBe(Date.UTC(2018, 7, 15, 12, 16, 50, 205));
    expect(records[1]!.timeText).toBe('0815 12:16:50.205939');
    const f = records[3]!;
    expect(f.endLine).toBe(10);
    expect(f.continuation).toEqual([
      'goroutine 1 [running]:',
      'k8s.io/kubernetes/vendor/github.com/golang/glog.stacks(0xc42000e000, 0xc4200e8000, 0x90, 0xd8)',
      '\t/workspace/anago-v1.11.2/src/k8s.io/kubernetes/vendor/github.com/golang/glog/glog.go:766 +0xcf',
      '',
      'goroutine 20 [chan receive]:',
      '...additional frames elided...',
    ]);
    expect(records.every((r) => r.fromKubelet && !r.fromSystemd)).toBe(true);
  });

  it('stack lines are attached only after F / panic lines, never after I/W/E', () => {
    const text = ['E0101 00:00:00.000001       1 a.go:1] x', 'goroutine 1 [running]:', 'main.main()'].join('\n');
    const { records } = parseText(text);
    expect(records.map((r) => r.message)).toEqual(['x', 'goroutine 1 [running]:', 'main.main()']);
  });
});

describe('structured klog', () => {
  it('parses quoted values with Go escapes, unquoted values, struct values with spaces', () => {
    const s = parseStructuredText(
      '"Failed to run" err="failed to \\"x\\": a\\tb\\\\c \\u00e9\\xff" pod="kube-system/etcd-0" count=3 status={Phase:Running Reason:} pods=[a b] node="n1"',
    )!;
    expect(s.unterminated).toBe(false);
    expect(s.fields).toEqual({
      msg: 'Failed to run',
      err: 'failed to "x": a\tb\\c é\u00ff',
      pod: 'kube-system/etcd-0',
      count: '3',
      status: '{Phase:Running Reason:}',
      pods: '[a b]',
      node: 'n1',
    });
  });

  it('reads a complete key=< block and reports an unfinished one', () => {
    expect(parseStructuredText('"Swap is on" /proc/swaps contents=<\n\tFilename\tType\n\t/dev/dm-1 partition\n >')!.fields).toEqual({
      msg: 'Swap is on',
      '/proc/swaps contents': 'Filename\tType\n/dev/dm-1 partition',
    });
    const open = parseStructuredText('"Swap is on" /proc/swaps contents=<')!;
    expect(open.openBlock).toBe('/proc/swaps contents');
  });

  it('flags a cut-off quoted value as truncated', () => {
    const { records } = parseText('Nov 20 03:00:00 n kubelet[1]: E1120 03:00:00.000001       1 run.go:74] "command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///run/conta\n');
    expect(records[0]!.truncated).toBe(true);
    expect(records[0]!.fields!.err).toBe('failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/conta');
  });
});

describe('kubelet JSON logging (--logging-format=json)', () => {
  const info = '{"ts":1763607600132.947,"caller":"app/server.go:484","msg":"Kubelet version","v":0,"kubeletVersion":"v1.30.2"}';
  const err =
    '{"ts":1763607602123.706,"caller":"cli/run.go:74","msg":"command failed","err":"failed to run Kubelet: misconfiguration: kubelet cgroup driver: \\"cgroupfs\\" is different from docker cgroup driver: \\"systemd\\""}';
  const errNoErr = '{"ts":1763607603000,"caller":"kubelet/kubelet.go:1","msg":"Error syncing pod, skipping","pod":{"name":"p","namespace":"ns"}}';
  const verbose = '{"ts":1763607604000,"caller":"kubelet/kubelet.go:2","msg":"SyncLoop (PLEG): event for pod","v":2}';

  it('bare lines: ts float ms, caller, msg, v, err (errors have no v)', () => {
    const { records, format } = parseText(['Flag --pod-infra-container-image has been deprecated', info, err, errNoErr, verbose].join('\n'));
    expect(format).toBe('kubelet-json'); // the first line is plain text: JSON logging starts after flag parsing
    const [flag, i, e, e2, v] = records;
    expect(flag!.fromKubelet).toBe(true);
    expect(flag!.level).toBeUndefined();
    expect(i).toMatchObject({
      line: 2,
      level: 'I',
      caller: 'server.go:484',
      time: 1763607600132,
      timeText: '2025-11-20T03:00:00.132Z',
      message: '"Kubelet version" kubeletVersion="v1.30.2"',
      fields: { msg: 'Kubelet version', kubeletVersion: 'v1.30.2', v: '0' },
      fromKubelet: true,
    });
    expect(e).toMatchObject({ level: 'E', caller: 'run.go:74' });
    expect(e!.fields!.err).toBe('failed to run Kubelet: misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"');
    expect(e!.message).toBe(
      '"command failed" err="failed to run Kubelet: misconfiguration: kubelet cgroup driver: \\"cgroupfs\\" is different from docker cgroup driver: \\"systemd\\""',
    );
    expect(e2).toMatchObject({ level: 'E', fields: { msg: 'Error syncing pod, skipping', pod: '{"name":"p","namespace":"ns"}' } });
    expect(v).toMatchObject({ level: 'I', fields: { v: '2' } });
  });

  it('detects kubelet-json when the file starts with JSON', () => {
    expect(parseText([info, err].join('\n')).format).toBe('kubelet-json');
  });

  it('inside journal entries: prefix gives host/pid, the JSON gives level/caller/fields', () => {
    const text = `Nov 20 03:00:00.132947 node-a kubelet[1234]: ${info}\nNov 20 03:00:02.123706 node-a kubelet[1234]: ${err}\n`;
    const { records } = parseText(text);
    expect(records[0]).toMatchObject({ host: 'node-a', pid: 1234, process: 'kubelet', level: 'I', caller: 'server.go:484', timeText: 'Nov 20 03:00:00.132947' });
    expect(records[1]).toMatchObject({ level: 'E', fields: { msg: 'command failed' } });
  });

  it('a cut-off JSON line keeps what it can and is flagged truncated', () => {
    const { records } = parseText('{"ts":1763607602123.706,"caller":"cli/run.go:74","msg":"command failed","err":"failed to run Kubelet: validate serv');
    expect(records[0]).toMatchObject({ truncated: true, level: 'E', fields: { msg: 'command failed' }, fromKubelet: true });
  });
});

describe('wrappers', () => {
  const klogV = 'I1120 03:00:00.132947    2345 server.go:484] "Kubelet version" kubeletVersion="v1.28.5"';
  it.each([
    ['kubenswrapper', 'OpenShift 4'],
    ['hyperkube', 'OpenShift 3.x / older CoreOS'],
    ['origin-node', 'OKD 3.x'],
    ['atomic-openshift-node', 'OpenShift 3.x'],
    ['microk8s.daemon-kubelite', 'microk8s'],
    ['k3s', 'k3s'],
  ])('%s (%s): klog lines are kubelet lines', (proc) => {
    const { records } = parseText(`Nov 20 03:00:00 node-a ${proc}[2345]: ${klogV}\n`);
    expect(records[0]).toMatchObject({ process: proc, pid: 2345, level: 'I', caller: 'server.go:484', fromKubelet: true, fields: { kubeletVersion: 'v1.28.5' } });
  });

  it('k3s logrus lines: msg unwrapped, level mapped, fields kept', () => {
    const { records } = parseText(
      [
        'Nov 20 03:00:00 node-a k3s[812]: time="2025-11-20T03:00:00Z" level=info msg="Starting k3s v1.30.2+k3s1 (faaf2d5a)"',
        'Nov 20 03:00:01 node-a k3s[812]: time="2025-11-20T03:00:01Z" level=error msg="Failed to connect to proxy. Empty dialer response" error="dial tcp 10.0.0.1:6443: connect: connection refused"',
        'Nov 20 03:00:02 node-a k3s[812]: time="2025-11-20T03:00:02Z" level=warning msg="Unable to watch for tunnel endpoints"',
        `Nov 20 03:00:03 node-a k3s[812]: E1120 03:00:03.000001     812 kubelet.go:2000] "Skipping pod synchronization" err="container runtime status check may not have completed yet"`,
      ].join('\n'),
    );
    expect(records.map((r) => [r.level, r.message, r.fromKubelet])).toEqual([
      ['I', 'Starting k3s v1.30.2+k3s1 (faaf2d5a)', true],
      // the logrus error="…" field stays in the matchable message (containerd's CNI load errors live there)
      ['E', 'Failed to connect to proxy. Empty dialer response error="dial tcp 10.0.0.1:6443: connect: connection refused"', true],
      ['W', 'Unable to watch for tunnel endpoints', true],
      ['E', '"Skipping pod synchronization" err="container runtime status check may not have completed yet"', true],
    ]);
    expect(records[1]!.fields).toMatchObject({ error: 'dial tcp 10.0.0.1:6443: connect: connection refused', level: 'error' });
  });

  it('k0s: component=kubelet lines carry the klog line in msg; other components are not kubelet', () => {
    const { records } = parseText(
      [
        'Nov 20 03:00:00 node-a k0s[900]: time="2025-11-20 03:00:00" level=info msg="E1120 03:00:00.500000    1001 run.go:74] \\"command failed\\" err=\\"failed to run Kubelet: running with swap on is not supported\\"" component=kubelet stream=stderr',
        'Nov 20 03:00:01 node-a k0s[900]: time="2025-11-20 03:00:01" level=info msg="I1120 03:00:01.000000     950 controller.go:1] started" component=kube-apiserver stream=stderr',
        'Nov 20 03:00:02 node-a k0s[900]: time="2025-11-20 03:00:02" level=info msg="respawning in 5s" component=kubelet',
      ].join('\n'),
    );
    expect(records[0]).toMatchObject({
      process: 'k0s',
      pid: 900,
      level: 'E',
      caller: 'run.go:74',
      message: '"command failed" err="failed to run Kubelet: running with swap on is not supported"',
      fromKubelet: true,
    });
    expect(records[0]!.fields).toMatchObject({ component: 'kubelet', msg: 'command failed', err: 'failed to run Kubelet: running with swap on is not supported' });
    expect(records[1]!.fromKubelet).toBe(false);
    expect(records[2]).toMatchObject({ fromKubelet: true, level: 'I', message: 'respawning in 5s' });
  });
});

describe('truncation and pasted systemctl status', () => {
  it('journalctl ellipsis marks the record truncated', () => {
    const { records } = parseText(
      'Nov 20 03:00:00 node-a kubelet[1234]: E1120 03:00:00.134004    1234 run.go:74] "command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for e…\n' +
        'Nov 20 03:00:01 node-a kubelet[1234]: I1120 03:00:01.000000    1234 server.go:1] "fine"\n',
    );
    expect(records[0]).toMatchObject({ truncated: true, level: 'E', caller: 'run.go:74' });
    expect(records[1]!.truncated).toBeUndefined();
  });

  it('systemctl status: of the header only what says how the kubelet unit ended is kept (as systemd records), the log lines are parsed', () => {
    const text = [
      '● kubelet.service - kubelet: The Kubernetes Node Agent',
      '     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)',
      '    Drop-In: /etc/systemd/system/kubelet.service.d',
      '             └─10-kubeadm.conf',
      '     Active: activating (auto-restart) (Result: exit-code) since Thu 2025-11-20 03:00:05 UTC; 3s ago',
      '       Docs: https://kubernetes.io/docs/home/',
      '    Process: 1234 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS --network-plugin=cni (code=exited, status=1/FAILURE)',
      '   Main PID: 1234 (code=exited, status=1/FAILURE)',
      '        CPU: 180ms',
      '',
      'Nov 20 03:00:05 node-a kubelet[1234]: E1120 03:00:05.100000    1234 run.go:74] "command failed" err="failed to parse kubelet flag: unknown flag: --network-pl…',
      'Nov 20 03:00:05 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
      "Nov 20 03:00:05 node-a systemd[1]: kubelet.service: Failed with result 'exit-code'.",
      'Hint: Some lines were ellipsized, use -l to show in full.',
    ].join('\n');
    const { records, format } = parseText(text);
    expect(format).toBe('short');
    expect(records.map((r) => [r.line, r.fromKubelet, r.fromSystemd, r.truncated ?? false])).toEqual([
      [5, false, true, false],
      [7, false, true, false],
      [8, false, true, false],
      [11, true, false, true],
      [12, false, true, false],
      [13, false, true, false],
    ]);
  });

  it('systemctl status without the ● line (paste started at Loaded:), and the ASCII bullet', () => {
    const a = parseText(['   Loaded: loaded (/usr/lib/systemd/system/kubelet.service; enabled)', '   Active: failed', '', 'Nov 20 03:00:05 n kubelet[9]: I1120 03:00:05.100000       9 a.go:1] x'].join('\n'));
    expect(a.records.map((r) => [r.line, r.fromSystemd])).toEqual([
      [2, true],
      [4, false],
    ]);
    const b = parseText(['* kubelet.service - kubelet', '   Loaded: loaded', 'Nov 20 03:00:05 n kubelet[9]: I1120 03:00:05.100000       9 a.go:1] x'].join('\n'));
    expect(b.records.map((r) => r.line)).toEqual([3]);
  });
});

describe('localised month names', () => {
  const NOW_L = new Date('2025-12-01T00:00:00Z');
  it.each([
    ['8月 15 12:16:49 m7 kubelet[7807]: I0815 12:16:49.578598    7807 feature_gate.go:230] feature gates', 8, '8月 15 12:16:49'], // zh_CN
    [' 8月 15 12:16:49 m7 kubelet[7807]: I0815 12:16:49.578598    7807 feature_gate.go:230] feature gates', 8, '8月 15 12:16:49'], // ja_JP pads
    ['8�? 15 12:16:49 m7 kubelet[7807]: I0815 12:16:49.578598    7807 feature_gate.go:230] feature gates', 8, '8�? 15 12:16:49'], // seed 001
    ['Mär 05 07:03:50 m7 kubelet[7807]: I0305 07:03:50.000000    7807 feature_gate.go:230] feature gates', 3, 'Mär 05 07:03:50'], // de_DE
    ['janv. 05 07:03:50 m7 kubelet[7807]: I0105 07:03:50.000000    7807 feature_gate.go:230] feature gates', 1, 'janv. 05 07:03:50'], // fr_FR
    ['avril 05 07:03:50 m7 kubelet[7807]: I0405 07:03:50.000000    7807 feature_gate.go:230] feature gates', 4, 'avril 05 07:03:50'],
    ['déc. 05 07:03:50 m7 kubelet[7807]: I1205 07:03:50.000000    7807 feature_gate.go:230] feature gates', 12, 'déc. 05 07:03:50'],
    ['11월 05 07:03:50 m7 kubelet[7807]: I1105 07:03:50.000000    7807 feature_gate.go:230] feature gates', 11, '11월 05 07:03:50'], // ko_KR
  ])('%s', (line, month, timeText) => {
    const { records } = parseText(line, NOW_L);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ host: 'm7', process: 'kubelet', pid: 7807, level: 'I', caller: 'feature_gate.go:230', message: 'feature gates', timeText, fromKubelet: true });
    expect(new Date(r.time!).getUTCMonth() + 1).toBe(month);
  });

  it('short-full with a localised weekday and zone offsets', () => {
    const p = parsePrefix('四 2025-08-14 12:16:49 CST m7 kubelet[7807]: x')!;
    expect(p).toMatchObject({ format: 'short-full', process: 'kubelet', pid: 7807, message: 'x', time: Date.UTC(2025, 7, 14, 18, 16, 49) });
    expect(parsePrefix('Do 2025-08-14 12:16:49 +03 m7 kubelet[7807]: x')!.time).toBe(Date.UTC(2025, 7, 14, 9, 16, 49));
  });
});

describe('markers, notices, CRLF, blank lines', () => {
  it('skips journalctl markers and notices', () => {
    const text = [
      '-- Logs begin at Thu 2025-11-13 03:00:00 UTC, end at Thu 2025-11-20 04:00:00 UTC. --',
      '-- Journal begins at Thu 2025-11-13 03:00:00 UTC, ends at Thu 2025-11-20 04:00:00 UTC. --',
      'Nov 20 03:00:00 n kubelet[1]: I1120 03:00:00.000000       1 a.go:1] one',
      '-- Boot 8d1c1f0e7b1e4c559f4b3f2d0c1a2b3c --',
      '-- Reboot --',
      'Nov 20 03:10:00 n kubelet[1]: I1120 03:10:00.000000       1 a.go:1] two',
      '-- No entries --',
      'Warning: Journal file /var/log/journal/x/system.journal is truncated, ignoring file.',
      '',
    ].join('\n');
    const { records } = parseText(text);
    expect(records.map((r) => [r.line, r.message])).toEqual([
      [3, 'one'],
      [6, 'two'],
    ]);
  });

  it('CRLF line ends are stripped everywhere (prefix, klog, fields, continuation, JSON)', () => {
    const text =
      'Nov 20 03:00:00 n kubelet[1]: F1120 03:00:00.000000       1 a.go:1] "boom" node="n1"\r\n' +
      'Nov 20 03:00:00 n kubelet[1]: goroutine 1 [running]:\r\n' +
      '{"ts":1763607600000,"caller":"a/b.go:2","msg":"j","v":0}\r\n';
    const { records } = parseText(text);
    expect(records[0]).toMatchObject({ level: 'F', fields: { msg: 'boom', node: 'n1' }, continuation: ['goroutine 1 [running]:'], endLine: 2 });
    expect(records[1]).toMatchObject({ level: 'I', message: '"j"' });
    expect(JSON.stringify(records)).not.toContain('\\r');
  });
});

describe('goroutine dumps, each stack line its own journal entry', () => {
  it('attaches them to the F line of the same PID and stops at the next klog line or another PID', () => {
    const P = 'Nov 20 03:00:00 n kubelet[1234]: ';
    const text = [
      `${P}F1120 03:00:00.000000    1234 kubelet.go:1347] Failed to start ContainerManager failed to initialise top level QOS containers`,
      `${P}goroutine 348 [running]:`,
      `${P}k8s.io/kubernetes/vendor/k8s.io/klog/v2.stacks(0xc000128001, 0xc000e1a000, 0xb5, 0x1d1)`,
      `${P}\t/workspace/src/k8s.io/kubernetes/vendor/k8s.io/klog/v2/klog.go:1026 +0xb9`,
      `${P}`,
      'Nov 20 03:00:00 n containerd[77]: goroutine-looking line from another process',
      `${P}goroutine 1 [chan receive]:`,
      `Nov 20 03:00:01 n kubelet[99]: goroutine 5 [running]:`,
      `${P}I1120 03:00:01.000000    1234 a.go:1] after`,
    ].join('\n');
    const { records } = parseText(text);
    expect(records.map((r) => [r.line, r.process, r.message.slice(0, 16)])).toEqual([
      [1, 'kubelet', 'Failed to start '],
      [6, 'containerd', 'goroutine-lookin'],
      [8, 'kubelet', 'goroutine 5 [run'],
      [9, 'kubelet', 'after'],
    ]);
    expect(records[0]!.continuation).toEqual([
      'goroutine 348 [running]:',
      'k8s.io/kubernetes/vendor/k8s.io/klog/v2.stacks(0xc000128001, 0xc000e1a000, 0xb5, 0x1d1)',
      '\t/workspace/src/k8s.io/kubernetes/vendor/k8s.io/klog/v2/klog.go:1026 +0xb9',
      '',
      'goroutine 1 [chan receive]:',
    ]);
    expect(records[0]!.endLine).toBe(7);
  });

  it('caps the stored continuation but keeps counting lines', () => {
    const lines = ['panic: boom', ...Array.from({ length: 200 }, (_, i) => `\tpkg/f${i}.go:${i} +0x1`)];
    const { records } = parseText(lines.join('\n'));
    expect(records).toHaveLength(1);
    expect(records[0]!.continuation).toHaveLength(40);
    expect(records[0]!.endLine).toBe(201);
  });
});

describe('klog header', () => {
  it('rejects look-alikes cheaply and parses directory headers', () => {
    expect(parseKlog('Info: nothing')).toBeUndefined();
    expect(parseKlog('E1120 03:00:00.000000 1 a.go:1]')!.rest).toBe('');
    expect(parseKlog('W1120 03:00:00.000000   42 pkg/kubelet/kubelet.go:12] x')).toMatchObject({ level: 'W', threadId: 42, caller: 'kubelet.go:12', rest: 'x' });
  });
});

describe('journalctl --no-hostname and -o with-unit', () => {
  it('parses lines without a host and with the unit as identifier', () => {
    const { records } = parseText(
      [
        'Nov 20 03:00:00 kubelet[1234]: I1120 03:00:00.000000    1234 server.go:484] "Kubelet version" kubeletVersion="v1.30.2"',
        'Nov 20 03:00:01 node-a kubelet.service[1234]: E1120 03:00:01.000000    1234 run.go:74] "command failed" err="x"',
        'Nov 20 03:00:02 node-a init.scope[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
      ].join('\n'),
    );
    expect(records.map((r) => [r.host, r.process, r.pid, r.level, r.fromKubelet, r.fromSystemd])).toEqual([
      [undefined, 'kubelet', 1234, 'I', true, false],
      ['node-a', 'kubelet.service', 1234, 'E', true, false],
      ['node-a', 'init.scope', 1, undefined, false, true],
    ]);
  });
});

describe('the hand-written short prefix parser (the hot path) agrees with the SHORT regex', () => {
  const real = [
    'Nov 20 03:00:09.871834 node-a kubelet[1569]: E1120 03:00:09.871834    1569 controller.go:145] "Failed to ensure lease exists, will retry"',
    'Mar 05 07:03:50 k8s-master kubelet[360163]: I0305 07:03:50.631011  360163 server.go:416] Version: v1.20.1',
    'Mar  5 07:03:50 k8s-master kubelet: I0305 07:03:50.631011  360163 server.go:416] Version: v1.20.1',
    'Dec 31 23:59:59.999999999 h systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
    'Jan 02 01:02:03 node microk8s.daemon-kubelite[42]:x',
    'Feb 14 10:00:00.5 node kubelet.service[9]:  leading space kept',
    'Apr 01 00:00:00 node-a kubelet[12]: Error: something: with colons [and brackets]',
  ];
  const picky = fc.constantFrom(' ', '  ', '\t', ':', '[', ']', '[7]', '.', '.1234567890', '0', 'é', '\u00a0', '\u2028', '\r', 'x', '');
  const mutated = fc
    .tuple(fc.constantFrom(...real), fc.nat(60), fc.nat(3), fc.array(picky, { minLength: 1, maxLength: 3 }))
    .map(([l, at, cut, ins]) => l.slice(0, at) + ins.join('') + l.slice(at + cut));

  it('whenever the fast path answers, it answers as the regex does', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 80 })), (line) => {
        const fast = shortFast(line);
        if (fast) {
          answered++;
          expect(fast).toEqual(shortByRegex(line));
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
    // the property above must not hold only because the fast path never answers
    expect(answered).toBeGreaterThan(300);
  });

  it('answers the journalctl shapes and leaves the rest to the regex', () => {
    for (const l of real.slice(0, 2)) expect(shortFast(l)).toEqual(shortByRegex(l));
    expect(shortFast(real[0]!)).toMatchObject({ format: 'short-precise', host: 'node-a', process: 'kubelet', pid: 1569, month: 11, day: 20, clock: '03:00:09.871834' });
    // space-padded day, a tab after the host, a non-ASCII host, a fraction of ten digits: the regex's business
    for (const l of [real[2]!, real[0]!.replace('node-a ', 'node-a\t'), real[0]!.replace('node-a', 'nöde'), real[0]!.replace('.871834', '.8718340000')]) {
      expect(shortFast(l)).toBeUndefined();
      expect(parsePrefix(l)).toEqual(shortByRegex(l));
    }
  });
});
