// Hostile input stays bounded in time and memory (issue 12): parsers are linear (time at n and 4n compared
// as a ratio, never against a clock: a loaded machine slows both alike), entries are capped as lines are, and
// each cap is said among the source's problems while the read goes on.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readEntries } from '../src/journal/entries.js';
import { readExportEntries } from '../src/journal/read.js';
import { scanText } from './helpers.js';

/** The best of five timings of f(n) (ms): the least disturbed by the machine's other work. */
function best(f: () => unknown): number {
  let t = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}
async function bestAsync(f: () => Promise<unknown>): Promise<number> {
  let t = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}
/** Linear work grows 4× from n to 4n, quadratic 16×: anything under 9× is taken as linear. */
export async function expectLinear(run: (n: number) => unknown, n: number): Promise<void> {
  const a = await bestAsync(async () => run(n));
  const b = await bestAsync(async () => run(4 * n));
  expect(b / Math.max(a, 20), `time at n=${n}: ${a.toFixed(1)} ms, at 4n: ${b.toFixed(1)} ms`).toBeLessThan(9);
}
void best;

/** A stream of `bytes` in 64 KiB chunks, as a pipe delivers it. */
const chunked = (b: Buffer) => Readable.from((function* () {
  for (let i = 0; i < b.length; i += 65536) yield b.subarray(i, i + 65536);
})());

async function drain<T>(g: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

const MSG = 'MESSAGE=E1120 03:00:02.123706    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"\n';
const exportEntry = (extra = '') => `__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1763607602123706\n_BOOT_ID=b0a1c2d3e4f5061728394a5b6c7d8e9f\nSYSLOG_IDENTIFIER=kubelet\n_PID=1234\n${extra}${MSG}\n`;

describe('export entries', () => {
  it('one field repeated 200,000 times: linear, the repeats beyond 64 said, the next entry read', async () => {
    const repeated = (n: number) => Buffer.from(exportEntry('X=y\n'.repeat(n)) + exportEntry());
    await expectLinear((n) => drain(readExportEntries(chunked(repeated(n)))), 20_000);
    const all = await drain(readExportEntries(chunked(repeated(200_000))));
    expect(all).toHaveLength(2);
    expect((all[0]![0].X as string[]).length).toBe(64);
    expect(all[0]![2]!.join('\n')).toMatch(/field X is repeated 200000 times; only the first 64 were read/);
    expect(all[1]![0].MESSAGE).toMatch(/swap on/);
  });

  it('a value with no newline: linear, its first 1 MiB kept and said, the read ends cleanly', async () => {
    const endless = (n: number) => Buffer.concat([Buffer.from(exportEntry()), Buffer.from('__CURSOR=s=1;i=2\nMESSAGE='), Buffer.alloc(n, 'a')]);
    await expectLinear((n) => drain(readExportEntries(chunked(endless(n)))), 16 << 20);
    const all = await drain(readExportEntries(chunked(endless(8 << 20))));
    expect(all).toHaveLength(2);
    expect((all[1]![0].MESSAGE as string).length).toBe((1 << 20) - 'MESSAGE='.length);
    expect(all[1]![2]!.join('\n')).toMatch(/field MESSAGE at line \d+ is \d+ bytes long; only its first 1024 KiB were read/);
  });

  it('the scan names the capped field and still finds the swap failure after it', async () => {
    const r = await scanText(Buffer.from(exportEntry('X=y\n'.repeat(1000)) + exportEntry()), {}, 'kubelet.export');
    expect(r.sources[0]!.problems.join('\n')).toMatch(/export entry at line 1: field X is repeated 1000 times/);
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });
});

const PRETTY_SWAP = '{\n\t"__REALTIME_TIMESTAMP" : "1763607602123706",\n\t"SYSLOG_IDENTIFIER" : "kubelet",\n\t"_PID" : "1234",\n\t"MESSAGE" : "E1120 03:00:02.123706    1234 run.go:74] \\"command failed\\" err=\\"failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false\\""\n}\n';
const VERBOSE_HEAD = (i: number) => `Thu 2025-11-20 03:00:0${i}.123706 UTC [s=6038e8852ee848fba91000ae3a9a2828;i=${i};b=b0a1c2d3e4f5061728394a5b6c7d8e9f;m=141dd99196;t=6440ef0b2b47${i};x=632d933e6028ef90]\n    SYSLOG_IDENTIFIER=kubelet\n    _PID=1234\n`;

describe('entries that never end are capped, said, and the read goes on', () => {
  it('json-pretty: an entry of long lines that never closes is given up after 4 MiB; the next entry is read', async () => {
    const open = `{\n${`\t"X" : "${'x'.repeat(60_000)}",\n`.repeat(200)}`;
    const got = await drain(readEntries('json-pretty', chunked(Buffer.from(open + PRETTY_SWAP))));
    expect(got.filter((e) => 'error' in e).map((e) => (e as { error: string }).error).join('\n')).toMatch(/the entry at line 1 never closes \(over 4 MiB\)/);
    expect(got.some((e) => 'fields' in e && String(e.fields.MESSAGE).includes('swap on'))).toBe(true);
  });

  it('verbose: a MESSAGE that never ends is cut at 4 MiB and said; the entries after it are read', async () => {
    const endless = `${VERBOSE_HEAD(1)}    MESSAGE=begin\n${`            ${'m'.repeat(1000)}\n`.repeat(6000)}`;
    const swap = `${VERBOSE_HEAD(2)}    MESSAGE=E1120 03:00:02.123706    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"\n`;
    const r = await scanText(endless + swap, {}, 'kubelet.verbose');
    expect(r.sources[0]!.problems.join('\n')).toMatch(/the entry at line 1 is over 4 MiB; its lines \d+–\d+ were skipped/);
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });
});

describe('a timestamp that is no time', () => {
  it('a 20-digit __REALTIME_TIMESTAMP is named with its line; the rest of the journal is scanned', async () => {
    const entry = (rt: string, m: string) => JSON.stringify({ __REALTIME_TIMESTAMP: rt, _BOOT_ID: 'b1', SYSLOG_IDENTIFIER: 'kubelet', _PID: '7', MESSAGE: m });
    const text = [
      entry('1763769500000000', 'I1122 00:00:00.000000       7 server.go:1] "Kubelet version" kubeletVersion="v1.30.2"'),
      entry('99999999999999999999', 'I1122 00:00:00.000000       7 server.go:2] "starting"'),
      entry('1763769600000000', 'E1122 00:00:01.000000       7 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"'),
    ].join('\n');
    const r = await scanText(`${text}\n`, {}, 'kubelet.json');
    expect(r.sources[0]!.problems).toContain('line 2: __REALTIME_TIMESTAMP "99999999999999999999" is not a time; the entry was read without one');
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });
});
