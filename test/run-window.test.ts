// A crash loop of thousands of kubelet runs is read with a bounded window of runs (src/journal/run-window.ts):
// the first few and the latest few whole, the rest folded into counts that give the same crash-loop summary,
// exit finding and report as keeping every run would.

import { describe, expect, it } from 'vitest';
import { crashLoopOf } from '../src/journal/runs.js';
import { FIRST_KEPT, LATEST_KEPT } from '../src/journal/run-window.js';
import { runScan } from '../src/scan.js';
import { builtinRules } from './helpers.js';
import { scanTexts, scanWithScanner } from './parser-helpers.js';

const sd = (t: string, m: string) => `Nov 20 ${t} node-a systemd[1]: ${m}`;
const kl = (t: string, pid: number, lvl: string, m: string) => `Nov 20 ${t} node-a kubelet[${pid}]: ${lvl}1120 ${t}.000000 ${String(pid).padStart(7)} run.go:74] ${m}`;
const clock = (s: number) => [Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');

/** `n` crashing runs (the 7th of every ten killed by SIGKILL, without words), then whatever `tail` adds. */
function loop(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = clock(i * 3);
    const pid = 1000 + i;
    out.push(sd(t, 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'));
    if (i % 10 === 7) out.push(kl(t, pid, 'I', '"Kubelet version" kubeletVersion="v1.30.2"'), sd(t, 'kubelet.service: Main process exited, code=killed, status=9/KILL'));
    else out.push(kl(t, pid, 'E', '"command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false"'), sd(t, 'kubelet.service: Main process exited, code=exited, status=1/FAILURE'));
    out.push(sd(t, `kubelet.service: Scheduled restart job, restart counter is at ${i + 1}.`));
  }
  return `${out.join('\n')}\n`;
}

describe('a crash loop is held as a bounded window of runs', () => {
  it('the scanner keeps the first and the latest few runs whole and counts the rest', async () => {
    const n = 3000;
    const { files } = await scanTexts([loop(n)]);
    const r = await scanWithScanner(files);
    const ev = r.evidence;
    expect(ev.runs.length).toBe(FIRST_KEPT + LATEST_KEPT);
    expect(ev.runsTotal).toBe(n);
    expect(ev.runs.map((x) => x.index)).toEqual([...Array(FIRST_KEPT).keys(), ...Array.from({ length: LATEST_KEPT }, (_, i) => n - LATEST_KEPT + i)]);
    expect(ev.latestRun).toBe(n - 1);
    expect(ev.retired).toMatchObject({ count: n - FIRST_KEPT - LATEST_KEPT, maxRestartCounter: n - LATEST_KEPT, exitFailed: n - FIRST_KEPT - LATEST_KEPT });
    expect(crashLoopOf(ev.runs, ev.latestRun, ev)).toEqual({ runs: n, restartCounter: n, exitStatus: '1/FAILURE' });
  });

  it('the report of a long loop says what keeping every run said: total, counter, restarts, last exit', async () => {
    const n = 400;
    const { files } = await scanTexts([loop(n)]);
    const r = await runScan({ rules: await builtinRules(), journals: files, noJournalctl: true, useApi: false, now: new Date('2025-11-21T00:00:00Z') });
    expect(r.runsTotal).toBe(n);
    expect(r.runs.length).toBeLessThanOrEqual(16);
    expect(r.crashLoop).toEqual({ runs: n, restartCounter: n, exitStatus: '1/FAILURE' });
    const swap = r.findings.find((f) => f.ruleId === 'swap-enabled')!;
    expect(swap.current).toBe(true);
    expect(r.verdict).toMatch(new RegExp(`crash loop: ${n} runs`));
  });
});
