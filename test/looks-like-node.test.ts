// Which machine is a node: a kubelet process counts only in this mount namespace (a kubelet in a kind node
// container or a lab namespace reads its files there, not in this machine's /etc and /var/lib).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { looksLikeNode } from '../src/pipeline.js';

const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(() => {
  if (child?.pid) process.kill(child.pid, 'SIGKILL');
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Start a process whose comm is `kubelet` (a copy of sleep), optionally in a new mount namespace. */
async function fakeKubelet(ownMounts: boolean): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'kd-node-'));
  const bin = join(dir, 'kubelet');
  copyFileSync('/bin/sleep', bin);
  child = ownMounts ? spawn('unshare', ['-m', bin, '30'], { stdio: 'ignore' }) : spawn(bin, ['30'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
}

describe('looksLikeNode', () => {
  const emptyRoot = () => `${mkdtempSync(join(tmpdir(), 'kd-root-'))}/`;
  it.skipIf(!canUnshare)('a kubelet process in this mount namespace makes this machine a node', async () => {
    await fakeKubelet(false);
    expect(looksLikeNode(emptyRoot())).toBe(true);
  });
  it.skipIf(!canUnshare)('a kubelet in another mount namespace does not', async () => {
    await fakeKubelet(true);
    expect(looksLikeNode(emptyRoot())).toBe(false);
  });
});
