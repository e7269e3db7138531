// Hostile and broken input: each named case yields a clear message (source problems or skipped reasons)
// and the scan goes on. Property tests: the line parsers never throw and finish quickly on random and
// mutated real lines.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKlog, parsePrefix, parseStructuredText } from '../src/journal/prefix.js';
import { readExportEntries } from '../src/journal/read.js';
import { RecordParser } from '../src/journal/records.js';
import { parseYamlSafe } from '../src/rules/load.js';
import { validateRule } from '../src/rules/model.js';
import { runScan } from '../src/scan.js';
import { builtinRules, scanText, scratchDir } from './helpers.js';

const LINE = 'Nov 20 03:00:02.123706 node-a kubelet[1234]: E1120 03:00:02.123706    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"';
const problems = (r: Awaited<ReturnType<typeof scanText>>) => r.sources.flatMap((s) => s.problems).join('\n');

describe('named hostile journals', () => {
  it('binary garbage', async () => {
    const buf = Buffer.alloc(200_000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 7919) % 256;
    const r = await scanText(buf);
    expect(problems(r)).toMatch(/binary data|invalid UTF-8|no log records/);
  });
  it('NUL bytes and invalid UTF-8 lines are reported, the rest still matched', async () => {
    const r = await scanText(Buffer.concat([Buffer.from('garbage \u0000 here\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${LINE}\n`)]));
    expect(problems(r)).toMatch(/2 line\(s\) held invalid UTF-8 or NUL bytes \(first at line 1\)/);
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });
  it('CRLF line ends', async () => {
    const r = await scanText(`${LINE}\r\n${LINE}\r\n`);
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
    expect(r.findings.find((f) => f.ruleId === 'swap-enabled')!.evidence[0]!.text.endsWith('\r')).toBe(false);
  });
  it('a 10 MB line: cut, reported, and the lines after it still read', async () => {
    const r = await scanText(`${LINE}\nNov 20 03:00:03.000000 node-a kubelet[1234]: I1120 03:00:03.000000    1234 x.go:1] ${'z'.repeat(10_000_000)}\n${LINE}\n`);
    expect(problems(r)).toMatch(/line 2 is \d+ bytes long; only the first 64 KiB/);
    expect(r.stats!.lines).toBe(3);
    expect(r.findings.find((f) => f.ruleId === 'swap-enabled')!.count).toBe(2);
  });
  it('a truncated JSON line', async () => {
    const r = await scanText('{"_PID":"1","MESSAGE":"I1120 03:00:00.000000    1234 a.go:1] \\"Kubelet version\\" kubeletVers\n');
    expect(problems(r)).toMatch(/cut short/);
  });
  it('an empty journal', async () => {
    const r = await scanText('');
    expect(problems(r)).toMatch(/empty input/);
    expect(r.skipped.some((s) => /journal/.test(s.reason))).toBe(true);
  });
  it('a journal of only -- No entries --', async () => {
    const r = await scanText('-- No entries --\n');
    expect(problems(r)).toMatch(/no log records/);
  });
  it('export format with a field claiming a huge length stops with a message naming the line', async () => {
    const bad = Buffer.concat([Buffer.from('__CURSOR=x\nMESSAGE\n'), Buffer.from([0, 0, 0, 0, 0, 0, 1, 0]), Buffer.from('abc\n')]);
    const r = await scanText(bad);
    expect(problems(r)).toMatch(/read stopped early: export entry at line \d+/);
  });
});

describe('hostile --root trees', () => {
  const scanRoot = async (root: string) =>
    Promise.race([
      runScan({ rules: await builtinRules(), root, inputs: [], noJournalctl: true, useApi: false, now: new Date('2026-01-01T00:00:00Z') }),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('scan hung')), 20_000)),
    ]);
  it('a symlink loop, a directory where a file is expected, and a FIFO nobody writes never hang or throw', async () => {
    const root = scratchDir();
    for (const d of ['etc/kubernetes', 'var/lib/kubelet/pki', 'etc/cni/net.d', 'proc/1', 'sys/fs/cgroup', 'etc/systemd/system/kubelet.service.d'])
      mkdirSync(join(root, d), { recursive: true });
    symlinkSync('loop-b', join(root, 'etc/kubernetes/loop-a'));
    symlinkSync('loop-a', join(root, 'etc/kubernetes/loop-b'));
    symlinkSync('.', join(root, 'etc/cni/net.d/self'));
    mkdirSync(join(root, 'etc/kubernetes/kubelet.conf')); // a directory where a file is expected
    mkdirSync(join(root, 'var/lib/kubelet/config.yaml'));
    execFileSync('mkfifo', [join(root, 'etc/kubernetes/bootstrap-kubelet.conf')]);
    execFileSync('mkfifo', [join(root, 'etc/cni/net.d/10-bridge.conflist')]);
    writeFileSync(join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'), '-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n');
    writeFileSync(join(root, 'etc/kubernetes/admin.conf'), 'a: &a [*a, *a]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n');
    const r = await scanRoot(root);
    expect(r.verdict).toBeTruthy();
    // every evidence kind either ran or says why not
    for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(3);
  });
});

describe('parsers never throw and finish quickly', () => {
  const real = [
    LINE,
    '2025-11-20T03:00:01.123456+0000 node-a kubelet[1234]: I1120 03:00:01.123456    1234 server.go:487] "Kubelet version" kubeletVersion="v1.30.2"',
    '1763607601.123456 node-a kubelet[1234]: W1120 03:00:01.123456    1234 a.go:1] "x" k="v"',
    'Thu 2025-11-20 03:00:01 UTC node-a kubelet[1234]: I1120 x',
    '[   86.123456] node-a kubelet[1234]: I1120 03:00:01.123456    1234 a.go:1] m',
    '{"_PID":"1234","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":"E1120 03:00:02.123706    1234 run.go:74] \\"command failed\\" err=\\"x\\"","__REALTIME_TIMESTAMP":"1763607602123706"}',
    '{"ts":1763607602123.7,"caller":"a/b.go:1","msg":"boom","err":"x"}',
    'time="2025-11-20T03:00:01Z" level=error msg="E1120 03:00:01.000000    1 a.go:1] x"',
    '"Swap is on" /proc/swaps contents=<',
  ];
  const mutated = fc.tuple(fc.constantFrom(...real), fc.nat(400), fc.nat(400), fc.string({ maxLength: 20 })).map(([l, a, b, ins]) => l.slice(0, Math.min(a, b)) + ins + l.slice(Math.max(a, b)));
  const anyLine = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), mutated);

  it('parsePrefix / parseKlog / parseStructuredText / RecordParser', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 20 }), (lines) => {
        const p = new RecordParser({ source: 's', now: new Date('2026-01-01T00:00:00Z') });
        lines.forEach((l, i) => {
          const t0 = performance.now();
          parsePrefix(l);
          parseKlog(l);
          parseStructuredText(l);
          p.parseLine(l, i + 1);
          expect(performance.now() - t0).toBeLessThan(200);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('readExportEntries on random bytes ends with entries or an error naming the line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        try {
          for await (const [entry, line] of readExportEntries(Readable.from([Buffer.concat([Buffer.from('__CURSOR=x\n'), Buffer.from(bytes)])]))) {
            expect(typeof entry).toBe('object');
            expect(line).toBeGreaterThan(0);
          }
        } catch (e) {
          expect((e as Error).message).toMatch(/line \d+/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('YAML loading: random and bomb documents give a result or an error naming the file', () => {
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    expect(() => parseYamlSafe(bomb, 'bomb.yaml')).toThrow(/bomb\.yaml: invalid YAML/);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab: -\n[]{}&*!|>"\'#%@ 1'.split('')), maxLength: 200 }), (text) => {
        let doc: unknown;
        try {
          doc = parseYamlSafe(text, 'r.yaml');
        } catch (e) {
          expect((e as Error).message).toMatch(/^r\.yaml(?::\d+)?: /);
          return;
        }
        try {
          validateRule(doc, 'r.yaml', 'data');
        } catch (e) {
          expect((e as Error).message).toMatch(/r\.yaml/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
