// journalctl -o json traps (MESSAGE as string, byte array, null; fields as arrays) and the export
// format's binary length-prefixed fields; systemd's wording about the kubelet unit across versions.

import { describe, expect, it } from 'vitest';
import { parseExport, parseText } from './parser-helpers.js';

const base = {
  __REALTIME_TIMESTAMP: '1763607602123706',
  _HOSTNAME: 'node-a',
  SYSLOG_IDENTIFIER: 'kubelet',
  _PID: '1234',
  _SYSTEMD_UNIT: 'kubelet.service',
  _BOOT_ID: 'b0',
  PRIORITY: '6',
};
const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o });

describe('journalctl -o json', () => {
  it('MESSAGE as a string: klog header parsed, PRIORITY ignored for the level', () => {
    const { records, format } = parseText(line({ MESSAGE: 'E1120 03:00:02.123706    1234 run.go:74] "command failed" err="x"', PRIORITY: '6' }));
    expect(format).toBe('json');
    expect(records[0]).toMatchObject({
      line: 1,
      timeText: '2025-11-20T03:00:02.123706Z',
      time: 1763607602123,
      host: 'node-a',
      process: 'kubelet',
      pid: 1234,
      level: 'E',
      caller: 'run.go:74',
      message: '"command failed" err="x"',
      fields: { msg: 'command failed', err: 'x' },
      fromKubelet: true,
      fromSystemd: false,
    });
  });

  it('MESSAGE as a byte array (non-UTF-8) is decoded with replacement characters', () => {
    const bytes = [...Buffer.from('E1120 03:00:02.123706    1234 a.go:1] bad byte '), 0xff, ...Buffer.from(' here')];
    const { records } = parseText(line({ MESSAGE: bytes }));
    expect(records[0]).toMatchObject({ level: 'E', caller: 'a.go:1', message: 'bad byte \uFFFD here' });
    expect(records[0]!.truncated).toBeUndefined();
  });

  it('MESSAGE null (over 4096 bytes without --all) is flagged truncated', () => {
    const { records } = parseText(line({ MESSAGE: null }));
    expect(records[0]).toMatchObject({ message: '', truncated: true, fromKubelet: true, pid: 1234 });
  });

  it('any field may be an array (repeated field): the first value is used', () => {
    const { records } = parseText(line({ MESSAGE: ['I1120 03:00:02.123706    1234 a.go:1] first', 'second'], _PID: ['1234', '1234'], SYSLOG_IDENTIFIER: ['kubelet', 'kubelet'] }));
    expect(records[0]).toMatchObject({ message: 'first', pid: 1234, process: 'kubelet', level: 'I' });
  });

  it('a multi-line MESSAGE string becomes message + continuation, blocks become fields', () => {
    const { records } = parseText(line({ MESSAGE: 'I1120 03:00:02.123706    1234 swap.go:1] "Swap is on" contents=<\n\tFilename\n\t/dev/sda2\n >' }));
    expect(records[0]).toMatchObject({ message: '"Swap is on" contents=<', continuation: ['\tFilename', '\t/dev/sda2', ' >'], fields: { contents: 'Filename\n/dev/sda2' } });
  });

  it('a line cut in the middle is salvaged and flagged', () => {
    const cut = line({ MESSAGE: 'E1120 03:00:02.123706    1234 run.go:74] "command failed" err="validate CRI v1 runtime API for endpoint' }).slice(0, 230);
    const { records } = parseText(cut);
    expect(records).toHaveLength(1);
    expect(records[0]!.truncated).toBe(true);
    expect(records[0]!.fromKubelet).toBe(true);
  });

  it('json-seq (RS-prefixed) and json-sse (data:) lines', () => {
    const m = 'I1120 03:00:02.123706    1234 a.go:1] x';
    const { records } = parseText(`\x1e${line({ MESSAGE: m })}\ndata: ${line({ MESSAGE: m })}\n`);
    expect(records.map((r) => [r.line, r.message, r.level])).toEqual([
      [1, 'x', 'I'],
      [2, 'x', 'I'],
    ]);
  });

  it('systemd entries about the unit (UNIT=kubelet.service) and other units', () => {
    const sd = { SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _SYSTEMD_UNIT: 'init.scope', _COMM: 'systemd' };
    const { records } = parseText(
      [
        line({ ...sd, UNIT: 'kubelet.service', MESSAGE: 'kubelet.service: Scheduled restart job, restart counter is at 7.' }),
        line({ ...sd, UNIT: 'containerd.service', MESSAGE: 'Started containerd.service - containerd container runtime.' }),
        line({ SYSLOG_IDENTIFIER: 'containerd', _PID: '800', _SYSTEMD_UNIT: 'containerd.service', MESSAGE: 'time="2025-11-20T03:00:00Z" level=error msg="boom"' }),
      ].join('\n'),
    );
    expect(records.map((r) => [r.process, r.fromKubelet, r.fromSystemd])).toEqual([
      ['systemd', false, true],
      ['systemd', false, false],
      ['containerd', false, false],
    ]);
    expect(records[2]!.level).toBe('E');
  });
});

/** Journal export format: KEY=value lines; values with newlines (or binary) as KEY\n<u64 le length><bytes>\n. */
function exportEntry(fields: [string, string | Buffer][]): Buffer {
  return Buffer.concat([
    ...fields.map(([k, v]) => {
      const b = Buffer.isBuffer(v) ? v : Buffer.from(v);
      if (b.includes(10) || Buffer.isBuffer(v)) {
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(b.length));
        return Buffer.concat([Buffer.from(`${k}\n`), len, b, Buffer.from('\n')]);
      }
      return Buffer.from(`${k}=${v}\n`);
    }),
    Buffer.from('\n'),
  ]);
}

describe('journalctl -o export', () => {
  const head = (us: string, pid = '1234', boot = 'b0'): [string, string][] => [
    ['__CURSOR', `s=1;i=${us}`],
    ['__REALTIME_TIMESTAMP', us],
    ['_BOOT_ID', boot],
    ['_HOSTNAME', 'node-a'],
    ['SYSLOG_IDENTIFIER', 'kubelet'],
    ['_PID', pid],
    ['_SYSTEMD_UNIT', 'kubelet.service'],
  ];

  it('reads binary length-prefixed multi-line and non-UTF-8 MESSAGE fields', async () => {
    const data = Buffer.concat([
      exportEntry([...head('1763607600000001'), ['MESSAGE', 'panic: boom\n[signal SIGSEGV: segmentation violation]\n\ngoroutine 1 [running]:']]),
      exportEntry([...head('1763607600000002'), ['MESSAGE', Buffer.from([...Buffer.from('I1120 03:00:00.000002    1234 a.go:1] bad '), 0xfe, 0x0a, 0x41])]]),
      exportEntry([...head('1763607600000003'), ['MESSAGE', 'E1120 03:00:00.000003    1234 b.go:2] "after" node="n1"']]),
    ]);
    const recs = await parseExport(data);
    expect(recs.map((r) => [r.message, r.level, r.pid, r.host])).toEqual([
      ['panic: boom', undefined, 1234, 'node-a'],
      ['bad \uFFFD', 'I', 1234, 'node-a'],
      ['"after" node="n1"', 'E', 1234, 'node-a'],
    ]);
    expect(recs[0]!.continuation).toEqual(['[signal SIGSEGV: segmentation violation]', '', 'goroutine 1 [running]:']);
    expect(recs[1]!.continuation).toEqual(['A']);
    expect(recs[2]!.fields).toEqual({ msg: 'after', node: 'n1' });
    expect(recs[0]!.timeText).toBe('2025-11-20T03:00:00.000001Z');
  });

  it('stack lines as separate entries are attached to the panic entry', async () => {
    const data = Buffer.concat([
      exportEntry([...head('1763607600000001'), ['MESSAGE', 'panic: boom']]),
      exportEntry([...head('1763607600000002'), ['MESSAGE', 'goroutine 1 [running]:']]),
      exportEntry([...head('1763607600000003'), ['MESSAGE', 'main.main()']]),
      exportEntry([...head('1763607600000004'), ['MESSAGE', '\t/src/main.go:12 +0x1d']]),
      exportEntry([...head('1763607600000005', '1300'), ['MESSAGE', 'I1120 03:00:00.000005    1300 a.go:1] new pid']]),
    ]);
    const recs = await parseExport(data);
    expect(recs.map((r) => r.message)).toEqual(['panic: boom', 'new pid']);
    expect(recs[0]!.continuation).toEqual(['goroutine 1 [running]:', 'main.main()', '\t/src/main.go:12 +0x1d']);
  });
});

describe('systemd wording about the kubelet unit', () => {
  const wordings = [
    'Started kubelet.service - kubelet: The Kubernetes Node Agent.',
    'Started kubelet: The Kubernetes Node Agent.',
    'Started Kubernetes Kubelet.',
    'Starting kubelet.service - kubelet: The Kubernetes Node Agent...',
    'kubelet.service: Main process exited, code=exited, status=1/FAILURE',
    'kubelet.service: main process exited, code=exited, status=255/n/a',
    "kubelet.service: Failed with result 'exit-code'.",
    'kubelet.service: Scheduled restart job, restart counter is at 12.',
    'kubelet.service holdoff time over, scheduling restart.',
    'Stopped kubelet.service - kubelet: The Kubernetes Node Agent.',
    'Stopped kubelet: The Kubernetes Node Agent.',
    'Stopping kubelet.service - kubelet: The Kubernetes Node Agent...',
    'kubelet.service: Deactivated successfully.',
    'kubelet.service: Consumed 1.2s CPU time.',
    'kubelet.service: Consumed 3.456s CPU time, 52.1M memory peak.',
    'Unit kubelet.service entered failed state.',
    'kubelet.service: Start request repeated too quickly.',
    'Failed to start kubelet: The Kubernetes Node Agent.',
    'k3s.service: Main process exited, code=exited, status=1/FAILURE',
    'Started Lightweight Kubernetes.',
    'snap.microk8s.daemon-kubelite.service: Scheduled restart job, restart counter is at 3.',
    'Started Service for snap application microk8s.daemon-kubelite.',
    'k0sworker.service: Main process exited, code=exited, status=1/FAILURE',
    'atomic-openshift-node.service: main process exited, code=exited, status=255/n/a',
  ];
  it.each(wordings)('short: %s', (w) => {
    const { records } = parseText(`Nov 20 03:00:00 node-a systemd[1]: ${w}\n`);
    expect(records[0]).toMatchObject({ fromSystemd: true, fromKubelet: false, message: w, process: 'systemd', pid: 1 });
  });
  it.each(wordings)('cat: %s', (w) => {
    const { records } = parseText(`${w}\n`);
    expect(records[0]).toMatchObject({ fromSystemd: true, fromKubelet: false });
  });
  it('systemd lines about other units are neither', () => {
    const { records } = parseText(
      'Nov 20 03:00:00 node-a systemd[1]: containerd.service: Main process exited, code=exited, status=1/FAILURE\nNov 20 03:00:00 node-a systemd[1]: Started containerd.service - containerd container runtime.\n',
    );
    expect(records.map((r) => [r.fromSystemd, r.fromKubelet])).toEqual([
      [false, false],
      [false, false],
    ]);
  });
});
