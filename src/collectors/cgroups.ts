// Collector for the `cgroups` evidence kind: which cgroup version the node runs (from the
// /sys/fs/cgroup line of proc/mounts), the v1 hierarchies and v2 controllers, the cgroups of the
// kubelet and runtime processes, and — for each cgroup the kubelet is configured to use
// (kubeReservedCgroup, systemReservedCgroup, kubeletCgroups, runtimeCgroups) — which controller
// paths exist on disk now, which are missing, and the memory the reserved slices already use.

import type { Availability } from '../evidence.js';
import type { Citation } from '../types.js';
import {
  cgroupFsPath,
  cgroupInternalName,
  cgroupVersion,
  formatBytes,
  parseMounts,
  parsePidCgroup,
  parseProcCgroups,
  parseQuantity,
  v1Mounts,
  type CgroupVersion,
  type PidCgroupLine,
  type PidCgroups,
  type V1Mount,
} from './cgroup-parse.js';
import type { CollectContext } from './index.js';
import { display, linkTarget, listDir, looksBinary, probe, readText } from './proc-fs.js';
import { findKubelet, findProcesses, findRuntimes, type ProcInfo } from './proc-kubelet.js';
import { kubeletSettings } from './kubelet-settings.js';

export interface ProcessCgroups {
  pid: number;
  name: string;
  /** `/proc/<pid>/cgroup`. */
  source: string;
  cgroups?: PidCgroups;
  /** v1: the `cpu` and `memory` lines (for the "hierarchy not unified" check). */
  cpu?: PidCgroupLine;
  memory?: PidCgroupLine;
  /** v1: whether cpu and memory name the same cgroup (undefined when it cannot be told). */
  unified?: boolean;
  /** Why the file could not be used. */
  reason?: string;
}

export type CgroupField = 'kubeReservedCgroup' | 'systemReservedCgroup' | 'kubeletCgroups' | 'runtimeCgroups';

export interface ReservedCgroup {
  field: CgroupField;
  /** The configured name, e.g. `/kube.slice`. */
  name: string;
  /** The path inside each hierarchy after the driver's translation, e.g. `/kube.slice`. */
  path: string;
  /** The kubelet's internal name as its logs print it (`kube`). */
  internal: string;
  /** The enforceNodeAllocatable key that makes the kubelet write limits here, if any. */
  enforcement?: 'kube-reserved' | 'system-reserved';
  enforced: boolean;
  /** Whether the cgroup exists in every hierarchy the kubelet needs. */
  complete: boolean;
  /** v1: controller paths checked / present / missing (node paths). */
  present: string[];
  missing: string[];
  /** Controllers lacking: v1 the hierarchies where the path is missing, v2 missing in cgroup.controllers. */
  missingControllers: string[];
  /** v2: the cgroup.controllers of this cgroup. */
  controllers?: string[];
  memory?: {
    /** Current usage in bytes and the file it came from. */
    usage: number;
    usageFile: string;
    /** The configured reservation (kubeReserved/systemReserved memory). */
    reservation?: number;
    reservationText?: string;
    /** Usage exceeds the reservation: cgroup v1 refuses that limit with EBUSY. */
    exceeds: boolean;
  };
  /** Evidence to cite: absent paths, the config fields, the mount lines. */
  citations: Citation[];
  notes: string[];
}

export interface CgroupsEvidence {
  version: CgroupVersion;
  /** The proc/mounts line that decided the version. */
  versionCite?: Citation;
  /** v1/hybrid: subsystem → hierarchy mount point. */
  v1Mounts?: Record<string, V1Mount>;
  /** v1: symlinks in /sys/fs/cgroup (`cpu -> cpu,cpuacct`). */
  symlinks?: Record<string, string>;
  /** proc/cgroups: controller → enabled. */
  enabled?: Record<string, boolean>;
  /** v2: root cgroup.controllers and cgroup.subtree_control. */
  v2?: { controllers: string[]; subtreeControl: string[] };
  kubelet?: ProcessCgroups;
  /** Why there is no kubelet process evidence. */
  kubeletNote?: string;
  runtimes: ProcessCgroups[];
  /** The settings used (from the kubelet configuration or its defaults). */
  settings: {
    from: 'kubeletConfig' | 'defaults';
    /** Set when the KubeletConfiguration does not parse: the settings are unknown (the reason). */
    unknown?: string;
    note?: string;
    cgroupDriver: string;
    enforceNodeAllocatable: string[];
    kubeReservedCgroup?: string;
    systemReservedCgroup?: string;
    kubeReserved: Record<string, string>;
    systemReserved: Record<string, string>;
    cites: Record<string, Citation>;
  };
  reserved: ReservedCgroup[];
  /** Problems reading the inputs (garbage, unreadable files), each naming the file. */
  problems: string[];
}

/** The v1 controllers the kubelet requires a cgroup to exist in (hugetlb only when mounted). */
const V1_REQUIRED = ['cpu', 'cpuacct', 'cpuset', 'memory', 'systemd', 'pids'];
/** The v2 controllers the kubelet requires (intersected with what the root offers). */
const V2_REQUIRED = ['cpu', 'cpuset', 'memory', 'hugetlb', 'pids'];

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

function processCgroups(ctx: CollectContext, p: ProcInfo, version: CgroupVersion, problems: string[]): ProcessCgroups {
  const r = readText(ctx.opts.root, `/proc/${p.pid}/cgroup`);
  const base: ProcessCgroups = { pid: p.pid, name: p.name, source: display(ctx.opts.root, `/proc/${p.pid}/cgroup`) };
  if (!r.ok) return { ...base, reason: r.reason };
  if (looksBinary(r.text)) {
    problems.push(`${r.path}: not a cgroup list (binary data)`);
    return { ...base, reason: `${r.path} holds binary data, not a cgroup list` };
  }
  const cg = parsePidCgroup(r.text);
  ctx.source({ name: r.path, kind: 'file', lines: cg.lines.length + cg.bad.length, problems: cg.bad.length ? [`unparseable lines: ${cg.bad.join(', ')}`] : [] });
  if (cg.bad.length) problems.push(`${r.path}: unparseable lines ${cg.bad.join(', ')}`);
  const cpu = cg.byController.cpu;
  const memory = cg.byController.memory;
  const unified = version === 'v2' ? true : cpu && memory ? cpu.path === memory.path : undefined;
  return { ...base, cgroups: cg, cpu, memory, unified };
}

export async function collect(ctx: CollectContext): Promise<Availability<CgroupsEvidence>> {
  const root = ctx.opts.root;
  const problems: string[] = [];
  const mounts = readText(root, '/proc/mounts');
  if (!mounts.ok) return { ok: false, reason: `cgroups: cannot tell the cgroup version: ${mounts.reason}` };
  if (looksBinary(mounts.text)) return { ok: false, reason: `cgroups: ${mounts.path} holds binary data, not a mount table` };
  const parsed = parseMounts(mounts.text);
  ctx.source({ name: mounts.path, kind: 'file', lines: parsed.entries.length + parsed.bad.length, problems: parsed.bad.length ? [`unparseable lines: ${parsed.bad.join(', ')}`] : [] });
  if (parsed.bad.length) problems.push(`${mounts.path}: unparseable lines ${parsed.bad.join(', ')}`);
  const { version, mount, unified } = cgroupVersion(parsed.entries);
  if (version === 'unknown')
    return { ok: false, reason: `cgroups: ${mounts.path} has no cgroup filesystem at /sys/fs/cgroup (no cgroup or cgroup2 mount lines)` };
  const versionCite: Citation | undefined = mount
    ? { kind: 'file', source: mounts.path, line: mount.line, text: mount.text, note: `cgroup ${version}${unified ? ` (cgroup2 also at ${unified.mountpoint})` : ''}` }
    : undefined;

  const settings = await kubeletSettings(ctx);
  const ev: CgroupsEvidence = {
    version,
    versionCite,
    runtimes: [],
    settings: {
      from: settings.from,
      ...(settings.unknown ? { unknown: settings.unknown } : {}),
      note: settings.note,
      cgroupDriver: settings.cgroupDriver,
      enforceNodeAllocatable: settings.enforceNodeAllocatable,
      kubeReservedCgroup: settings.kubeReservedCgroup,
      systemReservedCgroup: settings.systemReservedCgroup,
      kubeReserved: settings.kubeReserved,
      systemReserved: settings.systemReserved,
      cites: settings.cites,
    },
    reserved: [],
    problems,
  };

  // controllers
  const pc = readText(root, '/proc/cgroups');
  if (pc.ok) {
    const t = parseProcCgroups(pc.text);
    ev.enabled = Object.fromEntries(t.rows.map((r) => [r.name, r.enabled]));
    if (t.bad.length) problems.push(`${pc.path}: unparseable lines ${t.bad.join(', ')}`);
  }
  let v2Available: string[] = [];
  if (version === 'v1' || version === 'hybrid') {
    ev.v1Mounts = v1Mounts(parsed.entries);
    const ls = listDir(root, '/sys/fs/cgroup');
    if (ls.ok) {
      const links: Record<string, string> = {};
      for (const e of ls.entries) {
        const t = linkTarget(root, `/sys/fs/cgroup/${e}`);
        if (t) links[e] = t;
      }
      if (Object.keys(links).length) ev.symlinks = links;
    }
  } else {
    const c = readText(root, '/sys/fs/cgroup/cgroup.controllers');
    const s = readText(root, '/sys/fs/cgroup/cgroup.subtree_control');
    if (!c.ok) problems.push(c.reason);
    v2Available = c.ok ? words(c.text) : [];
    ev.v2 = { controllers: v2Available, subtreeControl: s.ok ? words(s.text) : [] };
  }

  // processes
  const { procs, reason } = findProcesses(root);
  const kubelet = findKubelet(root, procs);
  if (kubelet) ev.kubelet = processCgroups(ctx, kubelet, version, problems);
  else ev.kubeletNote = reason ?? 'no kubelet process found under /proc (not running, or the tree has no process files)';
  for (const p of findRuntimes(root, procs)) ev.runtimes.push(processCgroups(ctx, p, version, problems));

  // configured cgroups
  const fields: { field: CgroupField; name?: string; enforcement?: 'kube-reserved' | 'system-reserved'; raw: boolean }[] = [
    { field: 'kubeReservedCgroup', name: settings.kubeReservedCgroup, enforcement: 'kube-reserved', raw: false },
    { field: 'systemReservedCgroup', name: settings.systemReservedCgroup, enforcement: 'system-reserved', raw: false },
    // kubeletCgroups/runtimeCgroups are used as plain paths (never translated by the driver)
    { field: 'kubeletCgroups', name: settings.kubeletCgroups, raw: true },
    { field: 'runtimeCgroups', name: settings.runtimeCgroups, raw: true },
  ];
  for (const f of fields) {
    if (!f.name) continue;
    const path = f.raw ? cgroupFsPath(f.name, 'cgroupfs') : cgroupFsPath(f.name, settings.cgroupDriver);
    const enforced = !!f.enforcement && settings.enforceNodeAllocatable.includes(f.enforcement);
    const rc: ReservedCgroup = {
      field: f.field,
      name: f.name,
      path,
      internal: cgroupInternalName(f.name, f.raw ? 'cgroupfs' : settings.cgroupDriver),
      enforcement: f.enforcement,
      enforced,
      complete: true,
      present: [],
      missing: [],
      missingControllers: [],
      citations: [settings.cites[f.field]!],
      notes: [],
    };
    if (enforced) rc.citations.push(settings.cites.enforceNodeAllocatable!);
    if (version === 'v2') checkV2(ctx, rc, v2Available);
    else checkV1(ctx, rc, ev.v1Mounts ?? {});
    // memory usage against the reservation
    const memFile = version === 'v2' ? `/sys/fs/cgroup${path === '/' ? '' : path}/memory.current` : ev.v1Mounts?.memory ? `${ev.v1Mounts.memory.mount}${path === '/' ? '' : path}/memory.usage_in_bytes` : undefined;
    if (memFile) {
      const u = readText(root, memFile);
      if (u.ok) {
        const usage = /^\s*(\d+)\s*$/.test(u.text) ? Number(u.text.trim()) : undefined;
        if (usage === undefined) problems.push(`${u.path}: not a number (${JSON.stringify(u.text.slice(0, 40))})`);
        else {
          const reservationText = f.field === 'kubeReservedCgroup' ? settings.kubeReserved.memory : f.field === 'systemReservedCgroup' ? settings.systemReserved.memory : undefined;
          const reservation = parseQuantity(reservationText);
          if (reservationText !== undefined && reservation === undefined) problems.push(`${f.field === 'kubeReservedCgroup' ? 'kubeReserved' : 'systemReserved'}.memory: "${reservationText}" is not a quantity`);
          rc.memory = { usage, usageFile: u.path, reservation, reservationText, exceeds: reservation !== undefined && usage > reservation };
          if (rc.memory.exceeds) rc.notes.push(`${u.path} = ${usage} (${formatBytes(usage)}) is above the ${reservationText} reservation`);
        }
      }
    }
    ev.reserved.push(rc);
  }
  return { ok: true, value: ev };
}

function checkV1(ctx: CollectContext, rc: ReservedCgroup, mounts: Record<string, V1Mount>): void {
  const required = [...V1_REQUIRED, ...(mounts.hugetlb ? ['hugetlb'] : [])];
  const byPath = new Map<string, string[]>();
  for (const c of required) {
    const m = mounts[c];
    if (!m) continue; // not mounted: the kubelet does not look there
    const p = `${m.mount}${rc.path === '/' ? '' : rc.path}`;
    byPath.set(p, [...(byPath.get(p) ?? []), c]);
  }
  for (const [p, ctrls] of byPath) {
    const r = probe(ctx.opts.root, p);
    if (r.ok && r.type === 'dir') rc.present.push(p);
    else {
      rc.missing.push(p);
      rc.missingControllers.push(...ctrls);
      rc.citations.push({ kind: 'absent', source: display(ctx.opts.root, p), text: r.ok ? `${p} is not a directory` : `${p} does not exist`, note: `${ctrls.join(',')} hierarchy` });
      if (!r.ok && r.code !== 'ENOENT' && r.code !== 'ENOTDIR') rc.notes.push(r.reason);
    }
  }
  rc.complete = rc.missing.length === 0;
}

function checkV2(ctx: CollectContext, rc: ReservedCgroup, available: string[]): void {
  const dir = `/sys/fs/cgroup${rc.path === '/' ? '' : rc.path}`;
  const r = probe(ctx.opts.root, dir);
  if (!r.ok || r.type !== 'dir') {
    rc.missing.push(dir);
    rc.complete = false;
    rc.citations.push({ kind: 'absent', source: display(ctx.opts.root, dir), text: r.ok ? `${dir} is not a directory` : `${dir} does not exist` });
    return;
  }
  rc.present.push(dir);
  const c = readText(ctx.opts.root, `${dir}/cgroup.controllers`);
  if (!c.ok) {
    rc.notes.push(c.reason);
    return;
  }
  rc.controllers = words(c.text);
  const needed = V2_REQUIRED.filter((x) => available.length === 0 || available.includes(x));
  rc.missingControllers = needed.filter((x) => !rc.controllers!.includes(x));
  if (rc.missingControllers.length) {
    rc.complete = false;
    rc.citations.push({ kind: 'file', source: c.path, line: 1, text: c.text.trim(), note: `missing controllers: ${rc.missingControllers.join(' ')}` });
  }
}
