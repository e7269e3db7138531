// The parallel scan (engine/parallel-scan.ts: a large file split at a line boundary, the second part scanned
// by a worker thread and merged) must give exactly what the single-threaded scan gives — the whole result:
// hits with every sample and record, runs, facts, sources, counts; and the whole report. Split points are
// forced at many offsets (KUBELET_DOCTOR_SPLIT_AT / the splitAt option), including inside crash loops, stack
// dumps, `key=<` blocks, boot markers, PID changes and systemd lines: where the state at the split cannot be
// reproduced by a fresh start the scan must fall back (still exact); elsewhere the worker's part is merged.
// The worker is the compiled dist/src/engine/scan-worker.js (test/global-setup.ts builds dist/). Each split
// starts worker threads, so the proofs run on a sample of fixtures and split points by default and on all of
// them with KUBELET_DOCTOR_TEST_FULL=1 (test/helpers.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../src/engine/matcher.js';
import { workerUrl } from '../src/engine/parallel-scan.js';
import { JournalScanner } from '../src/engine/scan-journal.js';
import { fileInput } from '../src/journal/read.js';
import { runScan } from '../src/scan.js';
import { builtinRules, cli, fixtureJournalFiles, proofSample, proofSize, ROOT, scratchDir } from './helpers.js';
// @ts-expect-error: plain ESM script without types
import { journalText } from '../scripts/bench-gen.mjs';
import { entryFormat } from '../src/journal/entries.js';

const NOW = new Date('2026-01-01T00:00:00Z');

async function journalRules() {
  return (await builtinRules()).filter((r) => r.match?.journal?.length);
}

/** Scan `file` (after `before`, when given: then the first half is read by this thread, not a head worker). */
async function scanFile(file: string, workers: 'off' | 'force', splitAt?: number, citeLimit?: number, before?: string) {
  const rules = await journalRules();
  const scanner = new JournalScanner(compileMatcher(rules), { now: NOW, rules, workers, splitAt, citeLimit });
  if (before) await scanner.scan({ ...fileInput(before), path: before });
  await scanner.scan({ ...fileInput(file), path: file });
  const res = scanner.result();
  return { res: { ...res, timing: undefined }, parallel: scanner.parallel };
}

/** Line start offsets of a buffer (after each newline, before the end). */
function lineStarts(buf: Buffer): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(10); i >= 0 && i + 1 < buf.length; i = buf.indexOf(10, i + 1)) out.push(i + 1);
  return out;
}

/** Split points: evenly spread, plus the lines at and right after the ones that change the scan's state. */
function splitPoints(buf: Buffer, spread: number): number[] {
  const starts = lineStarts(buf);
  const picks = new Set<number>();
  for (let k = 1; k <= spread; k++) {
    const s = starts[Math.floor((k * starts.length) / (spread + 1))];
    if (s !== undefined) picks.add(s);
  }
  const text = buf.toString('latin1');
  const special = /Main process exited|Started |Scheduled restart|-- Boot|-- Reboot|goroutine |panic: |\]: F\d{4}|^F\d{4}|=<$|\]:  >|Failed with result|Kubelet version|register node|\\n/;
  const lines = text.split('\n');
  let pid: string | undefined;
  for (let i = 0; i < lines.length && picks.size < spread * 4; i++) {
    const p = /kubelet\[(\d+)\]|"_PID":"(\d+)"|^[IWE]\d{4} \S+ +(\d+) /.exec(lines[i]!)?.slice(1).find(Boolean);
    const pidChange = p !== undefined && pid !== undefined && p !== pid;
    if (p !== undefined) pid = p;
    if (special.test(lines[i]!) || pidChange) for (const d of [-1, 0, 1, 2]) if (starts[i + d - 1] !== undefined) picks.add(starts[i + d - 1]!);
  }
  return [...picks].sort((a, b) => a - b);
}

let merged = 0;
let fellBack = 0;
async function sameAt(file: string, splits: number[], citeLimit?: number, before?: string) {
  const seq = await scanFile(file, 'off', undefined, citeLimit, before);
  expect(seq.parallel).toEqual([]);
  // a few splits at a time (each is a worker thread's start-up, mostly idle time)
  for (let k = 0; k < splits.length; k += 4) {
    const batch = splits.slice(k, k + 4);
    const pars = await Promise.all(batch.map((at) => scanFile(file, 'force', at, citeLimit, before)));
    batch.forEach((at, i) => {
      const par = pars[i]!;
      try {
        expect(par.parallel.filter((p) => p.source === file).length).toBe(1);
        expect(par.res).toEqual(seq.res);
      } catch (e) {
        throw new Error(`${file} split at byte ${at} (merged: ${par.parallel[0]?.merged}): ${(e as Error).message}`);
      }
      if (par.parallel.find((p) => p.source === file)!.merged) merged++;
      else fellBack++;
    });
  }
}


describe('parallel scan = single-threaded scan', () => {
  it('has the compiled worker module', () => {
    expect(workerUrl()).toBeDefined();
  });

  it('on every fixture journal, split at one of several lines', async () => {
    merged = fellBack = 0;
    // entry formats (json-pretty, verbose) are read entry by entry and never split
    const files = proofSample(fixtureJournalFiles().filter((f) => !entryFormat(readFileSync(f))), 9);
    expect(files.length).toBeGreaterThan(0);
    // one split per file (each is two worker threads' start-up, mostly idle time): in turn the middle and the
    // special lines; four files at a time, so that one file's start-up overlaps another's scan
    const one = async (f: string, i: number) => {
      const buf = readFileSync(f);
      if (buf.length < 2) return;
      const picks = splitPoints(buf, 1);
      await sameAt(f, picks.length ? [picks[i % picks.length]!] : []);
    };
    for (let k = 0; k < files.length; k += 4) await Promise.all(files.slice(k, k + 4).map((f, j) => one(f, k + j)));
    expect(merged + fellBack).toBeGreaterThan(files.length / 2);
  }, 300_000);

  for (const format of ['short-precise', 'short-iso', 'cat', 'json'])
    for (const variant of ['broken', 'healthy'])
      it(`on a generated ${variant} journal (${format}), split at many offsets`, async () => {
        merged = fellBack = 0;
        const text = journalText({ format, variant, seed: 11, lines: proofSize(1200, 2500), restartEvery: 400 }) as string;
        const file = join(scratchDir(), `j.${format}.log`);
        writeFileSync(file, text);
        const buf = readFileSync(file);
        await sameAt(file, splitPoints(buf, proofSize(2, 12)), variant === 'broken' ? 100000 : undefined);
        // most splits land on plain kubelet lines: the worker's part is merged, not rescanned
        expect(merged).toBeGreaterThan(fellBack);
      }, 300_000);

  for (const format of ['short-precise', 'json'])
    it(`after another journal file (the first half read by this thread, merged into its state) (${format})`, async () => {
      merged = fellBack = 0;
      const dir = scratchDir();
      const first = join(dir, 'first.log');
      // the same node: the second file's first run may continue the first file's last one (same PID)
      const all = (journalText({ format, variant: 'broken', seed: 13, lines: 3000, restartEvery: 500 }) as string).split('\n');
      writeFileSync(first, all.slice(0, 900).join('\n') + '\n');
      const file = join(dir, 'second.log');
      writeFileSync(file, all.slice(900).join('\n'));
      await sameAt(file, splitPoints(readFileSync(file), proofSize(2, 8)), 100000, first);
      expect(merged).toBeGreaterThan(proofSize(1, 2));
    }, 300_000);

  // lines that change what the parser, the run tracker or the skip logic does next, put right at the split
  const NASTY = [
    '',
    '-- Boot 5c1f0e2d3b4a49e8a7c6d5e4f3a2b1c0 --',
    '                                             continued message line',
    '\tvendor/k8s.io/klog/v2/klog.go:1026 +0x8a',
    'Nov 20 03:10:00.000001 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
    'Nov 20 03:10:00.000002 node-a systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.',
    'Nov 20 03:10:00.000003 node-a systemd[1]: kubelet.service: Scheduled restart job, restart counter is at 3.',
    'Nov 20 03:10:00.000004 node-a kubelet[1569]: I1120 03:10:00.000004    1569 server.go:484] "Kubelet version" kubeletVersion="v1.29.1"',
    'Nov 20 03:10:00.000005 node-a kubelet[1569]: F1120 03:10:00.000005    1569 server.go:300] failed to run Kubelet: boom',
    'Nov 20 03:10:00.000006 node-a kubelet[1569]: panic: runtime error: invalid memory address or nil pointer dereference',
    'Nov 20 03:10:00.000008 node-b kubelet[1569]: I1120 03:10:00.000008    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'Nov 20 03:10:00.000009 node-a kubelet[1569]: I1120 03:10:00.000009    1569 kubelet.go:2440] "Swap is on" /proc/swaps contents=<',
    'Nov 20 03:10:00.000010 node-a kubelet[1569]: I1120 03:10:00.000010    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b…',
    'Nov 20 03:10:00.000012 node-a kubelet[1569]: I1120 03:10:00.000012    1569 kubelet.go:2440] "bad \xff\xfe bytes"',
    'Nov 20 03:10:00.000014 node-a kubelet[1569]: E1120 03:10:00.000014    1569 kubelet.go:2440] "x" err="dial tcp 10.0.0.1:6443: connect: connection refused"',
    'Nov 20 03:10:00.000015 node-a kubelet[1569]:  >',
    'Nov 20 03:10:00.000016 node-a kubelet[7777]: I1120 03:10:00.000016    7777 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'Dec  1 03:10:00.000017 node-a kubelet[1569]: I1201 03:10:00.000017    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'I1120 03:10:00.000017    1569 kubelet.go:2440] "SyncLoop UPDATE" source="api" pods=["a/b"]',
    'F1120 03:10:00.000018    1569 kubelet.go:2440] fatal in cat',
    '{"_PID":"1","SYSLOG_IDENTIFIER":"systemd","_BOOT_ID":"aaaa","UNIT":"kubelet.service","MESSAGE":"kubelet.service: Main process exited, code=exited, status=1/FAILURE","__REALTIME_TIMESTAMP":"1763607600015505"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","_BOOT_ID":"bbbb","MESSAGE":"I1120 03:00:00.020535    1569 server.go:484] \\"x\\"","__REALTIME_TIMESTAMP":"1763607600020535"}',
    '{"_PID":"1569","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":"I1120 03:00:00.020535    1569 a.go:1] \\"two\\nlines\\"","__REALTIME_TIMESTAMP":"1763607600020538"',
    `Nov 20 03:10:00.000020 node-a kubelet[1569]: I1120 03:10:00.000020    1569 kubelet.go:2440] "long" v="${'x'.repeat(70000)}"`,
    'Nov 20 03:10:00.000022 node-a kubelet[1569]: goroutine 1 [running]:',
    'Nov 20 03:10:00.000027 node-a kubelet[1569]: E1120 03:10:00.000027    1569 kubelet.go:2440] "SyncLoop" x="y" unterminated="abc',
    'Nov 20 03:10:00.000028 node-a kubelet[1569]: I1120 03:10:00.000028    1569 kubelet.go:2440] "SyncLoop" x="y" unterminated="abc',
    'W1120 03:10:00.000028    1569 kubelet.go:2440] "ends in a block" v=<',
  ];

  for (const format of ['short-precise', 'json', 'cat'])
    it(`on mutated generated journals, special lines at the split (${format})`, async () => {
      merged = fellBack = 0;
      const base = (journalText({ format, variant: 'broken', seed: 5, lines: 600, restartEvery: 250 }) as string).split('\n');
      const pid = /kubelet\[(\d+)\]|"_PID":"(\d{2,})"|^[IWE]\d{4} \S+ +(\d+) /m.exec(base.join('\n'))!.slice(1).find(Boolean)!;
      const nasty = NASTY.map((l) => l.replaceAll('1569', pid));
      const dir = scratchDir();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.nat(base.length - 2), fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.nat(nasty.length - 1)), { maxLength: 4 }), fc.integer({ min: -2, max: 2 }), async (at, edits, shift) => {
          const lines = [...base];
          for (const [d, which] of edits) lines.splice(Math.max(0, at + d), 0, nasty[which]!);
          const raw = Buffer.from(lines.join('\n').replace(/\u00ff\u00fe/g, '\u0001\u0002'), 'utf8');
          for (let i = 0; i + 1 < raw.length; i++) if (raw[i] === 1 && raw[i + 1] === 2) ((raw[i] = 0xff), (raw[i + 1] = 0xfe));
          const file = join(dir, `m${n++}.log`);
          writeFileSync(file, raw);
          const starts = lineStarts(raw);
          const s = starts[Math.min(starts.length - 1, Math.max(0, at + shift))];
          await sameAt(file, s === undefined ? [] : [s]);
        }),
        { numRuns: proofSize(6, 40), seed: 17 },
      );
      expect(merged).toBeGreaterThan(0);
    }, 300_000);

  it('the same report from the CLI (KUBELET_DOCTOR_WORKERS=force) as single-threaded', () => {
    const text = journalText({ format: 'short-precise', variant: 'broken', seed: 2, lines: proofSize(4000, 20000), restartEvery: 1500 }) as string;
    const file = join(scratchDir(), 'kubelet.log');
    writeFileSync(file, text);
    const args = ['scan', '--journal', file, '--format', 'json', '--fail-on', 'never', '--now', '2026-01-01T00:00:00Z'];
    const strip = (out: string) => {
      const r = JSON.parse(out) as Record<string, unknown>;
      delete r.stats;
      delete r.generatedAt;
      return r;
    };
    const seq = cli(args, undefined, { KUBELET_DOCTOR_WORKERS: 'off' });
    const par = cli(args, undefined, { KUBELET_DOCTOR_WORKERS: 'force' });
    const mid = cli(args, undefined, { KUBELET_DOCTOR_WORKERS: 'force', KUBELET_DOCTOR_SPLIT_AT: String(Math.floor(text.length / 3)) });
    // two files: the second is split with this thread reading its first half
    const two = [...args, '--journal', file];
    const seq2 = cli(two, undefined, { KUBELET_DOCTOR_WORKERS: 'off' });
    const par2 = cli(two, undefined, { KUBELET_DOCTOR_WORKERS: 'force' });
    expect(strip(par2.stdout)).toEqual(strip(seq2.stdout));
    expect(seq.code, seq.stderr).toBe(0);
    expect(par.code, par.stderr).toBe(0);
    expect(strip(par.stdout)).toEqual(strip(seq.stdout));
    expect(strip(mid.stdout)).toEqual(strip(seq.stdout));
  });

  it('the same report from runScan on fixture journals (whole report, minus timing)', async () => {
    const rules = await builtinRules();
    const prev = { w: process.env.KUBELET_DOCTOR_WORKERS, s: process.env.KUBELET_DOCTOR_SPLIT_AT };
    try {
      for (const f of fixtureJournalFiles().slice(0, proofSize(8, 40))) {
        const buf = readFileSync(f);
        const at = lineStarts(buf)[Math.floor(lineStarts(buf).length / 2)];
        if (at === undefined) continue;
        const run = async (workers: string) => {
          process.env.KUBELET_DOCTOR_WORKERS = workers;
          process.env.KUBELET_DOCTOR_SPLIT_AT = String(at);
          const r = await runScan({ rules, journals: [f], noJournalctl: true, nodeState: false, now: NOW });
          delete r.stats;
          return r;
        };
        expect(await run('force'), f).toEqual(await run('off'));
      }
    } finally {
      for (const [k, v] of [
        ['KUBELET_DOCTOR_WORKERS', prev.w],
        ['KUBELET_DOCTOR_SPLIT_AT', prev.s],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  }, 120_000);
});
