// The JSON report's facts (what a comparison of nodes needs) from a captured node tree, with no secret in
// them; two clones of one tree compared as bundles, in every output format.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, scratchDir } from './helpers.js';

const FIXTURE = join(ROOT, 'fixtures/nodes/healthy-kubeadm-v1.30');
const NOW = '2026-06-01T00:00:00Z';

/** The healthy kubeadm worker plus what identifies a machine: os-release, kernel, product_uuid, a NIC, a virtual bridge. */
function tree(dir: string, uuid = '4c4c4544-0042-3510-8052-b4c04f4e3332', mac = '52:54:00:12:34:56'): string {
  cpSync(FIXTURE, dir, { recursive: true });
  const put = (p: string, text: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  };
  put('etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
  put('proc/sys/kernel/osrelease', '6.1.0-18-amd64\n');
  put('proc/mounts', 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0\n');
  put('sys/class/dmi/id/product_uuid', `${uuid}\n`);
  put('sys/class/net/eth0/address', `${mac}\n`);
  put('sys/devices/virtual/net/cni0/address', 'aa:bb:cc:dd:ee:ff\n');
  symlinkSync('../../devices/virtual/net/cni0', join(dir, 'sys/class/net/cni0'));
  return dir;
}

describe('the report\'s facts', () => {
  let a: string;
  let b: string;
  beforeAll(() => {
    a = tree(join(scratchDir(), 'node-a'));
    b = tree(join(scratchDir(), 'node-b'));
  });

  it('a --root scan carries identity, versions, cgroup, runtime, OS and config fields, and no secret', () => {
    const r = cli(['scan', '--root', a, '--node', join(a, 'node.yaml'), '--now', NOW, '-o', 'json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout).facts;
    expect(facts.identity).toMatchObject({ hostname: 'worker-1', productUuid: '4c4c4544-0042-3510-8052-b4c04f4e3332', macs: [{ iface: 'eth0', mac: '52:54:00:12:34:56' }] });
    expect(facts.kubeletVersion).toBe('v1.30.2');
    expect(facts.cgroup).toMatchObject({ version: 'v2', driver: 'systemd' });
    expect(facts.cgroup.driverSource).toMatch(/var\/lib\/kubelet\/config\.yaml:\d+/);
    expect(facts.runtime).toMatchObject({ name: 'containerd', version: '1.7.13' });
    expect(facts.os).toMatchObject({ prettyName: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-18-amd64' });
    expect(facts.config.cgroupDriver).toEqual({ value: '"systemd"', source: expect.stringMatching(/^var\/lib\/kubelet\/config\.yaml:\d+$/) });
    expect(facts.config.kind).toBeUndefined();
    expect(facts.certs.map((c: { what: string }) => c.what)).toContain('kubelet client certificate');
    // the tree holds private keys (kubelet.key, the client PEM): none of it reaches the facts
    const text = JSON.stringify(facts);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|tlsPrivateKeyFile/);
    expect(readFileSync(join(a, 'var/lib/kubelet/pki/kubelet.key'), 'utf8')).toMatch(/PRIVATE KEY/);
  });

  it('a journal alone says nothing about a node: no facts', () => {
    const r = cli(['scan', join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log'), '-o', 'json', '--fail-on', 'never']);
    expect(JSON.parse(r.stdout).facts).toBeUndefined();
  });

  it('two clones compared as bundles: shared product_uuid, MAC and host name, in every format', () => {
    const base = ['scan', '--bundle', a, '--bundle', b, '--now', NOW, '--fail-on', 'never'];
    const ids = ['duplicate-hostname', 'duplicate-mac', 'duplicate-product-uuid'];
    const json = JSON.parse(cli([...base, '-o', 'json']).stdout);
    expect(json.comparisons.map((c: { id: string }) => c.id).sort()).toEqual(ids);
    expect(json.nodes).toHaveLength(2);
    expect(parse(cli([...base, '-o', 'yaml']).stdout)).toEqual(json);
    const md = cli([...base, '-o', 'markdown']).stdout;
    for (const id of ids) expect(md).toContain(`(\`${id}\`)`);
    const junit = cli([...base, '-o', 'junit']).stdout;
    expect(junit).toMatch(/<testsuite name="kubelet-doctor fleet" tests="3" failures="3" errors="0"/);
    // each node keeps its own suite, named as the view names it (clones share a host name)
    expect(junit).toMatch(/<testsuite name="kubelet-doctor worker-1 \(node-a\)"/);
    const sarif = JSON.parse(cli([...base, '-o', 'sarif']).stdout);
    expect(sarif.runs.at(-1).results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual(ids);
    const text = cli([...base]).stdout;
    expect(text).toMatch(/Across nodes:[\s\S]*duplicate-product-uuid/);
    // the exit code counts the comparisons
    expect(cli([...base.slice(0, -2), '--fail-on', 'error']).code).toBe(1);
  });
});
