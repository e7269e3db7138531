// The single executable (npm run build:sea): built here from the suite's dist/, then run with Node.js
// hidden (PATH holds no node) and compared with the npm install on the same inputs: a piped journal, a
// --root capture with its journal, a journal split across the two worker threads, and the TUI on a
// pseudo-terminal. The binary carries its own runtime, so it must not need the one on this machine.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, scratchDir } from './helpers.js';

const dir = scratchDir();
const bin = join(dir, 'kubelet-doctor-linux-x64');
const emptyPath = scratchDir(); // a PATH with no node (nor anything else) on it
const supported = process.platform === 'linux' && process.arch === 'x64';

beforeAll(() => {
  if (supported) execFileSync(process.execPath, [join(ROOT, 'scripts/build-sea.mjs'), '--out', bin], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}, 180_000);

function sea(args: string[], input?: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, { cwd: ROOT, input, encoding: 'utf8', env: { PATH: emptyPath, NO_COLOR: '1', CI: 'true', ...env }, timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The parts of a report that are the diagnosis (not the time it was made, nor how long it took). */
function diagnosis(json: string) {
  const { generatedAt: _g, stats: _s, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
}

describe.skipIf(!supported)('the single executable, with Node.js hidden', () => {
  it('has no node on its PATH, and says its version', () => {
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: { PATH: emptyPath } }).status).not.toBe(0);
    const r = sea(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('carries the built-in rules: the same list as the npm install', () => {
    const a = sea(['rules', '--format', 'json']);
    const b = cli(['rules', '--format', 'json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
    expect(JSON.parse(a.stdout).length).toBeGreaterThan(50);
    expect(sea(['explain', 'swap-enabled']).stdout).toContain('Fix:');
  });

  it('carries fleet\'s Job manifest: no deploy/ beside it, and the Job name stays within 63 characters', () => {
    const node = `ip-10-0-0-1.eu-west-1.compute.internal-${'x'.repeat(100)}`;
    const r = sea(['fleet', '--print-job', node], undefined);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = /^ {2}name: (\S+)$/m.exec(r.stdout)![1]!;
    expect(name.length).toBeLessThanOrEqual(63);
    expect(r.stdout).toContain(`nodeName: ${node}`);
    expect(r.stdout).toMatch(/- scan\n\s+- --root\n\s+- \/host/);
  });

  it('a piped journal: the same report as the npm install', () => {
    const journal = readFileSync(join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log'));
    const args = ['scan', '--format', 'json', '--now', '2021-02-14T08:00:00Z'];
    const a = sea(args, journal);
    const b = cli(args, journal);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(JSON.parse(a.stdout).findings[0].ruleId).toBe('cgroup-missing-paths');
    expect(diagnosis(a.stdout)).toEqual(diagnosis(b.stdout));
  });

  it('a --root capture with its journal: the same report as the npm install', () => {
    const root = join(ROOT, 'fixtures/nodes/swap-on');
    const args = ['scan', '--root', root, '--journal', join(root, 'journal/kubelet.short-precise.log'), '--format', 'json', '--now', '2024-11-20T10:00:00Z'];
    const a = sea(args);
    const b = cli(args);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).findings[0].ruleId).toBe('swap-enabled');
    expect(diagnosis(a.stdout)).toEqual(diagnosis(b.stdout));
  });

  it('the worker threads run from inside the executable (a journal split across two threads)', () => {
    const args = ['scan', '--journal', join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log'), '--format', 'json', '--stats', '--now', '2021-02-14T08:00:00Z'];
    const a = sea(args, undefined, { KUBELET_DOCTOR_WORKERS: 'force' });
    const b = cli(args, undefined, { KUBELET_DOCTOR_WORKERS: 'off' });
    expect(a.stderr).toMatch(/on 2 threads/);
    expect(diagnosis(a.stdout)).toEqual(diagnosis(b.stdout));
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('the TUI opens on a terminal and quits on q', () => {
    const journal = join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log');
    const out = join(dir, 'typescript.txt');
    // script(1) gives the executable a pseudo-terminal; "q" arrives once the view is up
    const cmd = `env -i PATH=${emptyPath} TERM=xterm COLUMNS=100 LINES=30 ${bin} scan --journal ${journal}`;
    const r = spawnSync('sh', ['-c', `(sleep 4; printf q) | script -qfec "${cmd}" ${out}`], { encoding: 'utf8', timeout: 60_000 });
    // eslint-disable-next-line no-control-regex
    const screen = readFileSync(out, 'utf8').replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
    expect(screen).toContain('Verdict: kubelet exits: A reserved cgroup is missing');
    expect(screen).toMatch(/ERROR A reserved cgroup is mi/);
    expect(r.status).toBe(1); // findings at error: the exit code of the scan, through script -e
  });
});
