// cgroups collector: version detection, v1/v2 parsing, /proc/<pid>/cgroup, reserved cgroup paths
// (systemd name translation), memory usage vs reservation, and bad input that must never throw.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupFsPath, cgroupVersion, parseMounts, parsePidCgroup, parseQuantity, v1Mounts } from '../src/collectors/cgroup-parse.js';
import type { CgroupsEvidence } from '../src/collectors/cgroups.js';
import { collectEvidence } from '../src/collectors/index.js';
import { findKubelet, findProcesses, splitCmdline } from '../src/collectors/proc-kubelet.js';
import { readText, resolveInRoot } from '../src/collectors/proc-fs.js';
import { ROOT, scratchDir } from './helpers.js';

const NODES = join(ROOT, 'fixtures/nodes');
const opts = (root: string) => ({ root, live: false, now: new Date('2026-01-01T00:00:00Z'), useApi: false });
async function cgroups(root: string) {
  const { evidence } = await collectEvidence(['cgroups'], opts(root));
  return evidence.get('cgroups')!;
}

describe('cgroup parsing', () => {
  it('tells v1, hybrid and v2 apart from the /sys/fs/cgroup mount line', () => {
    const v1 = parseMounts('tmpfs /sys/fs/cgroup tmpfs ro 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n');
    expect(cgroupVersion(v1.entries).version).toBe('v1');
    const hy = parseMounts('tmpfs /sys/fs/cgroup tmpfs ro 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\ncgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0\n');
    expect(cgroupVersion(hy.entries).version).toBe('hybrid');
    const v2 = parseMounts('cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n');
    expect(cgroupVersion(v2.entries).version).toBe('v2');
    expect(cgroupVersion(parseMounts('proc /proc proc rw 0 0\n').entries).version).toBe('unknown');
  });

  it('maps joined and named hierarchies (cpu,cpuacct; name=systemd), shortest mount point wins', () => {
    const m = v1Mounts(
      parseMounts(
        'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpuacct,cpu 0 0\ncgroup /sys/fs/cgroup/systemd cgroup rw,xattr,name=systemd 0 0\ncgroup /host/sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n',
      ).entries,
    );
    expect(m.cpu!.mount).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(m.cpuacct!.mount).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(m.systemd!.mount).toBe('/sys/fs/cgroup/systemd');
    expect(m.memory!.mount).toBe('/sys/fs/cgroup/memory');
    expect(m.xattr).toBeUndefined();
  });

  it('parses /proc/<pid>/cgroup lines and flags garbage', () => {
    const p = parsePidCgroup('2:cpuacct,cpu:/\n10:memory:/system.slice/kubelet.service\n0::/system.slice/kubelet.service\nnot a line\n');
    expect(p.byController.cpu!.path).toBe('/');
    expect(p.byController.memory!.path).toBe('/system.slice/kubelet.service');
    expect(p.unified!.path).toBe('/system.slice/kubelet.service');
    expect(p.bad).toEqual([4]);
  });

  it('translates names like the kubelet does for each driver', () => {
    expect(cgroupFsPath('/kube.slice', 'systemd')).toBe('/kube.slice');
    expect(cgroupFsPath('kube.slice', 'systemd')).toBe('/kube.slice');
    expect(cgroupFsPath('/system.slice', 'systemd')).toBe('/system.slice');
    expect(cgroupFsPath('kube-reserved.slice', 'systemd')).toBe('/kube.slice/kube-reserved.slice');
    expect(cgroupFsPath('/kube-reserved', 'systemd')).toBe('/kube.slice/kube-reserved.slice');
    expect(cgroupFsPath('/kube-reserved', 'cgroupfs')).toBe('/kube-reserved');
    expect(cgroupFsPath('/', 'systemd')).toBe('/');
  });

  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('300Mi')).toBe(300 * 2 ** 20);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('1e9')).toBe(1e9);
    expect(parseQuantity('100m')).toBe(0.1);
    expect(parseQuantity('lots')).toBeUndefined();
  });
});

describe('kubelet process', () => {
  it('finds the kubelet by argv[0] (NUL-separated or a hand-written cmdline)', () => {
    expect(splitCmdline('/usr/bin/kubelet\0--config=/x\0')).toEqual(['/usr/bin/kubelet', '--config=/x']);
    expect(splitCmdline('/usr/bin/kubelet --config=/x\n')).toEqual(['/usr/bin/kubelet', '--config=/x']);
    const root = scratchDir();
    for (const [pid, cmd] of [['1', '/sbin/init\0'], ['50', '/usr/bin/containerd\0'], ['77', '/usr/local/bin/k3s\0server\0'], ['80', '/usr/bin/kubelet\0--v=2\0']]) {
      mkdirSync(join(root, 'proc', pid!), { recursive: true });
      writeFileSync(join(root, 'proc', pid!, 'cmdline'), cmd!);
    }
    const { procs } = findProcesses(root);
    expect(procs.map((p) => `${p.pid}:${p.name}`)).toEqual(['50:containerd', '77:kubelet', '80:kubelet']);
    expect(findKubelet(root, procs)!.pid).toBe(80);
  });
});

describe('cgroups collector on node trees', () => {
  it('seed 000: kube.slice missing in pids and memory (cgroup v1, systemd driver)', async () => {
    const a = await cgroups(join(NODES, 'cgroup-kube-slice-missing'));
    expect(a.ok).toBe(true);
    const ev = (a as { value: CgroupsEvidence }).value;
    expect(ev.version).toBe('hybrid');
    expect(ev.symlinks).toMatchObject({ cpu: 'cpu,cpuacct', cpuacct: 'cpu,cpuacct' });
    const kube = ev.reserved.find((r) => r.field === 'kubeReservedCgroup')!;
    expect(kube.enforced).toBe(true);
    expect(kube.complete).toBe(false);
    expect(kube.missing.sort()).toEqual(['/sys/fs/cgroup/memory/kube.slice', '/sys/fs/cgroup/pids/kube.slice']);
    expect(kube.present).toContain('/sys/fs/cgroup/cpu,cpuacct/kube.slice');
    const sys = ev.reserved.find((r) => r.field === 'systemReservedCgroup')!;
    expect(sys.complete).toBe(true);
    expect(sys.memory).toMatchObject({ usage: 188743680, reservationText: '300Mi', exceeds: false });
  });

  it('system.slice uses more memory than systemReserved', async () => {
    const ev = ((await cgroups(join(NODES, 'cgroup-system-reserved-busy'))) as { value: CgroupsEvidence }).value;
    const sys = ev.reserved.find((r) => r.field === 'systemReservedCgroup')!;
    expect(sys.memory).toMatchObject({ usage: 449314816, reservation: 300 * 2 ** 20, exceeds: true });
  });

  it('seed 002: the kubelet is in / for cpu but system.slice/kubelet.service for memory', async () => {
    const ev = ((await cgroups(join(NODES, 'cgroup-centos7-not-unified'))) as { value: CgroupsEvidence }).value;
    expect(ev.version).toBe('v1');
    expect(ev.kubelet).toMatchObject({ pid: 92407, unified: false });
    expect(ev.kubelet!.cpu!.path).toBe('/');
    expect(ev.runtimes.find((r) => r.name === 'dockerd')!.unified).toBe(true);
    const healthy = ((await cgroups(join(NODES, 'healthy-cgroupv1-centos7'))) as { value: CgroupsEvidence }).value;
    expect(healthy.kubelet!.unified).toBe(true);
  });

  it('cgroup v2: controllers and the unified kubelet cgroup', async () => {
    const ev = ((await cgroups(join(NODES, 'healthy-cgroupv2-ubuntu'))) as { value: CgroupsEvidence }).value;
    expect(ev.version).toBe('v2');
    expect(ev.v2!.controllers).toContain('memory');
    expect(ev.kubelet).toMatchObject({ pid: 1042, unified: true });
    expect(ev.reserved).toEqual([]);
  });

  it('v2: a reserved cgroup lacking controllers is incomplete', async () => {
    const root = scratchDir();
    mkdirSync(join(root, 'proc'), { recursive: true });
    writeFileSync(join(root, 'proc/mounts'), 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n');
    mkdirSync(join(root, 'sys/fs/cgroup/system.slice'), { recursive: true });
    writeFileSync(join(root, 'sys/fs/cgroup/cgroup.controllers'), 'cpuset cpu io memory pids\n');
    writeFileSync(join(root, 'sys/fs/cgroup/system.slice/cgroup.controllers'), 'cpu memory pids\n');
    writeFileSync(join(root, 'sys/fs/cgroup/system.slice/memory.current'), '104857600\n');
    mkdirSync(join(root, 'var/lib/kubelet'), { recursive: true });
    writeFileSync(join(root, 'var/lib/kubelet/config.yaml'), 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\ncgroupDriver: systemd\nenforceNodeAllocatable: [pods, system-reserved]\nsystemReservedCgroup: system.slice\nsystemReserved:\n  memory: 1Gi\n');
    mkdirSync(join(root, 'proc/10'), { recursive: true });
    writeFileSync(join(root, 'proc/10/cmdline'), '/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0');
    writeFileSync(join(root, 'proc/10/cgroup'), '0::/system.slice/kubelet.service\n');
    const a = await cgroups(root);
    const ev = (a as { value: CgroupsEvidence }).value;
    const sys = ev.reserved.find((r) => r.field === 'systemReservedCgroup')!;
    expect(sys.complete).toBe(false);
    expect(sys.missingControllers).toEqual(['cpuset']);
    expect(sys.memory).toMatchObject({ usage: 104857600, exceeds: false });
  });
});

describe('bad input never throws', () => {
  it('missing proc/mounts: unavailable with a reason naming the file', async () => {
    const a = await cgroups(scratchDir());
    expect(a.ok).toBe(false);
    expect((a as { reason: string }).reason).toMatch(/proc\/mounts/);
  });

  it('garbage proc/mounts: unavailable, named', async () => {
    const root = scratchDir();
    mkdirSync(join(root, 'proc'));
    writeFileSync(join(root, 'proc/mounts'), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 7, 8, 9, 0]));
    const a = await cgroups(root);
    expect(a.ok).toBe(false);
    expect((a as { reason: string }).reason).toMatch(/proc\/mounts/);
  });

  it('unparseable lines and a garbage pid cgroup file are reported as problems', async () => {
    const root = scratchDir();
    mkdirSync(join(root, 'proc/5'), { recursive: true });
    writeFileSync(join(root, 'proc/mounts'), 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n???\n');
    writeFileSync(join(root, 'proc/5/cmdline'), '/usr/bin/kubelet\0');
    writeFileSync(join(root, 'proc/5/cgroup'), 'hello world\n');
    const a = await cgroups(root);
    expect(a.ok).toBe(true);
    const ev = (a as { value: CgroupsEvidence }).value;
    expect(ev.problems.join('\n')).toMatch(/proc\/mounts: unparseable lines 2/);
    expect(ev.problems.join('\n')).toMatch(/proc\/5\/cgroup: unparseable lines 1/);
  });

  it('symlink loops and links out of the tree stay inside the root', () => {
    const root = scratchDir();
    mkdirSync(join(root, 'etc'));
    symlinkSync('b', join(root, 'etc/a'));
    symlinkSync('a', join(root, 'etc/b'));
    const r = readText(root, '/etc/a');
    expect(r.ok).toBe(false);
    expect((r as { reason: string }).reason).toMatch(/symbolic links.*etc\/a|etc\/a.*symbolic links/);
    symlinkSync('/etc/hosts', join(root, 'etc/link'));
    const l = resolveInRoot(root, '/etc/link');
    expect(l.ok).toBe(false); // /etc/hosts of the *tree*, which does not exist — never the host's
    writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
    expect(readText(root, '/etc/link')).toMatchObject({ ok: true, text: '127.0.0.1 localhost\n' });
  });
});
