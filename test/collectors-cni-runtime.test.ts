// cni and runtime collectors: the TOML reader, containerd/CRI-O/Docker configs, CRI endpoint
// sockets under a root, CNI conf dirs and files (JSON errors at file:line), plugin binaries.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCniFile } from '../src/collectors/cni-conf.js';
import { parseJsonAt } from '../src/collectors/strict-json.js';
import type { CniEvidence } from '../src/collectors/cni.js';
import { collectEvidence } from '../src/collectors/index.js';
import { readContainerd, readCrio, readDocker } from '../src/collectors/runtime-config.js';
import { parseToml, tomlGet } from '../src/collectors/runtime-toml.js';
import { endpointKind, parseEndpoint, type RuntimeEvidence } from '../src/collectors/runtime.js';
import { ROOT, scratchDir } from './helpers.js';

const NODES = join(ROOT, 'fixtures/nodes');
const noop = () => {};
async function collect(kind: 'cni' | 'runtime', root: string) {
  const { evidence } = await collectEvidence([kind], { root, live: false, now: new Date('2026-01-01T00:00:00Z'), useApi: false });
  return evidence.get(kind)!;
}
function tree(files: Record<string, string>): string {
  const root = scratchDir();
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

describe('TOML reader', () => {
  it('keeps tables, quoted keys, arrays, inline tables and line numbers', () => {
    const doc = parseToml(
      'version = 2\ndisabled_plugins = [\n  "cri",\n]\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true # on\n[plugins.\'io.containerd.cri.v1.images\'.pinned_images]\nsandbox = \'registry.k8s.io/pause:3.10\'\nx = { a = 1, b.c = "d" }\ns = """\nmulti\nline"""\nn = 1_000\n',
    );
    expect(doc.errors).toEqual([]);
    expect(tomlGet(doc, ['disabled_plugins'])).toMatchObject({ value: ['cri'], line: 2 });
    expect(tomlGet(doc, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'])).toMatchObject({ value: true, line: 6 });
    expect(tomlGet(doc, ['plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox'])!.value).toBe('registry.k8s.io/pause:3.10');
    const t = ['plugins', 'io.containerd.cri.v1.images', 'pinned_images'];
    expect(tomlGet(doc, [...t, 'x'])!.value).toEqual({ a: 1, b: { c: 'd' } });
    expect(tomlGet(doc, [...t, 's'])!.value).toBe('multi\nline');
    expect(tomlGet(doc, [...t, 'n'])).toMatchObject({ value: 1000, line: 13 });
  });
  it('records bad lines and keeps reading', () => {
    const doc = parseToml('a = 1\nb = = 2\n[broken\nc = "x"\nd = "unterminated\ne = true\n');
    expect(doc.errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(tomlGet(doc, ['c'])!.value).toBe('x');
    expect(tomlGet(doc, ['e'])!.value).toBe(true);
  });
});

describe('runtime configs', () => {
  it('containerd v2: SystemdCgroup, CRI disabled, sandbox image, CNI dirs', () => {
    const root = tree({
      'etc/containerd/config.toml':
        'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/etc/k8s/cni"\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n',
    });
    const c = readContainerd(root, '/etc/containerd/config.toml', noop)!;
    expect(c.version).toBe(2);
    expect(c.systemdCgroup).toMatchObject({ value: false, default: false });
    expect(c.systemdCgroup.cite).toMatchObject({ source: 'etc/containerd/config.toml', line: 8 });
    expect(c.criDisabled!.value).toEqual(['io.containerd.grpc.v1.cri']);
    expect(c.sandboxImage!.value).toBe('registry.k8s.io/pause:3.9');
    expect(c.cniConfDir.value).toBe('/etc/k8s/cni');
    expect(c.cniBinDirs).toMatchObject({ value: ['/opt/cni/bin'], default: true });
  });
  it('containerd 2.x (version 3) with imports; the Docker-packaged config (v1) disables CRI', () => {
    const root = tree({
      'etc/containerd/config.toml': "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n",
      'etc/containerd/conf.d/10-systemd.toml': "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\nSystemdCgroup = true\n[plugins.'io.containerd.cri.v1.runtime'.cni]\nbin_dirs = ['/opt/cni/bin', '/usr/libexec/cni']\n",
    });
    const c = readContainerd(root, '/etc/containerd/config.toml', noop)!;
    expect(c.version).toBe(3);
    expect(c.files).toHaveLength(2);
    expect(c.systemdCgroup.value).toBe(true);
    expect(c.cniBinDirs.value).toEqual(['/opt/cni/bin', '/usr/libexec/cni']);
    const d = readContainerd(tree({ 'etc/containerd/config.toml': '#   Copyright The containerd Authors.\ndisabled_plugins = ["cri"]\n' }), '/etc/containerd/config.toml', noop)!;
    expect(d.criDisabled!.value).toEqual(['cri']);
    expect(d.systemdCgroup).toMatchObject({ value: false, default: true });
  });
  it('containerd imports as containerd resolves them: Go glob order, relative to the importing file, nested, each once', () => {
    const rt = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\nSystemdCgroup = ";
    const root = tree({
      'etc/containerd/config.toml': "version = 3\nimports = ['conf.d/[0-9]*.toml', 'extra.toml']\n",
      // Go's byte order: 10 before 9, and '.bak' is not '*.toml'; a name not starting with a digit is left out
      'etc/containerd/conf.d/10-off.toml': `${rt}false\n`,
      'etc/containerd/conf.d/9-on.toml': `imports = ['../nested/*.toml', '/etc/containerd/config.toml']\n${rt}true\n`,
      'etc/containerd/conf.d/9-on.toml.bak': `${rt}false\n`,
      'etc/containerd/conf.d/z-off.toml': `${rt}false\n`,
      'etc/containerd/extra.toml': "[plugins.'io.containerd.cri.v1.runtime'.cni]\nconf_dir = '/etc/cni/extra'\n",
      'etc/containerd/nested/a.toml': "[plugins.'io.containerd.cri.v1.runtime'.cni]\nconf_dir = '/etc/cni/nested'\n",
    });
    const c = readContainerd(root, '/etc/containerd/config.toml', noop)!;
    expect(c.problems).toEqual([]);
    expect(c.files).toEqual(['etc/containerd/config.toml', 'etc/containerd/conf.d/10-off.toml', 'etc/containerd/conf.d/9-on.toml', 'etc/containerd/extra.toml', 'etc/containerd/nested/a.toml']);
    expect(c.systemdCgroup).toMatchObject({ value: true, cite: { source: 'etc/containerd/conf.d/9-on.toml', line: 3 } });
    // breadth first, as containerd's LoadConfig: the nested import (read last) wins over extra.toml
    expect(c.cniConfDir).toMatchObject({ value: '/etc/cni/nested', cite: { source: 'etc/containerd/nested/a.toml' } });
  });
  it('containerd refuses to start on a malformed glob or a missing import: a problem at the imports line', () => {
    // (imports are resolved before any is read: the malformed pattern is what containerd reports)
    const root = tree({ 'etc/containerd/config.toml': "version = 2\n\nimports = ['/etc/containerd/none.toml', '/etc/containerd/conf.d/[*.toml', '/etc/containerd/empty.d/*.toml']\n" });
    const c = readContainerd(root, '/etc/containerd/config.toml', noop)!;
    expect(c.problems).toEqual([
      { file: 'etc/containerd/config.toml', line: 3, message: 'imports entry "/etc/containerd/conf.d/[*.toml" is not a valid glob (syntax error in pattern): containerd refuses to start' },
      { file: 'etc/containerd/config.toml', line: 3, message: expect.stringMatching(/imports \/etc\/containerd\/none\.toml, which cannot be read \(.*\): containerd refuses to start/) },
    ]);
    // a glob matching nothing is fine (Go returns no paths, and containerd loads none)
    expect(c.files).toEqual(['etc/containerd/config.toml']);
    const long = readContainerd(tree({ 'etc/containerd/config.toml': `imports = ['/${'a/'.repeat(3000)}*.toml']\n` }), '/etc/containerd/config.toml', noop)!;
    expect(long.problems[0]!.message).toMatch(/longer than PATH_MAX/);
  });
  it('CRI-O drop-ins override crio.conf; Docker exec-opts; broken daemon.json', () => {
    const root = tree({
      'etc/crio/crio.conf': '[crio.runtime]\ncgroup_manager = "systemd"\n[crio.network]\nnetwork_dir = "/etc/cni/net.d/"\n',
      'etc/crio/crio.conf.d/02-cgroup.conf': '[crio.runtime]\ncgroup_manager = "cgroupfs"\n',
      'etc/docker/daemon.json': '{\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}\n',
    });
    const c = readCrio(root, noop)!;
    expect(c.cgroupManager.value).toBe('cgroupfs');
    expect(c.cgroupManager.cite.source).toBe('etc/crio/crio.conf.d/02-cgroup.conf');
    expect(c.pluginDirs).toMatchObject({ value: ['/opt/cni/bin/'], default: true });
    expect(readDocker(root, false, noop)!.cgroupDriver).toMatchObject({ value: 'systemd', cite: { line: 2 } });
    const bad = readDocker(tree({ 'etc/docker/daemon.json': '{\n  "exec-opts": [\n}\n' }), true, noop)!;
    expect(bad.problems[0]).toMatchObject({ line: 3, message: "invalid JSON at column 1: unexpected '}'" });
    expect(bad.cgroupDriver).toMatchObject({ value: 'systemd', default: true });
    // the element that sets the driver is cited, not the first line that mentions it (the last one wins)
    const two = '{\n  "_comment": "native.cgroupdriver=systemd was the old one",\n  "exec-opts": [\n    "native.cgroupdriver=systemd",\n    "native.cgroupdriver=cgroupfs"\n  ]\n}\n';
    expect(readDocker(tree({ 'etc/docker/daemon.json': two }), false, noop)!.cgroupDriver).toMatchObject({ value: 'cgroupfs', cite: { line: 5, text: '"native.cgroupdriver=cgroupfs"' } });
    // Docker refuses comments in daemon.json: so does the reader, at the comment's line
    const commented = readDocker(tree({ 'etc/docker/daemon.json': '{\n  // systemd\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}\n' }), false, noop)!;
    expect(commented.problems[0]).toMatchObject({ line: 2 });
  });
  it('endpoints', () => {
    expect(parseEndpoint('unix:///run/containerd/containerd.sock')).toEqual({ scheme: 'unix', path: '/run/containerd/containerd.sock' });
    expect(parseEndpoint('/var/run/crio/crio.sock')).toEqual({ scheme: 'unix', path: '/var/run/crio/crio.sock' });
    expect(parseEndpoint('npipe:////./pipe/containerd-containerd').scheme).toBe('npipe');
    expect(endpointKind('unix:///var/run/cri-dockerd.sock')).toBe('cri-dockerd');
    expect(endpointKind('unix:///run/k3s/containerd/containerd.sock')).toBe('containerd');
  });
});

describe('runtime collector on node trees', () => {
  it('endpoint socket missing, other sockets as hints', async () => {
    const ev = ((await collect('runtime', join(NODES, 'runtime-socket-missing'))) as { value: RuntimeEvidence }).value;
    expect(ev.kind).toBe('cri-dockerd');
    expect(ev.endpoint).toMatchObject({ value: 'unix:///var/run/cri-dockerd.sock', configured: true, present: false });
    expect(ev.endpoint.otherSockets).toContain('/run/containerd/containerd.sock');
  });
  it('driver mismatch evidence: kubelet systemd, containerd cgroupfs', async () => {
    const ev = ((await collect('runtime', join(NODES, 'runtime-driver-mismatch'))) as { value: RuntimeEvidence }).value;
    expect(ev.settings.cgroupDriver).toBe('systemd');
    expect(ev.driver).toMatchObject({ runtime: 'containerd', value: 'cgroupfs', default: false });
    expect(ev.endpoint.present).toBe(true); // /var/run -> ../run, an empty placeholder file marks the socket
  });
  it('dockershim: Docker\'s socket is what must exist; CRI-O driver from crio.conf', async () => {
    const d = ((await collect('runtime', join(NODES, 'healthy-cgroupv1-centos7'))) as { value: RuntimeEvidence }).value;
    expect(d.kind).toBe('docker');
    expect(d.endpoint).toMatchObject({ present: true, foundAt: '/var/run/docker.sock' });
    expect(d.driver!.value).toBe('systemd');
    const c = ((await collect('runtime', join(NODES, 'cgroup-kube-slice-missing'))) as { value: RuntimeEvidence }).value;
    expect(c.kind).toBe('crio');
    expect(c.driver).toMatchObject({ value: 'systemd', default: false });
  });
  it('a tree without /run says socket presence is unknown', async () => {
    const ev = ((await collect('runtime', tree({ 'etc/hostname': 'x\n' }))) as { value: RuntimeEvidence }).value;
    expect(ev.endpoint.present).toBeUndefined();
    expect(ev.endpoint.reason).toMatch(/no \/run/);
    expect(ev.settings.from).toBe('defaults');
  });
});

describe('CNI', () => {
  it('reports JSON syntax errors at file:line and missing keys', () => {
    expect(parseJsonAt('{\n  "a": 1,\n}\n')).toMatchObject({ ok: false, line: 3 });
    expect(parseJsonAt('{"a": tru}')).toMatchObject({ ok: false, line: 1, column: 7 });
    const f = checkCniFile('etc/cni/net.d/10-x.conflist', '{\n  "cniVersion": "1.0.0",\n  "name": "x",\n  "plugins": [\n    {"type": "bridge",}\n  ]\n}\n');
    expect(f.valid).toBe(false);
    expect(f.syntax!.line).toBe(5);
    expect(f.cite).toMatchObject({ source: 'etc/cni/net.d/10-x.conflist', line: 5 });
    expect(checkCniFile('a.conf', '{"name": "n", "type": "bridge"}').problems).toEqual(['no "cniVersion"']);
    expect(checkCniFile('a.conflist', '{"cniVersion": "0.4.0", "name": "n", "plugins": [{"type": "bridge"}, {}]}').problems).toEqual(['plugins[1] has no "type"']);
    // the plugin without a type is cited at its own line
    expect(checkCniFile('a.conflist', '{\n  "cniVersion": "0.4.0",\n  "name": "n",\n  "plugins": [\n    {"type": "bridge"},\n    {"ipam": {}}\n  ]\n}\n').cite).toMatchObject({ line: 6, text: '{"ipam": {}}', note: 'plugins[1] has no "type"' });
    expect(checkCniFile('a.conf', '{\n  "name": "n",\n  "cniVersion": 1.0,\n  "type": "bridge"\n}').cite).toMatchObject({ line: 3, note: '"cniVersion" is not a string' });
    expect(checkCniFile('a.conf', '{\n  "name": "n",\n  "type": "bridge",\n  "cniVersion": "1.0.0"\n}').cite).toMatchObject({ line: 4, text: '"cniVersion": "1.0.0"' });
    expect(checkCniFile('a.conf', '{"cniVersion": "0.4.0", "name": "n", "type": "bridge"}')).toMatchObject({ valid: true, types: ['bridge'] });
  });
  it('collector: empty dir, invalid conflist, missing binary, healthy', async () => {
    const empty = ((await collect('cni', join(NODES, 'cni-conf-dir-empty'))) as { value: CniEvidence }).value;
    expect(empty).toMatchObject({ runtime: 'containerd', confDirExists: true, files: [], otherEntries: [] });
    expect(empty.confDir).toMatchObject({ paths: ['/etc/cni/net.d'], from: 'containerd' });
    const bad = ((await collect('cni', join(NODES, 'cni-conflist-invalid'))) as { value: CniEvidence }).value;
    expect(bad.files[0]).toMatchObject({ name: '10-flannel.conflist', valid: false, syntax: { line: 18 } });
    expect(bad.selected).toBeUndefined();
    const miss = ((await collect('cni', join(NODES, 'cni-plugin-missing'))) as { value: CniEvidence }).value;
    expect(miss.plugins.filter((p) => !p.found).map((p) => p.type)).toEqual(['calico']);
    expect(miss.otherEntries).toEqual(['calico-kubeconfig']);
    const ok = ((await collect('cni', join(NODES, 'healthy-cgroupv2-ubuntu'))) as { value: CniEvidence }).value;
    expect(ok.selected).toBe('etc/cni/net.d/10-flannel.conflist');
    expect(ok.plugins.every((p) => p.found)).toBe(true);
    const crio = ((await collect('cni', join(NODES, 'cgroup-kube-slice-missing'))) as { value: CniEvidence }).value;
    expect(crio.confDir).toMatchObject({ paths: ['/etc/cni/net.d'], from: 'crio' });
    expect(crio.selected).toBe('etc/cni/net.d/100-crio-bridge.conf');
  });
  it('collector: conf dir missing, and no runtime config at all', async () => {
    // nothing of a node: missing evidence, not a node without CNI
    const none = await collect('cni', tree({ 'etc/hostname': 'x\n', 'run/.keep': '' }));
    expect(none.ok).toBe(false);
    expect((none as { reason: string }).reason).toMatch(/etc\/cni\/net\.d does not exist, and nothing of a node is there/);
    // a kubelet unit makes it a node: the missing dir is evidence
    const ev = ((await collect('cni', tree({ 'etc/hostname': 'x\n', 'run/.keep': '', 'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet\n' }))) as { value: CniEvidence }).value;
    expect(ev.confDirExists).toBe(false);
    expect(ev.confDir.from).toBe('default');
    expect(ev.confDirCite.kind).toBe('absent');
  });
});
