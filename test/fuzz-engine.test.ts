// The fast journal scan (literal prefilter over raw bytes, unremarkable lines only counted) must give
// exactly what the reference path (every line decoded, parsed and matched) gives: same hits, same cited
// lines, same runs and facts, same counts — on every fixture journal, on generated journals in each
// format, and on generated journals mutated with the lines that make skipping delicate. Inputs arrive
// in random chunk sizes so lines straddle chunk boundaries. The generated and mutated journals are smaller by
// default; KUBELET_DOCTOR_TEST_FULL=1 runs them at full size (test/helpers.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../src/engine/matcher.js';
import { JournalScanner } from '../src/engine/scan-journal.js';
import type { JournalInput } from '../src/journal/read.js';
import { builtinRules, fixtureJournalFiles, proofSize, ROOT } from './helpers.js';
// @ts-expect-error: plain ESM script without types
import { journalText } from '../scripts/bench-gen.mjs';

const NOW = new Date('2026-01-01T00:00:00Z');

function input(buf: Buffer, chunks: number[] = [], name = 'j.log'): JournalInput {
  return {
    name,
    open: () => {
      const parts: Buffer[] = [];
      let at = 0;
      let k = 0;
      while (at < buf.length) {
        const n = chunks.length ? Math.max(1, chunks[k++ % chunks.length]!) : 1 << 20;
        parts.push(buf.subarray(at, at + n));
        at += n;
      }
      return Readable.from(parts, { objectMode: false });
    },
  };
}

async function digest(buf: Buffer, exhaustive: boolean, chunks: number[] = [], citeLimit = 100000) {
  const rules = (await builtinRules()).filter((r) => r.match?.journal?.length);
  const scanner = new JournalScanner(compileMatcher(rules), { now: NOW, exhaustive, citeLimit });
  await scanner.scan(input(buf, chunks));
  const res = scanner.result();
  return {
    lines: res.lines,
    records: res.records,
    sources: res.evidence.sources.map(({ name, lines, records, format, problems }) => ({ name, lines, records, format, problems })),
    hits: [...res.hits]
      .filter(([, h]) => h.count)
      .map(([id, h]) => ({
        id,
        count: h.count,
        byPattern: h.byPattern,
        runs: h.runs,
        firstTime: h.firstTime,
        lastTime: h.lastTime,
        worst: h.worstLevel,
        captures: h.captures,
        samples: h.samples.map((s) => [s.line, s.rec?.endLine ?? s.endLine, s.run, s.text, s.highlight]),
        latest: h.latest && [h.latest.line, h.latest.rec?.endLine],
      })),
    runs: res.evidence.runs,
    facts: res.evidence.facts,
    latestRun: res.evidence.latestRun,
  };
}

const CUT = /record\(s\) looked cut short/;

async function same(buf: Buffer, chunks: number[] = []) {
  const slow = await digest(buf, true);
  const fast = await digest(buf, false, chunks);
  // the one documented approximation: a short line cut inside a quoted value (no literal, no ellipsis)
  // is counted as truncated only when examined — the fast path may report fewer such records
  const cut = (d: typeof slow) => Number(/^(\d+)/.exec(d.sources.flatMap((s) => s.problems).find((p) => CUT.test(p)) ?? '0')![1]);
  expect(cut(fast)).toBeLessThanOrEqual(cut(slow));
  for (const d of [slow, fast]) for (const s of d.sources) s.problems = s.problems.filter((p) => !CUT.test(p));
  expect(fast).toEqual(slow);
  return slow;
}


describe('fast scan = reference scan', () => {
  it('on every fixture journal', async () => {
    const files = fixtureJournalFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const buf = readFileSync(f);
      try {
        await same(buf);
        await same(buf, [7, 100, 4096]);
      } catch (e) {
        throw new Error(`${f}: ${(e as Error).message}`);
      }
    }
  });

  for (const format of ['short-precise', 'short-iso', 'cat', 'json'])
    for (const variant of ['broken', 'healthy'])
      it(`on a generated ${variant} journal (${format})`, async () => {
        const lines = proofSize(1500, 3000);
        const text = journalText({ format, variant, seed: 7, lines, restartEvery: 700 }) as string;
        const d = await same(Buffer.from(text), [65536, 333]);
        expect(d.records).toBeGreaterThan(lines / 3);
        if (variant === 'broken') expect(d.hits.length).toBeGreaterThan(3);
      });

  // lines that change what the parser or the run tracker does next
  const NASTY = [
    '',
    '\r',
    '-- Boot 5c1f0e2d3b4a49e8a7c6d5e4f3a2b1c0 --',
    '-- No entries --',
    '-- Reboot --',
    '                                             continued message line',
    '\tvendor/k8s.io/klog/v2/klog.go:1026 +0x8a',
    'goroutine 1 [running]:',
    'Nov 20 03:10:00.000001 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
    'Nov 20 03:10:00.000002 node-a systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.',
    'Nov 20 03:10:00.000003 node-a systemd[1]: kubelet.service: Scheduled restart job, restart counter is at 3.',
    'Nov 20 03:10:00.000004 node-a kubelet[4242]: I1120 03:10:00.000004    4242 server.go:484] "Kubelet version" kubeletVersion="v1.29.1"',
    'Nov 20 03:10:00.000005 node-a kubelet[4242]: F1120 03:10:00.000005    4242 server.go:300] failed to run Kubelet: boom',
    'Nov 20 03:10:00.000006 node-a kubelet[4242]: panic: runtime error: invalid memory address or nil pointer dereference',
    'Nov 20 03:10:00.000007 node-a containerd[999]: time="2025-11-20T03:10:00Z" level=info msg="loading plugin"',
    'Nov 20 03:10:00.000008 node-b kubelet[1569]: I1120 03:10:00.000008    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'Nov 20 03:10:00.000009 node-a kubelet[1569]: I1120 03:10:00.000009    1569 kubelet.go:2440] "Swap is on" /proc/swaps contents=<',
    'Nov 20 03:10:00.000010 node-a kubelet[1569]: I1120 03:10:00.000010    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b…',
    'Nov 20 03:10:00.000011 node-a kubelet[1569]: I1120 03:10:00.000011    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]\r',
    'Nov 20 03:10:00.000012 node-a kubelet[1569]: I1120 03:10:00.000012    1569 kubelet.go:2440] "bad \xff\xfe bytes"',
    'Nov 20 03:10:00.000013 node-a kubelet[1569]: I1120 03:10:00.000013    1569 kubelet.go:2440] "nul \u0000 byte"',
    'Nov 20 03:10:00.000014 node-a kubelet[1569]: E1120 03:10:00.000014    1569 kubelet.go:2440] "x" err="dial tcp 10.0.0.1:6443: connect: connection refused"',
    'Nov 20 03:10:00.000015 node-a kubelet[1569]:  >',
    'Nov 20 03:10:00.000016 node-a kubelet[1569]: Flag --cgroup-driver has been deprecated',
    'I1120 03:10:00.000017    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'F1120 03:10:00.000018    1569 kubelet.go:2440] fatal in cat',
    '{"_PID":"1","SYSLOG_IDENTIFIER":"systemd","_BOOT_ID":"aaaa","UNIT":"kubelet.service","MESSAGE":"kubelet.service: Main process exited, code=exited, status=1/FAILURE","__REALTIME_TIMESTAMP":"1763607600015505"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","_BOOT_ID":"bbbb","MESSAGE":"I1120 03:00:00.020535    1569 server.go:484] \\"x\\"","__REALTIME_TIMESTAMP":"1763607600020535"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":null,"__REALTIME_TIMESTAMP":"1763607600020536"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":[73,49,49],"__REALTIME_TIMESTAMP":"1763607600020537"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":"I1120 03:00:00.020535    1569 a.go:1] \\"two\\nlines\\"","__REALTIME_TIMESTAMP":"1763607600020538"',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":"I1120 03:00:00.020535    1569 a.go:1] \\u0063onnection refused","__REALTIME_TIMESTAMP":"1763607600020539"}',
    '● kubelet.service - kubelet: The Kubernetes Node Agent',
    '     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)',
    `Nov 20 03:10:00.000020 node-a kubelet[1569]: I1120 03:10:00.000020    1569 kubelet.go:2440] "long" v="${'x'.repeat(70000)}"`,
    'Nov 20 03:10:00.000021 node-a kubelet[1569]: F1120 03:10:00.000021    1569 server.go:300] boom',
    'Nov 20 03:10:00.000022 node-a kubelet[1569]: goroutine 1 [running]:',
    'Nov 20 03:10:00.000023 node-a kubelet[1569]: main.main()',
    'Nov 20 03:10:00.000024 node-a kubelet[1569]: I1120 03:10:00.000024    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'Nov 20 03:10:00.000025 node-a kubelet[1569]: I1120 03:10:00.000025    1569 kubelet.go:2440] "Some value" v=<',
    'Nov 20 03:10:00.000026 node-a kubelet[1569]: \tline of the block',
    'Nov 20 03:10:00.000027 node-a kubelet[1569]: E1120 03:10:00.000027    1569 kubelet.go:2440] "SyncLoop" x="y" unterminated="abc',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","_BOOT_ID":"040806019dcca8c51255994f8ef917d1","MESSAGE":"F1120 03:00:00.020535    1569 server.go:484] boom","__REALTIME_TIMESTAMP":"1763607600020540"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","_BOOT_ID":"040806019dcca8c51255994f8ef917d1","MESSAGE":"goroutine 1 [running]:","__REALTIME_TIMESTAMP":"1763607600020541"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","_BOOT_ID":"ffff06019dcca8c51255994f8ef917d1","MESSAGE":"I1120 03:00:00.020535    1569 server.go:484] \\"x\\"","__REALTIME_TIMESTAMP":"1763607600020542"}',
    '    1569 kubelet.go:2440] not a klog start',
    'W1120 03:10:00.000028    1569 kubelet.go:2440] "ends in a block" v=<',
  ];

  for (const format of ['short-precise', 'json', 'cat'])
    it(`on mutated generated journals (${format})`, async () => {
      const base = (journalText({ format, variant: 'broken', seed: 3, lines: 400, restartEvery: 150 }) as string).split('\n');
      // the special lines speak for the journal's own kubelet PID, so that they can be confused with its lines
      const pid = /kubelet\[(\d+)\]|"_PID":"(\d{2,})"|^[IWE]\d{4} \S+ +(\d+) /m.exec(base.join('\n'))!.slice(1).find(Boolean)!;
      const nasty = NASTY.map((l) => l.replaceAll('1569', pid));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(base.length), fc.nat(nasty.length - 1), fc.boolean()), { maxLength: 12 }),
          fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 4 }),
          async (edits, chunks) => {
            const lines = [...base];
            for (const [at, which, replace] of edits) lines.splice(at, replace ? 1 : 0, nasty[which]!);
            // `\xff\xfe` in the special lines stands for those two raw (invalid UTF-8) bytes
            const raw = Buffer.from(lines.join('\n').replace(/\u00ff\u00fe/g, '\u0001\u0002'), 'utf8');
            for (let i = 0; i + 1 < raw.length; i++) if (raw[i] === 1 && raw[i + 1] === 2) ((raw[i] = 0xff), (raw[i + 1] = 0xfe));
            await same(raw, chunks);
          },
        ),
        { numRuns: proofSize(20, 60), seed: 42 },
      );
    });

  it('on a journal where every line is special (no skipping possible)', async () => {
    const buf = Buffer.from(NASTY.join('\n'));
    await same(buf, [13]);
  });

  it('skips most lines of a healthy journal (the fast path is taken)', async () => {
    const text = journalText({ format: 'short-precise', variant: 'healthy', seed: 9, lines: 5000 }) as string;
    const rules = (await builtinRules()).filter((r) => r.match?.journal?.length);
    const scanner = new JournalScanner(compileMatcher(rules), { now: NOW });
    await scanner.scan(input(Buffer.from(text)));
    const res = scanner.result();
    expect(res.records).toBeGreaterThan(4900);
    // parse time is only spent on examined lines; a coarse check that most were skipped
    expect(scanner.timing.prefilter).toBeGreaterThan(0);
  });
});

void readdirSync;
