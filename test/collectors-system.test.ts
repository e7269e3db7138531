// system collector: swap, sysctls, br_netfilter, SELinux, resolv.conf, static pod path, hostname —
// on the node-tree fixtures and on broken input.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../src/collectors/index.js';
import { parseCmdline, parseMeminfo, parseSelinuxConfig, parseSwaps } from '../src/collectors/proc-parse.js';
import type { SystemEvidence } from '../src/collectors/system.js';
import { ROOT, scratchDir } from './helpers.js';

const NODES = join(ROOT, 'fixtures/nodes');
async function system(root: string) {
  const { evidence } = await collectEvidence(['system'], { root, live: false, now: new Date('2026-01-01T00:00:00Z'), useApi: false });
  return evidence.get('system')!;
}
const value = (a: { ok: boolean }) => (a as { value: SystemEvidence }).value;

describe('proc parsers', () => {
  it('reads /proc/swaps (header, devices, garbage)', () => {
    const s = parseSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/zram0                              partition\t4194300\t\t0\t\t100\nbroken line\n');
    expect(s.header).toBe(true);
    expect(s.devices).toMatchObject([{ filename: '/dev/zram0', type: 'partition', sizeKiB: 4194300, priority: 100, line: 2 }]);
    expect(s.bad).toEqual([3]);
    expect(parseSwaps('Filename\tType\tSize\tUsed\tPriority\n').devices).toEqual([]);
  });
  it('reads meminfo, kernel cmdline and SELinux config', () => {
    expect(parseMeminfo('MemTotal: 100 kB\nSwapTotal:       2097148 kB\n').SwapTotal).toMatchObject({ value: 2097148, line: 2 });
    expect(parseCmdline('ro quiet systemd.unified_cgroup_hierarchy=0 cgroup_enable="memory"')).toMatchObject({ ro: '', 'systemd.unified_cgroup_hierarchy': '0', cgroup_enable: 'memory' });
    expect(parseSelinuxConfig('# c\nSELINUX=enforcing\nSELINUXTYPE=targeted\n')).toMatchObject({ mode: 'enforcing', line: 2 });
  });
});

describe('system collector on node trees', () => {
  it('swap on: /proc/swaps device, SwapTotal, failSwapOn default', async () => {
    const ev = value(await system(join(NODES, 'swap-on')));
    expect(ev.swap.on).toBe(true);
    expect(ev.swap.devices[0]!.filename).toBe('/swap.img');
    expect(ev.swap.swapTotalKiB).toBe(2097148);
    expect(ev.swap.failSwapOn).toBe(true);
    expect(ev.swap.failSwapOnCite.text).toMatch(/not set/);
    expect(ev.staticPodPath).toMatchObject({ path: '/etc/kubernetes/manifests', exists: false, controlPlaneExpected: false });
  });

  it('healthy v2: sysctls at 1, br_netfilter loaded, resolv.conf from systemd-resolved, no SELinux', async () => {
    const ev = value(await system(join(NODES, 'healthy-cgroupv2-ubuntu')));
    expect(ev.swap.on).toBe(false);
    expect(ev.sysctls['net.bridge.bridge-nf-call-iptables'].value).toBe('1');
    expect(ev.sysctls['net.ipv4.ip_forward'].value).toBe('1');
    expect(ev.brNetfilter).toMatchObject({ loaded: true, how: '/proc/modules' });
    expect(ev.resolvConf).toMatchObject({ path: '/run/systemd/resolve/resolv.conf', configured: true, exists: true, etcTarget: '../run/systemd/resolve/stub-resolv.conf' });
    expect(ev.selinux.mode).toBe('disabled');
    expect(ev.hostname).toMatchObject({ etc: 'node-a', kernel: 'node-a' });
    expect(ev.staticPodPath).toMatchObject({ exists: true, isDir: true });
  });

  it('sysctl and module problems', async () => {
    expect(value(await system(join(NODES, 'sysctl-bridge-nf-off'))).sysctls['net.bridge.bridge-nf-call-iptables'].value).toBe('0');
    expect(value(await system(join(NODES, 'sysctl-ip-forward-off'))).sysctls['net.ipv4.ip_forward'].value).toBe('0');
    const br = value(await system(join(NODES, 'sysctl-br-netfilter-missing')));
    expect(br.brNetfilter.loaded).toBe(false);
    expect(br.sysctls['net.bridge.bridge-nf-call-iptables']).toMatchObject({ exists: false });
  });

  it('SELinux enforcing on CentOS 7 (runtime and config)', async () => {
    const ev = value(await system(join(NODES, 'cgroup-centos7-not-unified')));
    expect(ev.selinux.mode).toBe('enforcing');
    expect(ev.selinux.config!.cite.line).toBe(2);
  });

  it('resolvConf pointing at a stopped systemd-resolved', async () => {
    const ev = value(await system(join(NODES, 'runtime-resolv-conf-missing')));
    expect(ev.resolvConf).toMatchObject({ path: '/run/systemd/resolve/resolv.conf', exists: false });
    expect(ev.resolvConf.resolved).toEqual({ upstream: false, stub: false });
  });
});

describe('system collector on bad input', () => {
  it('no /proc: unavailable with a reason', async () => {
    const a = await system(scratchDir());
    expect(a.ok).toBe(false);
    expect((a as { reason: string }).reason).toMatch(/proc/);
  });

  it('garbage sysctl and swaps files are named, not thrown', async () => {
    const root = scratchDir();
    mkdirSync(join(root, 'proc/sys/net/ipv4'), { recursive: true });
    writeFileSync(join(root, 'proc/sys/net/ipv4/ip_forward'), 'yes please\n');
    writeFileSync(join(root, 'proc/swaps'), 'Filename Type Size Used Priority\n/dev/sda2 partition x y z\n');
    writeFileSync(join(root, 'proc/modules'), '');
    const ev = value(await system(root));
    expect(ev.sysctls['net.ipv4.ip_forward'].value).toBeUndefined();
    expect(ev.problems.join('\n')).toMatch(/ip_forward: not a sysctl value/);
    expect(ev.problems.join('\n')).toMatch(/proc\/swaps: unparseable lines 2/);
    expect(ev.swap.on).toBeUndefined();
    expect(ev.brNetfilter.loaded).toBe(false);
    expect(ev.settings.from).toBe('defaults');
  });
});
