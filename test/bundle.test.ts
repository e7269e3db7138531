// collect → bundle → scan --bundle: secrets planted in copies of the node-tree fixtures never reach the
// bundle, and the bundle scans to the same diagnosis as --root on the same tree. Hostile bundles (path
// traversal, symlinks out of the folder, devices, truncation) are refused entry by entry or named.

import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, lstatSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { TarWriter } from '../src/bundle/tar.js';
import { unpackBundle } from '../src/bundle/unpack.js';
import { redactText } from '../src/bundle/redact-files.js';
import { cli, ROOT, scratchDir } from './helpers.js';

const BOOT_SECRET = 'q7w8e9r0t1y2u3i4';
const PASSWORD = 'hunter2-planted-password';
const SA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.planted-service-account-token';

function plant(root: string): string {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  mkdirSync(join(root, 'etc/kubernetes'), { recursive: true });
  writeFileSync(
    join(root, 'etc/kubernetes/bootstrap-kubelet.conf'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- cluster:',
      '    server: https://10.0.0.1:6443',
      '  name: kubernetes',
      'contexts:',
      '- context:',
      '    cluster: kubernetes',
      '    user: tls-bootstrap-token-user',
      '  name: tls-bootstrap-token-user@kubernetes',
      'current-context: tls-bootstrap-token-user@kubernetes',
      'users:',
      '- name: tls-bootstrap-token-user',
      '  user:',
      `    token: abcdef.${BOOT_SECRET}`,
      `    client-key-data: ${Buffer.from(key).toString('base64')}`,
      `    password: ${PASSWORD}`,
      '',
    ].join('\n'),
  );
  return key;
}

function unpackedText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

const FIXTURES: [string, string, string | undefined][] = [
  ['kubeconfig-expired-client-cert', '2026-06-01T09:05:00Z', 'kubelet.short-precise.log'],
  ['kubeconfig-key-mismatch', '2026-06-01T09:05:00Z', undefined],
  ['swap-on', '2024-11-20T10:00:00Z', 'journal/kubelet.short-precise.log'],
  ['healthy-kubeadm-v1.30', '2025-06-01T00:00:00Z', undefined],
];

describe('collect → scan --bundle', () => {
  for (const [fixture, now, journal] of FIXTURES)
    it(`${fixture}: no key, token or password in the bundle; same findings as --root`, async () => {
      const tree = join(scratchDir(), 'node');
      cpSync(join(ROOT, 'fixtures/nodes', fixture), tree, { recursive: true, verbatimSymlinks: true });
      const key = plant(tree);
      const bundle = join(scratchDir(), 'node.tar.gz');
      const j = journal ? ['--journal', join(tree, journal)] : [];
      const c = cli(['collect', '--root', tree, ...j, '--output', bundle]);
      expect(c.code, c.stderr).toBe(0);
      const u = await unpackBundle(bundle);
      try {
        const text = unpackedText(u.dir);
        expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
        expect(text).not.toContain(key.split('\n')[1]);
        expect(text).not.toContain(BOOT_SECRET);
        expect(text).not.toContain(PASSWORD);
        expect(text).toContain('abcdef.redactedredacted'); // the token id stays: it names the Secret
        expect(text).toContain('-----BEGIN CERTIFICATE-----'); // certificates stay
        const whats = u.manifest!.redacted.map((r) => r.what);
        expect(whats).toEqual(expect.arrayContaining(['client-key-data', 'bootstrap token secret', 'password']));
        expect(u.refused).toEqual([]);
      } finally {
        u.cleanup();
      }
      const args = ['--format', 'json', '--now', now, '--fail-on', 'never'];
      const a = JSON.parse(cli(['scan', '--bundle', bundle, ...args]).stdout);
      const b = JSON.parse(cli(['scan', '--root', tree, ...j, ...args]).stdout);
      expect(a.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(b.findings.map((f: { ruleId: string }) => f.ruleId));
      expect(a.findings[0]?.ruleId).toBe(b.findings[0]?.ruleId);
      expect(a.verdict).toBe(b.verdict);
    });

  it('the key-mismatch diagnosis survives redaction (the key\'s public part is kept)', () => {
    const tree = join(ROOT, 'fixtures/nodes/kubeconfig-key-mismatch');
    const bundle = join(scratchDir(), 'km.tar.gz');
    expect(cli(['collect', '--root', tree, '--output', bundle]).code).toBe(0);
    const r = JSON.parse(cli(['scan', '--bundle', bundle, '--format', 'json', '--now', '2026-06-01T09:05:00Z', '--fail-on', 'never']).stdout);
    expect(r.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('client-key-mismatch');
  });
});

describe('hostile bundles', () => {
  async function tarOf(entries: Parameters<TarWriter['add']>[0][]): Promise<string> {
    const file = join(scratchDir(), 'evil.tar.gz');
    const gz = createGzip();
    const done = pipeline(gz, createWriteStream(file));
    const t = new TarWriter(gz);
    for (const e of entries) await t.add(e);
    await t.end();
    gz.end();
    await done;
    return file;
  }

  it('refuses traversal and writing through links; re-points links inside the folder', async () => {
    const file = await tarOf([
      { path: '../escape.txt', type: 'file', data: Buffer.from('x') },
      { path: 'etc/link', type: 'symlink', linkname: '/etc/passwd' },
      { path: 'up', type: 'symlink', linkname: '../../../../../tmp' },
      { path: 'dir', type: 'symlink', linkname: '/' },
      { path: 'dir/through.txt', type: 'file', data: Buffer.from('y') },
      { path: 'ok/file.txt', type: 'file', data: Buffer.from('fine') },
      { path: 'ok/file.txt', type: 'file', data: Buffer.from('again') },
    ]);
    const u = await unpackBundle(file);
    try {
      expect(u.refused.join('\n')).toMatch(/\.\.\/escape\.txt: a "\.\." component/);
      expect(u.refused.join('\n')).toMatch(/ok\/file\.txt: a second entry/);
      expect(readFileSync(join(u.dir, 'ok/file.txt'), 'utf8')).toBe('fine');
      expect(readlinkSync(join(u.dir, 'etc/link'))).toBe('passwd'); // /etc/passwd rooted at the bundle
      expect(readlinkSync(join(u.dir, 'up'))).toBe('tmp');
      expect(readFileSync(join(u.dir, 'dir/through.txt'), 'utf8')).toBe('y'); // written as a real folder first, the link refused
      expect(u.refused.join('\n')).toMatch(/^dir: /m);
    } finally {
      u.cleanup();
    }
  });

  it('names a truncated or non-tar file and the limits', async () => {
    const file = await tarOf([{ path: 'a', type: 'file', data: Buffer.alloc(4096, 97) }]);
    const cut = join(scratchDir(), 'cut.tar');
    const { gunzipSync } = await import('node:zlib');
    writeFileSync(cut, gunzipSync(readFileSync(file)).subarray(0, 1000));
    await expect(unpackBundle(cut)).rejects.toThrow(/cut\.tar: the archive ends inside/);
    const junk = join(scratchDir(), 'junk.tar.gz');
    writeFileSync(junk, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await expect(unpackBundle(junk)).rejects.toThrow(/junk\.tar\.gz/);
    await expect(unpackBundle(file, { maxEntries: 10, maxEntryBytes: 100, maxTotalBytes: 1000 })).rejects.toThrow(/over the 100-byte limit/);
    const r = cli(['scan', '--bundle', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/junk\.tar\.gz/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('redacts tokens, passwords and bearer headers in text', () => {
    const r = redactText(`--token=abcdef.0123456789abcdef\nAuthorization: Bearer ${SA_TOKEN}\n  "password": "s3cret",\n`);
    expect(r.text).not.toContain('0123456789abcdef');
    expect(r.text).not.toContain(SA_TOKEN);
    expect(r.text).not.toContain('s3cret');
  });
});
