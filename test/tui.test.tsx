// The ink views, rendered with ink-testing-library at 80×24 against a report scanned from a
// fixture journal and a hand-made one: header, ranked list, keys, detail, filter, help, progress.

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { interactiveTerminal } from '../src/cli.js';
import { App } from '../src/tui/app.js';
import { lineText, seg, truncLine, wrapLine } from '../src/tui/lines.js';
import { visibleRows } from '../src/tui/model.js';
import { initialUi, onKey } from '../src/tui/state.js';
import { Store } from '../src/tui/store.js';
import { exitSummary } from '../src/tui/summary.js';
import type { Report } from '../src/types.js';
import { scanText } from './helpers.js';
import { sampleReport, SWAP_JOURNAL } from './render-sample.js';

const KEY = { up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D', enter: '\r', esc: '\u001B', backspace: '\u007F' };
const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

let unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts) u();
  unmounts = [];
});

function mount(report: Report | undefined, o: { columns?: number; rows?: number; store?: Store } = {}) {
  const store = o.store ?? new Store(report ? { report, phase: 'done' } : {});
  const onQuit = vi.fn();
  const onCopy = vi.fn();
  const app = render(<App store={store} color={false} interactive columns={o.columns ?? 80} rows={o.rows ?? 24} onQuit={onQuit} onCopy={onCopy} />);
  unmounts.push(app.unmount);
  const frame = () => app.lastFrame() ?? '';
  // Each key after the previous frame has settled (a real person waits for the screen too).
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      await settle();
      app.stdin.write(k);
      await tick();
    }
    await settle();
  };
  const settle = async () => {
    let last = frame();
    for (let i = 0; i < 40; i++) {
      await tick(15);
      const now = frame();
      if (now === last) return;
      last = now;
    }
  };
  /** Wait until the frame matches (rendering is asynchronous). */
  const see = (p: RegExp | string) => vi.waitFor(() => (typeof p === 'string' ? expect(frame()).toContain(p) : expect(frame()).toMatch(p)), { timeout: 3000, interval: 20 });
  return { ...app, store, frame, press, see, onQuit, onCopy };
}

function fits(frame: string, width: number, height: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(height);
  for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(width);
}

describe('tui views (ink-testing-library)', () => {
  it('a scanned journal: verdict, facts and the root cause first, within 80×24', async () => {
    const report = await scanText(SWAP_JOURNAL);
    const t = mount(report);
    await tick();
    const f = t.frame();
    fits(f, 80, 23);
    expect(f).toContain('Verdict: kubelet exits: Swap is on and the kubelet refuses to run with it');
    expect(f).toContain('node worker-1');
    expect(f).toContain('kubelet v1.29.3');
    expect(f).toMatch(/1 kubelet run/);
    const firstRow = f.split('\n').find((l) => l.startsWith('›'));
    expect(firstRow).toMatch(/^› ERROR Swap is on and the kubelet refuses to run with it +exit$/);
    // open it: the cited line with its number, the fix laid out to copy
    await t.press(KEY.enter);
    const d = t.frame();
    fits(d, 80, 23);
    expect(d).toContain('What was seen');
    expect(d).toMatch(/kubelet\.log:3 · ×1 · Nov 20 10:00:02/);
    expect(d).toContain('running with swap on');
    await t.press('G');
    await t.see('References');
    // the fix is laid out to copy, indented on its own line (above the folded exit finding and the references)
    let seen = t.frame();
    for (let i = 0; i < 30 && !/^ {5}swapoff -a$/m.test(seen); i++) {
      await t.press(KEY.up);
      seen += `\n${t.frame()}`;
    }
    expect(seen).toMatch(/^ {5}swapoff -a$/m);
    await t.press(KEY.esc);
    expect(t.frame()).toContain('Verdict:');
  });

  it('moves, opens, folds consequences under their cause, and shows node evidence', async () => {
    const t = mount(sampleReport());
    await tick();
    let f = t.frame();
    fits(f, 80, 23);
    expect(f).toContain('Crash loop: 3 runs, restart counter 5, last exit 1/FAILURE');
    expect(f).toMatch(/1 error · 3 warning · 1 info/);
    const rows = f.split('\n').filter((l) => /ERROR|WARN|INFO/.test(l) && !l.startsWith('Verdict'));
    expect(rows[0]).toMatch(/^› ERROR Swap is on.* exit ×7$/);
    expect(rows[1]).toMatch(/^ {4}↳ WARN +The API server does not know this node +×120$/);
    expect(rows.find((r) => r.includes('PLEG'))).toMatch(/past$/);
    expect(rows.find((r) => r.includes('benign'))).toMatch(/benign$/);
    await t.press(KEY.down, 'j');
    f = t.frame();
    expect(f.split('\n').find((l) => l.startsWith('›'))).toContain('client certificate expires');
    await t.press('k', KEY.right);
    f = t.frame();
    expect(f).toContain('finding 2 of 5');
    expect(f).toContain('Consequence of: Swap is on and the kubelet refuses to run with it [swap-enabled]');
    await t.press('n');
    f = t.frame();
    expect(f).toContain('Node evidence');
    expect(f).toContain('var/lib/kubelet/pki/kubelet-client-current.pem  (certificate)');
    expect(f).toContain('notAfter = 2026-11-25T00:00:00Z');
    expect(f).toContain('CN=system:node:worker-1, O=system:nodes');
    expect(f).toContain('etc/kubernetes/bootstrap-kubelet.conf  (missing)');
    await t.press('p', 'p');
    await t.press('G');
    f = t.frame();
    expect(f).toContain('Explains (consequences, folded)');
    expect(f).toMatch(/↳ WARN The API server does not know this node \[node-not-found\]/);
    await t.press('y');
    expect(t.onCopy).toHaveBeenCalledTimes(1);
    expect(t.onCopy.mock.calls[0]![0]).toContain('# Turn every swap device off now\nswapoff -a');
    expect(t.frame()).toContain('copied the fix commands of swap-enabled');
    await t.press(KEY.left);
    await t.press('q');
    expect(t.onQuit).toHaveBeenCalledTimes(1);
    expect(t.onQuit.mock.calls[0]![0]?.ruleId).toBe('swap-enabled');
  });

  it('filters by text and cycles the severity filter', async () => {
    const t = mount(sampleReport());
    await tick();
    await t.press('/', 'c', 'e', 'r', 't');
    let f = t.frame();
    expect(f).toContain('filter: /cert');
    let rows = f.split('\n').filter((l) => /^[› ] /.test(l) && /ERROR|WARN|INFO/.test(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('client certificate');
    await t.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, 'x', 'y', 'z');
    expect(t.frame()).toContain('Nothing matches the filter');
    await t.press(KEY.esc);
    f = t.frame();
    expect(f).not.toContain('filter:');
    expect(f).toContain('5 findings');
    await t.press('s');
    f = t.frame();
    expect(f).toContain('severity: error');
    rows = f.split('\n').filter((l) => /^[› ] /.test(l) && /ERROR|WARN|INFO/.test(l));
    expect(rows.map((r) => r.includes('ERROR'))).toEqual([true]);
    // a threshold, as --fail-on means it: warning and above keeps the error too
    await t.press('s');
    f = t.frame();
    expect(f).toContain('severity: warning and above');
    rows = f.split('\n').filter((l) => /^[› ] /.test(l) && /ERROR|WARN|INFO/.test(l));
    expect(rows.some((r) => r.includes('ERROR'))).toBe(true);
    expect(rows.some((r) => r.includes('INFO'))).toBe(false);
    expect(f).toContain('4 of 5');
    await t.press('s');
    expect(t.frame()).not.toContain('severity:');
    // a filter kept with Enter, then the selection opens the filtered finding
    await t.press('/', 'p', 'l', 'e', 'g', KEY.enter);
    expect(t.frame()).toContain('/pleg');
    await t.press(KEY.enter);
    expect(t.frame()).toContain('PLEG is not healthy');
    expect(t.frame()).toContain('earlier kubelet runs only');
  });

  it('help and the sources/skipped view', async () => {
    const t = mount(sampleReport());
    await tick();
    await t.press('?');
    let f = t.frame();
    expect(f).toContain('Keys');
    expect(f).toContain('filter by text');
    await t.press(KEY.esc, 'i');
    f = t.frame();
    expect(f).toContain('Sources read');
    expect(f).toContain('! 2 record(s) looked cut short');
    expect(f).toContain('Rules skipped (2)');
    expect(f).toContain('rule failed to run: boom');
    await t.press(KEY.esc);
    expect(t.frame()).toContain('Verdict:');
  });

  it('fits narrow and wide terminals; long lists scroll', async () => {
    const big = sampleReport();
    for (let i = 0; i < 30; i++) big.findings.push({ ...big.findings[2]!, ruleId: `extra-${i}`, title: `Extra finding number ${i} with a rather long title that must be cut short somewhere` });
    for (const [w, h] of [[40, 12], [80, 24], [132, 40]] as const) {
      const t = mount(big, { columns: w, rows: h });
      await tick();
      fits(t.frame(), w, h - 1);
      await t.press('G');
      const f = t.frame();
      fits(f, w, h - 1);
      expect(f).toContain('Extra finding number 29');
      await t.press(KEY.enter);
      fits(t.frame(), w, h - 1);
      t.unmount();
    }
  });

  it('shows progress while reading, then the report', async () => {
    const store = new Store({
      sources: [{ name: '/var/log/kubelet.log', bytes: 500_000, size: 1_000_000, lines: 65536, done: false }],
      collectors: ['kubeletConfig', 'cgroups', 'node'].map((kind) => ({ kind, state: 'waiting' as const })),
    });
    const t = mount(undefined, { store });
    await tick();
    let f = t.frame();
    expect(f).toContain('reading the kubelet journal');
    expect(f).toMatch(/kubelet\.log +█+░+ 50% {2}500 kB {2}65,536 lines/);
    expect(f).toMatch(/· kubeletConfig +waiting/);
    // each collector on its own line: read, not available (and why), still reading (with its time once slow)
    store.set({
      phase: 'collect',
      sources: [{ ...store.get().sources[0]!, done: true, bytes: 1_000_000 }],
      collectors: [
        { kind: 'kubeletConfig', state: 'done', ok: true },
        { kind: 'cgroups', state: 'done', ok: false, reason: 'no /proc/mounts' },
        { kind: 'node', state: 'reading', since: Date.now() - 4200 },
      ],
    });
    await tick();
    f = t.frame();
    expect(f).toContain('reading node evidence');
    expect(f).toMatch(/✓ .*kubelet\.log/);
    expect(f).toMatch(/✓ kubeletConfig +read/);
    expect(f).toMatch(/– cgroups +not available: no \/proc\/mounts/);
    expect(f).toMatch(/node +reading · 4\.\d s/);
    store.set({ report: sampleReport(), phase: 'done' });
    await tick();
    expect(t.frame()).toContain('Verdict:');
  });

  it('follow mode marks new and repeated findings', async () => {
    const report = sampleReport();
    const keys = visibleRows(report, '', 'all').map((r) => r.key);
    const store = new Store({
      report,
      phase: 'done',
      follow: { source: 'journalctl', records: 1234, ended: false },
      changes: new Map([
        [keys[0]!, { kind: 'more', delta: 3, at: Date.now() }],
        [keys[2]!, { kind: 'new', delta: 1, at: Date.now() }],
      ]),
    });
    const t = mount(undefined, { store });
    await tick();
    const f = t.frame();
    expect(f).toContain('● following journalctl · 1,234 records read');
    expect(f).toMatch(/Swap is on.*\+3 exit ×7$/m);
    expect(f).toMatch(/client certificate expires in 3 days +NEW$/m);
    store.set({ follow: { source: 'journalctl', records: 1300, ended: true, endReason: 'end of input' } });
    await tick();
    expect(t.frame()).toContain('■ input ended (end of input) journalctl · 1,300 records read');
  });

  it('a report without findings says so', async () => {
    const r = sampleReport();
    const t = mount({ ...r, findings: [], verdict: 'No known failure signature found', crashLoop: undefined });
    await tick();
    expect(t.frame()).toContain('No findings: no known failure signature');
  });
});

describe('tui pieces', () => {
  it('the TUI only on a terminal, outside CI, not on TERM=dumb', () => {
    expect(interactiveTerminal({ TERM: 'xterm' }, true)).toBe(true);
    expect(interactiveTerminal({ TERM: 'xterm' }, false)).toBe(false);
    expect(interactiveTerminal({ TERM: 'xterm', CI: 'true' }, true)).toBe(false);
    expect(interactiveTerminal({ TERM: 'xterm', CI: '1' }, true)).toBe(false);
    expect(interactiveTerminal({ TERM: 'xterm', CI: 'false' }, true)).toBe(true);
    expect(interactiveTerminal({ TERM: 'xterm', CI_JOB_ID: '7' }, true)).toBe(false);
    expect(interactiveTerminal({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('wraps words, hangs continuation lines, keeps styles, cuts long words', () => {
    const l = wrapLine([seg('alpha beta '), seg('gamma', { bold: true }), seg(' delta epsilon zeta')], 16, 2);
    expect(l.map(lineText)).toEqual(['alpha beta gamma', '  delta epsilon', '  zeta']);
    expect(l[0]!.find((s) => s.text === 'gamma')?.style?.bold).toBe(true);
    expect(wrapLine([seg('x'.repeat(30))], 10).map(lineText)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)]);
    expect(lineText(truncLine([seg('abcdefghij')], 6))).toBe('abcde…');
    expect(lineText(truncLine([seg('a\u001b[31mb\tc')], 40))).toBe('a^[[31mb    c');
  });

  it('keys as a pure function', () => {
    const screen = { rows: ['a#0', 'b#0', 'c#0'], listHeight: 2, textLines: 50, textHeight: 10 };
    let s = onKey(initialUi, { input: 'j' }, screen).state;
    expect(s.selKey).toBe('b#0');
    s = onKey(s, { input: '', down: true }, screen).state;
    expect(s).toMatchObject({ selKey: 'c#0', top: 1 });
    s = onKey(s, { input: '', down: true }, screen).state;
    expect(s.selKey).toBe('c#0');
    s = onKey(s, { input: '', enter: true }, screen).state;
    expect(s).toMatchObject({ view: 'detail', openedKey: 'c#0' });
    s = onKey(s, { input: ' ' }, screen).state;
    expect(s.scroll).toBe(9);
    s = onKey(s, { input: 'G' }, screen).state;
    expect(s.scroll).toBe(40);
    expect(onKey(s, { input: 'q' }, screen).effect).toEqual({ quit: true });
    expect(onKey(s, { input: 'c', ctrl: true }, screen).effect).toEqual({ quit: true });
    s = onKey(s, { input: '', escape: true }, screen).state;
    expect(s.view).toBe('list');
    s = onKey(s, { input: '/' }, screen).state;
    // while typing a filter, q is text, not quit
    const typed = onKey(s, { input: 'q' }, screen);
    expect(typed.effect).toBeUndefined();
    expect(typed.state.filter).toBe('q');
  });

  it('the exit summary carries the verdict and the fix of the opened finding', () => {
    const r = sampleReport();
    const text = exitSummary(r, { color: false });
    expect(text).toContain('Verdict: kubelet exits: Swap is on');
    expect(text).toContain('  ERROR Swap is on and the kubelet refuses to run with it [swap-enabled] (+1 folded)');
    expect(text).toMatch(/Fix for Swap is on.*\[swap-enabled\]:\n {2}Turn swap off now and permanently\.\n {2}1\. Turn every swap device off now\n {5}swapoff -a/);
    expect(text).not.toMatch(/\u001b\[/);
    const opened = exitSummary(r, { color: false, opened: r.findings[2] });
    expect(opened).toContain('Fix for The kubelet client certificate expires in 3 days [client-cert-expiring]:');
    expect(opened).toContain('kubeadm certs renew all');
  });

  it('two Backspaces in one read both delete', async () => {
    const t = mount(sampleReport());
    await tick();
    await t.press('/', 'c', 'e', 'r', 't');
    await t.press('\u007F\u007F');
    expect(t.frame()).toContain('filter: /ce▏');
    await t.press('\u007F\u007F\u007F');
    expect(t.frame()).toContain('filter: /▏');
  });

  it('a tiny terminal: the frame is never wider than it, and the footer keeps whole words', async () => {
    for (const [w, h] of [[24, 10], [16, 8]] as const) {
      const t = mount(sampleReport(), { columns: w, rows: h });
      await tick();
      const f = t.frame();
      fits(f, w, h - 1);
      const footer = f.split('\n').pop()!;
      expect(footer, footer).not.toContain('…');
      await t.press('?');
      const help = t.frame().split('\n').pop()!;
      expect(help, help).not.toContain('…');
      t.unmount();
    }
  });

  it('help explains the marks on a row (past, benign, exit)', async () => {
    const t = mount(sampleReport(), { columns: 100, rows: 60 });
    await tick();
    await t.press('?');
    const f = t.frame();
    expect(f).toContain('Marks on a row');
    expect(f).toMatch(/past +seen only in earlier kubelet runs/);
    expect(f).toMatch(/benign +a known harmless message/);
    expect(f).toMatch(/exit +this made the kubelet exit/);
  });

  it('progress moves while a regular file is read (read by offset, with no stream to count)', async () => {
    const { progressUpdater } = await import('../src/tui/run.js');
    const { progressLines } = await import('../src/tui/store.js');
    const { runScan } = await import('../src/scan.js');
    const { builtinRules, scratchDir } = await import('./helpers.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(scratchDir(), 'kubelet.log');
    const line = 'Nov 20 10:00:00 worker-1 kubelet[700]: I1120 10:00:00.000000     700 reflector.go:1] Listing and watching *v1.Node\n';
    writeFileSync(file, line.repeat(Math.ceil((3 << 20) / line.length)));
    const store = new Store({ sources: [{ name: file, bytes: 0, size: 3 << 20, lines: 0, done: false }] });
    const seen: number[] = [];
    const update = progressUpdater(store);
    await runScan({
      rules: await builtinRules(),
      journals: [file],
      noJournalctl: true,
      nodeState: false,
      now: new Date('2026-11-22T00:00:00Z'),
      onProgress: (s, l, b) => {
        update(s, l, b);
        seen.push(store.get().sources[0]!.bytes);
      },
    });
    const partial = seen.filter((b) => b > 0 && b < 3 << 20);
    expect(partial.length).toBeGreaterThan(0);
    store.set({ sources: [{ ...store.get().sources[0]!, bytes: partial[0]! }] });
    expect(progressLines(store.get(), 80).map(lineText).join('\n')).toMatch(/ [1-9]\d?%/);
  });
});
