// The real terminal path: the built CLI in a tmux pseudo-terminal of 80×24, driven by keys and read
// back from the screen, the way a person uses it. Every key waits until the screen shows what the
// previous one should have produced (keys sent before the app reads them would be lost).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, scratchDir } from './helpers.js';
import { SWAP_JOURNAL } from './render-sample.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const dir = scratchDir();
const sock = join(dir, 'tmux.sock');
const emptyRoot = join(dir, 'root');
mkdirSync(emptyRoot);
const journal = join(dir, 'kubelet.log');
writeFileSync(journal, SWAP_JOURNAL);
const lines = SWAP_JOURNAL.trimEnd().split('\n');
writeFileSync(join(dir, 'part1.log'), `${lines.slice(0, 2).join('\n')}\n`);
writeFileSync(join(dir, 'part2.log'), `${lines.slice(2).join('\n')}\n`);

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-S', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Start a shell command in a fresh 80×24 session with a clean environment (no CI, NO_COLOR on). */
function start(name: string, command: string, extraEnv: string[] = []): void {
  const env = ['env', '-i', `PATH=${q(process.env.PATH ?? '/usr/bin:/bin')}`, `HOME=${q(dir)}`, 'TERM=xterm-256color', 'LANG=C.UTF-8', 'NO_COLOR=1', ...extraEnv].join(' ');
  tmux('-u', 'new-session', '-d', '-x', '80', '-y', '24', '-s', name, `cd ${q(ROOT)} && ${env} sh -c ${q(command)}; echo EXIT=$?; sleep 600`);
}

const screen = (name: string, history = false) => tmux('capture-pane', '-p', '-t', name, ...(history ? ['-J', '-S', '-', '-E', '-'] : []));

async function waitFor(name: string, what: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const t0 = Date.now();
  let s = '';
  while (Date.now() - t0 < timeoutMs) {
    s = screen(name);
    if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} on the screen:\n${s}`);
}

const keys = (name: string, ...k: string[]) => tmux('send-keys', '-t', name, ...k);
const CLI = `node bin/kubelet-doctor.js`;

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-S', sock, 'kill-server']);
});

describe.skipIf(!hasTmux)(`the TUI in a real terminal (tmux)${hasTmux ? '' : ' — skipped: tmux is not installed'}`, () => {
  it('scan a journal: root cause on top, open it, the fix, filter, quit with the exit code and a summary', async () => {
    const s = 'scan';
    start(s, `${CLI} scan --journal ${q(journal)} --root ${q(emptyRoot)}`);
    let scr = await waitFor(s, 'Verdict:');
    expect(scr).toContain('Verdict: kubelet exits: Swap is on and the kubelet refuses to run with it');
    expect(scr).toMatch(/^› ERROR Swap is on and the kubelet refuses to run with it/m);
    expect(scr).toContain('node worker-1 · kubelet v1.29.3');
    for (const l of scr.split('\n')) expect([...l.trimEnd()].length).toBeLessThanOrEqual(80);
    // NO_COLOR: no colour in the frame (bold/inverse are allowed)
    const coloured = tmux('capture-pane', '-p', '-e', '-t', s);
    expect(coloured).not.toMatch(/\u001b\[[0-9;]*(?:3[0-7]|9[0-7]|38;5;\d+)m/);

    keys(s, 'Enter');
    scr = await waitFor(s, 'What was seen');
    expect(scr).toMatch(/kubelet\.log:3 · ×1 · Nov 20 10:00:02/);
    keys(s, 'G');
    await waitFor(s, 'References');
    // the fix sits above the folded exit finding and the references: scroll up to it
    let found = '';
    for (let i = 0; i < 30 && !found; i++) {
      keys(s, 'Up');
      found = await waitFor(s, /^ {5}swapoff -a/m, 300).catch(() => '');
    }
    expect(found).toMatch(/^ {5}swapoff -a/m);
    keys(s, 'Escape');
    await waitFor(s, 'Verdict:');

    keys(s, '/');
    await waitFor(s, 'filter: /');
    keys(s, '-l', 'zzz');
    scr = await waitFor(s, 'Nothing matches the filter');
    keys(s, 'Escape');
    await waitFor(s, /^› ERROR Swap is on/m);
    keys(s, '/');
    await waitFor(s, 'filter: /');
    keys(s, '-l', 'swap');
    scr = await waitFor(s, 'filter: /swap');
    const rows = scr.split('\n').filter((l) => /^[› ] (ERROR|WARN|INFO)/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.toLowerCase()).toContain('swap');
    keys(s, 'Enter');
    await waitFor(s, /^\/swap +\d/m);

    keys(s, 'q');
    const after = await waitFor(s, /EXIT=\d/);
    expect(after).toContain('EXIT=1');
    const history = screen(s, true);
    expect(history).toContain('Verdict: kubelet exits: Swap is on and the kubelet refuses to run with it');
    expect(history).toContain('Fix for Swap is on and the kubelet refuses to run with it [swap-enabled]:');
    expect(history).toMatch(/^ {5}swapoff -a$/m);
  });

  it('journal on stdin: keys come from the terminal (/dev/tty)', async () => {
    const s = 'pipe';
    const md = join(dir, 'report.md');
    start(s, `cat ${q(journal)} | ${CLI} scan --journal - --root ${q(emptyRoot)} --fail-on never --format markdown --output-file ${q(md)}`);
    await waitFor(s, /^› ERROR Swap is on/m);
    keys(s, 'j');
    await waitFor(s, /^ {2}ERROR Swap is on/m);
    keys(s, 'k');
    await waitFor(s, /^› ERROR Swap is on/m);
    keys(s, '?');
    await waitFor(s, 'Keys');
    keys(s, 'q');
    const after = await waitFor(s, /EXIT=\d/);
    expect(after).toContain('EXIT=0');
    expect(after).toContain('Verdict:');
    expect(after).not.toContain('Raw mode is not supported');
    // --output-file got the chosen format while the terminal kept the TUI
    expect(readFileSync(md, 'utf8')).toMatch(/^## kubelet-doctor: kubelet exits: Swap is on/);
  });

  it('CI set or TERM=dumb: plain text even in a terminal, no keys needed', async () => {
    for (const [name, env] of [['ci', ['CI=true']], ['dumb', ['TERM=dumb']]] as const) {
      start(name, `${CLI} scan --journal ${q(journal)} --root ${q(emptyRoot)}`, [...env]);
      const after = await waitFor(name, /EXIT=\d/);
      expect(after).toContain('EXIT=1');
      const history = screen(name, true);
      expect(history).toMatch(/^ 1\. ERROR Swap is on and the kubelet refuses to run with it \[swap-enabled\]/m);
      expect(history).not.toContain('Esc back');
    }
  });

  it('follow mode: a finding that appears later shows at once, marked NEW', async () => {
    const s = 'follow';
    // The writer sends the second part once the test has seen the first on screen, keeps the pipe open
    // like `journalctl -f` and, like it, dies on SIGPIPE once the doctor has quit.
    const go = join(dir, 'go');
    const writer = `cat ${q(join(dir, 'part1.log'))}; while [ ! -e ${q(go)} ]; do sleep 0.1; done; cat ${q(join(dir, 'part2.log'))}; while echo; do sleep 0.3; done`;
    start(s, `(${writer}) | ${CLI} scan --follow --journal - --root ${q(emptyRoot)}`);
    let scr = await waitFor(s, /● following stdin · 2 records read/);
    expect(scr).not.toMatch(/Swap is on/);
    expect(scr).toContain('kubelet v1.29.3');
    writeFileSync(go, '');
    scr = await waitFor(s, /Swap is on and the kubelet refuses to run with it .*NEW/);
    expect(scr).toMatch(/^› ERROR Swap is on/m);
    expect(scr).toContain('Verdict: kubelet exits: Swap is on');
    keys(s, 'q');
    const after = await waitFor(s, /EXIT=\d/);
    expect(after).toContain('EXIT=1');
    expect(screen(s, true)).toContain('followed stdin');
  });
});
