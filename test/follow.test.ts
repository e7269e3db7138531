// Follow mode: findings show as lines arrive, repeats are counted, the diagnosis is redone on a
// debounce (not per line), memory stays bounded, files are tailed, and off a TTY each new finding
// is printed once (text or NDJSON).

import { appendFileSync, cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Follower, followInput, tailInput, type FindingChange, type FollowInput } from '../src/follow.js';
import type { Report } from '../src/types.js';
import { builtinRules, cli, ROOT, scratchDir } from './helpers.js';
import { SWAP_JOURNAL } from './render-sample.js';

const LINES = SWAP_JOURNAL.trimEnd().split('\n');
const SWAP_LINE = LINES[2]!;
const now = new Date('2026-11-22T00:00:00Z');

function emptyRoot(): string {
  const d = join(scratchDir(), 'root');
  mkdirSync(d);
  return d;
}

function pipeInput(): { fi: FollowInput; stream: PassThrough } {
  const stream = new PassThrough();
  return { stream, fi: { input: { name: 'stdin', open: () => stream }, stop: () => stream.end() } };
}

const until = async (pred: () => boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('follow mode', () => {
  it('shows a finding as soon as its line arrives, then counts repeats', async () => {
    const { fi, stream } = pipeInput();
    const updates: { report: Report; changes: FindingChange[] }[] = [];
    const f = new Follower({ scan: { rules: await builtinRules(), root: emptyRoot(), now }, input: fi, debounceMs: 50, tickMs: 200, onUpdate: (report, changes) => updates.push({ report, changes }) });
    const run = f.run();
    stream.write(`${LINES[0]}\n${LINES[1]}\n`);
    await until(() => updates.some((u) => u.report.node?.kubeletVersion === 'v1.29.3'));
    expect(updates.flatMap((u) => u.changes).some((c) => c.finding.ruleId === 'swap-enabled')).toBe(false);
    const t0 = Date.now();
    stream.write(`${SWAP_LINE}\n`);
    await until(() => updates.some((u) => u.changes.some((c) => c.finding.ruleId === 'swap-enabled' && c.kind === 'new')));
    // debounced by 50 ms: the new finding comes at once, not at a later tick (a bound a loaded machine cannot miss)
    expect(Date.now() - t0).toBeLessThan(10_000);
    const n = updates.length;
    stream.write(`${SWAP_LINE}\n${SWAP_LINE}\n`);
    await until(() => updates.slice(n).some((u) => u.changes.some((c) => c.finding.ruleId === 'swap-enabled' && c.kind === 'more')));
    const more = updates
      .slice(n)
      .flatMap((u) => u.changes)
      .filter((c) => c.finding.ruleId === 'swap-enabled');
    expect(more.reduce((s, c) => s + c.delta, 0)).toBe(2);
    expect(f.status.ended).toBe(false);
    stream.end(`${LINES[3]}\n`);
    const final = await run;
    expect(f.status).toMatchObject({ ended: true, endReason: 'end of input' });
    const swap = final.findings.find((x) => x.ruleId === 'swap-enabled')!;
    expect(swap.count).toBe(3);
    expect(swap.causedExit).toBe(true);
    // reports handed out do not change afterwards (the scanner keeps mutating its aggregates)
    const first = updates.find((u) => u.changes.some((c) => c.finding.ruleId === 'swap-enabled'))!;
    expect(first.report.findings.find((x) => x.ruleId === 'swap-enabled')!.count).toBe(1);
  });

  it('stays bounded: a long stream is diagnosed on a debounce, citations stay few', async () => {
    let lines = 0;
    const total = 150_000;
    async function* gen() {
      for (let i = 0; i < total; i += 1000) {
        const chunk: string[] = [];
        for (let j = 0; j < 1000; j++) chunk.push(j % 10 === 0 ? SWAP_LINE : LINES[1]!);
        lines += 1000;
        yield `${chunk.join('\n')}\n`;
        if (i % 20_000 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    }
    let updates = 0;
    const heap0 = process.memoryUsage().heapUsed;
    const f = new Follower({
      scan: { rules: await builtinRules(), root: emptyRoot(), now },
      input: { input: { name: 'stdin', open: () => Readable.from(gen()) }, stop: () => {} },
      debounceMs: 100,
      tickMs: 500,
      onUpdate: () => updates++,
    });
    const report = await f.run();
    expect(lines).toBe(total);
    const swap = report.findings.find((x) => x.ruleId === 'swap-enabled')!;
    expect(swap.count).toBe(total / 10);
    expect(swap.evidence.filter((c) => c.kind === 'journal').length).toBeLessThanOrEqual(4);
    expect(updates).toBeLessThan(200); // not one diagnosis per line or per match
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(200 * 1024 * 1024);
  });

  it('tails a file: lines appended later are read, rotation is followed, stop ends it', async () => {
    const dir = scratchDir();
    const file = join(dir, 'kubelet.log');
    writeFileSync(file, `${LINES[0]}\n${LINES[1]}\n`);
    const changes: FindingChange[] = [];
    const f = new Follower({ scan: { rules: await builtinRules(), root: emptyRoot(), now }, input: tailInput(file, 50), debounceMs: 30, tickMs: 100, onUpdate: (_r, c) => changes.push(...c) });
    const run = f.run();
    await until(() => f.status.records >= 2);
    appendFileSync(file, `${SWAP_LINE}\n`);
    await until(() => changes.some((c) => c.finding.ruleId === 'swap-enabled'));
    // logrotate: the file is moved away and a new one starts
    renameSync(file, `${file}.1`);
    writeFileSync(file, `${SWAP_LINE}\n`);
    await until(() => changes.some((c) => c.finding.ruleId === 'swap-enabled' && c.kind === 'more'));
    f.stop('test done');
    const report = await run;
    expect(f.status).toMatchObject({ ended: true, endReason: 'test done' });
    expect(report.findings.find((x) => x.ruleId === 'swap-enabled')!.count).toBe(2);
  });

  it('picks what to follow', () => {
    expect(followInput({ rules: [], journals: ['/var/log/kubelet.log'] }).input.name).toBe('/var/log/kubelet.log');
    expect(() => followInput({ rules: [], journals: ['a', 'b'] })).toThrow(/one journal/);
    expect(followInput({ rules: [], journals: ['-'] }).input.name).toBe('stdin');
  });

  it('CLI off a TTY: each new finding once as a line, then the verdict; exit code by --fail-on', () => {
    const root = emptyRoot();
    const input = `${SWAP_JOURNAL}${SWAP_LINE}\n${SWAP_LINE}\n`;
    const r = cli(['scan', '--follow', '--journal', '-', '--root', root], input);
    expect(r.code).toBe(1);
    const out = r.stdout.trimEnd().split('\n');
    // (the exit finding folded under it names the cause too, as `[swap-enabled] explains it`)
    const swapLines = out.filter((l) => l.includes('refuses to run with it [swap-enabled] ('));
    expect(swapLines).toHaveLength(1);
    expect(swapLines[0]).toMatch(/^Nov 20 10:00:02 ERROR Swap is on and the kubelet refuses to run with it \[swap-enabled\] \(made the kubelet exit\) — .* \(stdin:3\)$/);
    expect(out[out.length - 1]).toMatch(/^follow ended \(end of input\) after \d+ records\. Verdict: kubelet exits: Swap is on/);
    expect(cli(['scan', '--follow', '--journal', '-', '--root', root, '--fail-on', 'never'], input).code).toBe(0);
  });

  it('CLI off a TTY with --format json: NDJSON, one object per new finding; other formats at the end', () => {
    const root = emptyRoot();
    const input = `${SWAP_JOURNAL}${SWAP_LINE}\n`;
    const r = cli(['scan', '--follow', '--journal', '-', '--root', root, '--format', 'json'], input);
    expect(r.code).toBe(1);
    const objs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(objs.every((o) => o.event === 'finding' && o.ruleId && o.key && o.detectedAt)).toBe(true);
    expect(new Set(objs.map((o) => o.key)).size).toBe(objs.length);
    expect(objs.find((o) => o.ruleId === 'swap-enabled')).toMatchObject({ severity: 'error', causedExit: true });
    // a whole-document format is written when the input ends; the new findings go to stderr meanwhile
    const dir = scratchDir();
    const md = join(dir, 'report.sarif');
    const s = cli(['scan', '--follow', '--journal', '-', '--root', root, '--format', 'sarif', '--output-file', md], input);
    expect(s.stdout).toContain('[swap-enabled]');
    expect(readFileSync(md, 'utf8')).toContain('"version": "2.1.0"');
    const s2 = cli(['scan', '--follow', '--journal', '-', '--root', root, '--format', 'junit'], input);
    expect(s2.stdout).toMatch(/^<\?xml/);
    expect(s2.stderr).toContain('[swap-enabled]');
  });

  it('reads node state again while following: what gets fixed shows as resolved, once', async () => {
    const root = join(scratchDir(), 'node');
    cpSync(join(ROOT, 'fixtures/nodes/swap-on'), root, { recursive: true });
    const { fi, stream } = pipeInput();
    const changes: FindingChange[] = [];
    const f = new Follower({ scan: { rules: await builtinRules(), root, now }, input: fi, debounceMs: 20, tickMs: 50, nodeRefreshMs: 100, onUpdate: (_r, ch) => changes.push(...ch) });
    const run = f.run();
    await until(() => changes.some((c) => c.finding.ruleId === 'swap-enabled' && c.kind === 'new'));
    expect(changes.some((c) => c.kind === 'resolved')).toBe(false);
    // swapoff -a: /proc/swaps keeps only its header
    writeFileSync(join(root, 'proc/swaps'), 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
    await until(() => changes.some((c) => c.finding.ruleId === 'swap-enabled' && c.kind === 'resolved'));
    await new Promise((r) => setTimeout(r, 300)); // a few more refreshes: said once
    stream.end();
    const final = await run;
    expect(final.findings.some((x) => x.ruleId === 'swap-enabled')).toBe(false);
    expect(changes.filter((c) => c.kind === 'resolved').map((c) => c.finding.ruleId)).toEqual(['swap-enabled']);
  });
});
