// Files named on the command line or found in a capture go through checks before they are read: the
// Node object (--node FILE, DIR/node.yaml) through the one rooted reader (regular files, 4 MiB cap,
// symlinks kept inside the root, a FIFO never opened blocking, /dev/zero never read); --journal refuses
// devices, directories and missing files with exit 2 (a FIFO is a stream and stays allowed); --root must
// be a directory.

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../src/collectors/index.js';
import { cli, ROOT, scratchDir } from './helpers.js';

const NODE_YAML = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: outside-secret-node\nspec:\n  podCIDR: 10.9.9.0/24\n';

async function nodeEvidence(root: string, nodeFile?: string) {
  const { evidence } = await collectEvidence(['node'], { root, live: false, now: new Date('2026-06-01T00:00:00Z'), useApi: false, nodeFile, hostnameOverride: 'n1' });
  return evidence.get('node')!;
}

describe('the Node object is read like every other node file', () => {
  it('DIR/node.yaml: a symlink may not leave the capture', async () => {
    const outside = scratchDir();
    writeFileSync(join(outside, 'node.yaml'), NODE_YAML);
    const root = scratchDir();
    symlinkSync(join(outside, 'node.yaml'), join(root, 'node.yaml'));
    const a = await nodeEvidence(root);
    expect(a.ok).toBe(false);
    expect(JSON.stringify(a)).not.toContain('outside-secret-node');
  });

  it('DIR/node.yaml as a FIFO is refused at once, not waited on', async () => {
    const root = scratchDir();
    execFileSync('mkfifo', [join(root, 'node.yaml')]);
    const a = await nodeEvidence(root);
    expect(a).toMatchObject({ ok: false });
    expect(!a.ok && a.reason).toMatch(/not a regular file/);
  });

  it('--node /dev/zero and a --node FIFO are refused; a plain --node file is read', async () => {
    const root = scratchDir();
    for (const bad of ['/dev/zero', (execFileSync('mkfifo', [join(root, 'fifo')]), join(root, 'fifo'))]) {
      const a = await nodeEvidence(root, bad);
      expect(a.ok).toBe(false);
      expect(!a.ok && a.reason).toMatch(/not a regular file/);
    }
    writeFileSync(join(root, 'n.yaml'), NODE_YAML.replace('outside-secret-node', 'n1'));
    expect((await nodeEvidence(root, join(root, 'n.yaml'))).ok).toBe(true);
  });

  it('--node larger than the cap is refused with the reason', async () => {
    const root = scratchDir();
    writeFileSync(join(root, 'big.yaml'), `${NODE_YAML}# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    const a = await nodeEvidence(root, join(root, 'big.yaml'));
    expect(!a.ok && a.reason).toMatch(/larger than 4 MiB/);
  });
});

describe('--journal and --root are checked before the scan', () => {
  const journal = join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log');
  for (const [what, args, re] of [
    ['a missing journal', ['--journal', '/nonexistent/kubelet.log'], /--journal \/nonexistent\/kubelet\.log: no such file/],
    ['a directory as journal', ['--journal', '/tmp'], /--journal \/tmp is a directory/],
    ['a device as journal', ['--journal', '/dev/zero'], /--journal \/dev\/zero is a device/],
    ['a missing root', ['--journal', journal, '--root', '/nonexistent'], /--root \/nonexistent: no such file/],
    ['a file as root', ['--journal', journal, '--root', journal], /--root .* is not a directory/],
  ] as const)
    it(`${what}: exit 2 with the reason`, () => {
      const r = cli(['scan', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

  it.skipIf(process.getuid?.() === 0)('an unreadable journal: exit 2', () => {
    const f = join(scratchDir(), 'k.log');
    writeFileSync(f, 'x\n');
    chmodSync(f, 0);
    const r = cli(['scan', '--journal', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/permission denied/);
  });

  it('a FIFO journal is read as a stream', () => {
    const d = scratchDir();
    const fifo = join(d, 'j');
    execFileSync('mkfifo', [fifo]);
    const out = execFileSync('sh', ['-c', `cat "$1" > "$2" & exec "$3" "$4" scan --journal "$2" --format json --fail-on never`, 'sh', journal, fifo, process.execPath, join(ROOT, 'bin/kubelet-doctor.js')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true' } });
    expect(JSON.parse(out).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('cgroup-missing-paths');
  });
  void cpSync;
  void mkdirSync;
});

describe('output that cannot be written', () => {
  const journal = join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log');
  const bin = join(ROOT, 'bin/kubelet-doctor.js');
  it('/dev/full: exit 2, one line, no stack trace', () => {
    for (const redirect of ['--format json > /dev/full', '--output-file /dev/full > /dev/null']) {
      let code = 0;
      let stderr = '';
      try {
        execFileSync('sh', ['-c', `"$1" "$2" scan --journal "$3" ${redirect}`, 'sh', process.execPath, bin, journal], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
      } catch (e) {
        code = (e as { status: number }).status;
        stderr = (e as { stderr: string }).stderr;
      }
      expect(code, redirect).toBe(2);
      expect(stderr.trim().split('\n'), redirect).toHaveLength(1);
      expect(stderr).toMatch(/no space left on device/);
    }
  });
  it('a closed pipe (| head) ends quietly', () => {
    const out = execFileSync('sh', ['-c', `"$1" "$2" scan --journal "$3" --format json 2>&1 | head -c 1; echo`, 'sh', process.execPath, bin, journal], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true' } });
    expect(out.trim()).toBe('{');
  });
});
