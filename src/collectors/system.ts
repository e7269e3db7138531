// Collector for the `system` evidence kind: swap (proc/swaps, proc/meminfo), the sysctls and the
// module kubeadm's preflight checks (bridge-nf-call-iptables, ip_forward, br_netfilter), SELinux,
// the resolv.conf and static pod path the kubelet is configured with, hostname, kernel cmdline.

import type { Availability } from '../evidence.js';
import type { Citation } from '../types.js';
import type { CollectContext } from './index.js';
import { display, linkTarget, listDir, looksBinary, probe, readText } from './proc-fs.js';
import { kubeletSettings } from './kubelet-settings.js';
import { parseCmdline, parseMeminfo, parseModules, parseSelinuxConfig, parseSwaps, parseSysctlValue, type SwapDevice } from './proc-parse.js';

export interface SysctlValue {
  key: string;
  path: string;
  /** The value, when the file exists and holds one. */
  value?: string;
  exists: boolean;
  /** The file is not there (the kernel has no such sysctl, or it was not captured); false when unreadable. */
  absent: boolean;
  reason?: string;
  cite: Citation;
}

/** Whether a node path exists (probed, never read), for the YAML rules that ask (CollectOptions.wants). */
export interface FilePresence {
  path: string;
  exists: boolean;
  /** What is there: file, dir, socket, …, when it exists. */
  type?: string;
  /** Why it could not be told (permission, a link leaving the root): the rule is skipped with it. */
  reason?: string;
  cite: Citation;
}

export interface SystemEvidence {
  settings: { from: 'kubeletConfig' | 'defaults'; note?: string; /** Set when the KubeletConfiguration does not parse (the reason). */ unknown?: string };
  swap: {
    /** Whether /proc/swaps could be read; otherwise `reason`. */
    readable: boolean;
    reason?: string;
    devices: SwapDevice[];
    /** Active swap devices exist (undefined when it cannot be told). */
    on?: boolean;
    swapTotalKiB?: number;
    citations: Citation[];
    failSwapOn: boolean;
    failSwapOnCite: Citation;
  };
  /** The two kubeadm preflight checks, and any other sysctl a loaded rule asks for (by name). */
  sysctls: Record<'net.bridge.bridge-nf-call-iptables' | 'net.ipv4.ip_forward', SysctlValue> & Partial<Record<string, SysctlValue>>;
  /** Presence of the node paths loaded rules ask for (CollectOptions.wants.files), by node path. */
  files: Record<string, FilePresence>;
  brNetfilter: { loaded?: boolean; how?: string; cite?: Citation; reason?: string };
  selinux: {
    mode?: 'enforcing' | 'permissive' | 'disabled';
    /** sys/fs/selinux/enforce (the running mode). */
    runtime?: { value: string; cite: Citation };
    /** etc/selinux/config SELINUX= (the boot mode). */
    config?: { mode: string; cite: Citation };
    reason?: string;
  };
  resolvConf: {
    path: string;
    /** Set in the kubelet configuration (vs the default /etc/resolv.conf). */
    configured: boolean;
    exists: boolean;
    reason?: string;
    cite: Citation;
    /** When /etc/resolv.conf is a symlink: its target. */
    etcTarget?: string;
    /** systemd-resolved files present now. */
    resolved: { upstream: boolean; stub: boolean };
  };
  staticPodPath: {
    path?: string;
    configured: boolean;
    exists?: boolean;
    isDir?: boolean;
    manifests?: string[];
    reason?: string;
    cite: Citation;
    /** kubeadm control-plane files exist, so static pods are expected here. */
    controlPlaneExpected: boolean;
    controlPlaneCites: Citation[];
  };
  hostname: { etc?: string; kernel?: string; citations: Citation[] };
  kernelCmdline?: { text: string; params: Record<string, string> };
  problems: string[];
}

const SYSCTLS = {
  'net.bridge.bridge-nf-call-iptables': '/proc/sys/net/bridge/bridge-nf-call-iptables',
  'net.ipv4.ip_forward': '/proc/sys/net/ipv4/ip_forward',
} as const;

/** The file of a sysctl under /proc/sys (`net.ipv4.ip_forward` → `/proc/sys/net/ipv4/ip_forward`). */
export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

const CONTROL_PLANE_FILES = ['/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/apiserver.crt'];

export async function collect(ctx: CollectContext): Promise<Availability<SystemEvidence>> {
  const root = ctx.opts.root;
  const problems: string[] = [];
  const settings = await kubeletSettings(ctx);
  const read = (p: string) => {
    const r = readText(root, p);
    if (r.ok && looksBinary(r.text)) {
      problems.push(`${r.path}: binary data, ignored`);
      return { ok: false as const, path: r.path, code: 'EBINARY', reason: `${r.path} holds binary data` };
    }
    if (r.ok) ctx.source({ name: r.path, kind: 'file', lines: r.text.split('\n').length, problems: [] });
    return r;
  };

  // proc itself must be there, or nothing here means anything
  const procDir = probe(root, '/proc');
  if (!procDir.ok || procDir.type !== 'dir') return { ok: false, reason: `system: ${procDir.ok ? '/proc is not a directory' : procDir.reason}` };

  // swap
  const swapsR = read('/proc/swaps');
  const swap: SystemEvidence['swap'] = {
    readable: swapsR.ok,
    reason: swapsR.ok ? undefined : swapsR.reason,
    devices: [],
    citations: [],
    failSwapOn: settings.failSwapOn,
    failSwapOnCite: settings.cites.failSwapOn!,
  };
  if (swapsR.ok) {
    const s = parseSwaps(swapsR.text);
    swap.devices = s.devices;
    if (s.bad.length) problems.push(`${swapsR.path}: unparseable lines ${s.bad.join(', ')}`);
    swap.on = s.devices.length > 0 || (s.bad.length > 0 ? undefined : false);
    for (const d of s.devices) swap.citations.push({ kind: 'file', source: swapsR.path, line: d.line, text: d.text, note: `active ${d.type} swap, ${d.sizeKiB} KiB` });
  }
  const memR = read('/proc/meminfo');
  if (memR.ok) {
    const mi = parseMeminfo(memR.text);
    if (mi.SwapTotal) {
      swap.swapTotalKiB = mi.SwapTotal.value;
      if (mi.SwapTotal.value > 0) swap.citations.push({ kind: 'file', source: memR.path, line: mi.SwapTotal.line, text: mi.SwapTotal.text });
      if (swap.on === undefined && !swapsR.ok) swap.on = mi.SwapTotal.value > 0;
    }
  }

  // sysctls
  const sysctls = {} as SystemEvidence['sysctls'];
  const wantedSysctls = (ctx.opts.wants?.sysctls ?? []).filter((k) => !(k in SYSCTLS)).map((k) => [k, sysctlPath(k)] as const);
  for (const [key, path] of [...Object.entries(SYSCTLS), ...wantedSysctls] as [keyof typeof SYSCTLS, string][]) {
    const r = read(path);
    const absent = !r.ok && (r.code === 'ENOENT' || r.code === 'ENOTDIR');
    const value = r.ok ? parseSysctlValue(r.text) : undefined;
    if (r.ok && value === undefined) problems.push(`${path}: not a sysctl value (${JSON.stringify(r.text.slice(0, 40))})`);
    sysctls[key] = {
      key,
      path,
      value,
      exists: r.ok,
      absent,
      reason: r.ok ? (value === undefined ? `${path} holds no value` : undefined) : r.reason,
      cite: r.ok
        ? { kind: 'file', source: r.path, line: 1, text: r.text.trim().slice(0, 200), field: key, value }
        : { kind: 'absent', source: display(root, path), text: absent ? `${path} does not exist` : r.reason, field: key },
    };
  }

  // br_netfilter: listed in proc/modules, present in sys/module (also when built in), or its sysctls exist
  const brNetfilter: SystemEvidence['brNetfilter'] = {};
  const modR = read('/proc/modules');
  const mods = modR.ok ? parseModules(modR.text) : {};
  if (mods.br_netfilter) {
    brNetfilter.loaded = true;
    brNetfilter.how = '/proc/modules';
    brNetfilter.cite = { kind: 'file', source: modR.path, line: mods.br_netfilter.line, text: mods.br_netfilter.text };
  } else if ((() => {
    const p = probe(root, '/sys/module/br_netfilter');
    return p.ok && p.type === 'dir';
  })()) {
    brNetfilter.loaded = true;
    brNetfilter.how = '/sys/module/br_netfilter';
  } else if (sysctls['net.bridge.bridge-nf-call-iptables'].exists) {
    brNetfilter.loaded = true;
    brNetfilter.how = 'bridge-nf-call-iptables exists (br_netfilter is active)';
  } else if (modR.ok) {
    brNetfilter.loaded = false;
    brNetfilter.cite = { kind: 'absent', source: modR.path, text: 'br_netfilter is not in /proc/modules', note: '/sys/module/br_netfilter and /proc/sys/net/bridge are absent too' };
  } else brNetfilter.reason = modR.reason;

  // SELinux
  const selinux: SystemEvidence['selinux'] = {};
  const enf = read('/sys/fs/selinux/enforce');
  if (enf.ok) {
    const v = enf.text.trim();
    selinux.runtime = { value: v, cite: { kind: 'file', source: enf.path, line: 1, text: v, note: v === '1' ? 'enforcing' : 'permissive' } };
    selinux.mode = v === '1' ? 'enforcing' : 'permissive';
  }
  const cfg = read('/etc/selinux/config');
  if (cfg.ok) {
    const c = parseSelinuxConfig(cfg.text);
    if (c.mode) selinux.config = { mode: c.mode, cite: { kind: 'file', source: cfg.path, line: c.line, text: c.text! } };
  }
  if (!selinux.mode) {
    if (selinux.config && (enf.ok || !ctx.opts.live)) {
      // a captured tree rarely holds selinuxfs: the boot-time mode from the config is the best guess
      selinux.mode = selinux.config.mode === 'enforcing' ? 'enforcing' : selinux.config.mode === 'permissive' ? 'permissive' : 'disabled';
    } else if (selinux.config?.mode === 'disabled' || !selinux.config) selinux.mode = 'disabled';
    else selinux.reason = 'SELinux is configured but /sys/fs/selinux is not mounted (disabled at boot)';
  }

  // resolv.conf
  const rcPath = settings.resolvConf;
  const rcProbe = probe(root, rcPath);
  const etcLink = linkTarget(root, '/etc/resolv.conf');
  const stub = probe(root, '/run/systemd/resolve/stub-resolv.conf');
  const upstream = probe(root, '/run/systemd/resolve/resolv.conf');
  const resolvConf: SystemEvidence['resolvConf'] = {
    path: rcPath,
    configured: !!settings.set.resolvConf,
    exists: rcProbe.ok && rcProbe.type !== 'dir',
    reason: rcProbe.ok ? (rcProbe.type === 'dir' ? `${rcPath} is a directory` : undefined) : rcProbe.reason,
    cite: settings.cites.resolvConf!,
    etcTarget: etcLink,
    resolved: { upstream: upstream.ok, stub: stub.ok },
  };

  // static pod path
  const sp = settings.staticPodPath;
  const cpCites: Citation[] = [];
  for (const f of CONTROL_PLANE_FILES) {
    const p = probe(root, f);
    if (p.ok && p.type === 'file') cpCites.push({ kind: 'file', source: display(root, f), text: `${f} exists (kubeadm control-plane node)` });
  }
  const staticPodPath: SystemEvidence['staticPodPath'] = {
    path: sp,
    configured: !!sp,
    cite: settings.cites.staticPodPath!,
    controlPlaneExpected: cpCites.length > 0,
    controlPlaneCites: cpCites,
  };
  if (sp) {
    const p = probe(root, sp);
    staticPodPath.exists = p.ok;
    staticPodPath.isDir = p.ok && p.type === 'dir';
    if (!p.ok) staticPodPath.reason = p.reason;
    if (p.ok && p.type === 'dir') {
      const l = listDir(root, sp);
      if (l.ok) staticPodPath.manifests = l.entries.filter((e) => !e.startsWith('.'));
    }
  }

  // hostname and kernel command line
  const hostname: SystemEvidence['hostname'] = { citations: [] };
  const hn = read('/etc/hostname');
  if (hn.ok) {
    const v = hn.text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
    if (v) {
      hostname.etc = v;
      hostname.citations.push({ kind: 'file', source: hn.path, text: v });
    }
  }
  const kh = read('/proc/sys/kernel/hostname');
  if (kh.ok && kh.text.trim()) {
    hostname.kernel = kh.text.trim();
    hostname.citations.push({ kind: 'file', source: kh.path, line: 1, text: hostname.kernel });
  }
  const cl = read('/proc/cmdline');
  const kernelCmdline = cl.ok ? { text: cl.text.trim(), params: parseCmdline(cl.text) } : undefined;

  // the node paths rules ask about: whether they exist, nothing more (their content is never read for it)
  const files: SystemEvidence['files'] = {};
  for (const path of ctx.opts.wants?.files ?? []) {
    const r = probe(root, path);
    const shown = display(root, path);
    const absent = !r.ok && (r.code === 'ENOENT' || r.code === 'ENOTDIR');
    files[path] = r.ok
      ? { path, exists: true, type: r.type, cite: { kind: 'file', source: shown, text: `${path} exists (${r.type})` } }
      : { path, exists: false, ...(absent ? {} : { reason: r.reason }), cite: { kind: 'absent', source: shown, text: absent ? `${path} does not exist` : r.reason } };
  }

  const ev: SystemEvidence = {
    settings: { from: settings.from, note: settings.note, ...(settings.unknown ? { unknown: settings.unknown } : {}) },
    swap,
    sysctls,
    files,
    brNetfilter,
    selinux,
    resolvConf,
    staticPodPath,
    hostname,
    kernelCmdline,
    problems,
  };
  return { ok: true, value: ev };
}
