// Pure parsers for the cgroup side of a node: proc/mounts, proc/cgroups, proc/<pid>/cgroup, the
// kubelet's cgroup name translation (cgroupfs vs systemd driver) and Kubernetes quantities.

export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
  line: number;
  text: string;
}

/** proc/mounts (or /etc/mtab) lines; octal escapes (`\040` = space) decoded. */
export function parseMounts(text: string): { entries: MountEntry[]; bad: number[] } {
  const entries: MountEntry[] = [];
  const bad: number[] = [];
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '') return;
    const f = l.trim().split(/\s+/);
    if (f.length < 4 || !f[1]!.startsWith('/')) {
      bad.push(i + 1);
      return;
    }
    entries.push({ device: unescape(f[0]!), mountpoint: unescape(f[1]!), fstype: f[2]!, options: f[3]!.split(','), line: i + 1, text: l });
  });
  return { entries, bad };
}

export type CgroupVersion = 'v1' | 'v2' | 'hybrid' | 'unknown';

/**
 * v2 when /sys/fs/cgroup itself is cgroup2; v1 when it is a tmpfs holding v1 hierarchies; hybrid
 * when that tmpfs also holds a cgroup2 (systemd's /sys/fs/cgroup/unified). The kubelet treats
 * hybrid as v1.
 */
export function cgroupVersion(entries: MountEntry[]): { version: CgroupVersion; mount?: MountEntry; unified?: MountEntry } {
  const root = [...entries].reverse().find((e) => e.mountpoint === '/sys/fs/cgroup');
  const v1 = entries.some((e) => e.fstype === 'cgroup' && e.mountpoint.startsWith('/sys/fs/cgroup/'));
  const unified = entries.find((e) => e.fstype === 'cgroup2' && e.mountpoint.startsWith('/sys/fs/cgroup/'));
  if (root?.fstype === 'cgroup2') return { version: 'v2', mount: root };
  if (v1 && unified) return { version: 'hybrid', mount: root, unified };
  if (v1) return { version: 'v1', mount: root };
  return { version: 'unknown', mount: root };
}

/** Known v1 subsystems (the kernel's list); mount options outside it are ignored. */
export const V1_SUBSYSTEMS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio', 'perf_event',
  'hugetlb', 'pids', 'rdma', 'misc', 'debug',
]);

export interface V1Mount {
  /** The hierarchy's mount point, e.g. /sys/fs/cgroup/cpu,cpuacct. */
  mount: string;
  line: number;
  text: string;
}

/**
 * v1 subsystem → mount point, as the kubelet builds it: `name=systemd` becomes `systemd`; when a
 * subsystem is mounted twice the shortest mount point wins.
 */
export function v1Mounts(entries: MountEntry[]): Record<string, V1Mount> {
  const out: Record<string, V1Mount> = {};
  for (const e of entries) {
    if (e.fstype !== 'cgroup') continue;
    for (const opt of e.options) {
      const sub = opt.startsWith('name=') ? opt.slice(5) : V1_SUBSYSTEMS.has(opt) ? opt : undefined;
      if (!sub) continue;
      const prev = out[sub];
      if (!prev || e.mountpoint.length < prev.mount.length) out[sub] = { mount: e.mountpoint, line: e.line, text: e.text };
    }
  }
  return out;
}

export interface ProcCgroupsRow {
  name: string;
  hierarchy: number;
  cgroups: number;
  enabled: boolean;
  line: number;
}

/** proc/cgroups: `#subsys_name hierarchy num_cgroups enabled`. */
export function parseProcCgroups(text: string): { rows: ProcCgroupsRow[]; bad: number[] } {
  const rows: ProcCgroupsRow[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    const f = l.split(/\s+/);
    if (f.length < 4 || !/^\d+$/.test(f[1]!) || !/^[01]$/.test(f[3]!)) {
      bad.push(i + 1);
      return;
    }
    rows.push({ name: f[0]!, hierarchy: Number(f[1]), cgroups: Number(f[2]), enabled: f[3] === '1', line: i + 1 });
  });
  return { rows, bad };
}

export interface PidCgroupLine {
  id: number;
  controllers: string[];
  path: string;
  line: number;
  text: string;
}

export interface PidCgroups {
  lines: PidCgroupLine[];
  /** v1 controller (and `name=systemd` as `name=systemd`) → its line. */
  byController: Record<string, PidCgroupLine>;
  /** The `0::/path` line (cgroup v2 or the hybrid unified hierarchy). */
  unified?: PidCgroupLine;
  bad: number[];
}

/** proc/<pid>/cgroup: `N:ctrl,ctrl:/path` (v1), `0::/path` (v2). */
export function parsePidCgroup(text: string): PidCgroups {
  const out: PidCgroups = { lines: [], byController: {}, bad: [] };
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '') return;
    const m = /^(\d+):([^:]*):(.*)$/.exec(l);
    if (!m || !m[3]!.startsWith('/')) {
      out.bad.push(i + 1);
      return;
    }
    const entry: PidCgroupLine = { id: Number(m[1]), controllers: m[2] ? m[2].split(',') : [], path: m[3]!, line: i + 1, text: l };
    out.lines.push(entry);
    if (entry.id === 0 && entry.controllers.length === 0) out.unified = entry;
    for (const c of entry.controllers) out.byController[c] = entry;
  });
  return out;
}

// ---- cgroup names ------------------------------------------------------------------------------

/**
 * The filesystem path (relative to a hierarchy root) the kubelet uses for a configured cgroup name.
 * cgroupfs: the name as a path. systemd: the kubelet keeps only the last component, drops `.slice`,
 * splits it on `-` and expands it into nested slices (`kube-reserved.slice` →
 * `/kube.slice/kube-reserved.slice`); `/system.slice` → `/system.slice`.
 */
export function cgroupFsPath(name: string, driver: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed === '/') return '/';
  if (driver !== 'systemd') return `/${trimmed.split('/').filter(Boolean).join('/')}`;
  const base = trimmed.split('/').filter(Boolean).pop() ?? '';
  const stem = base.replace(/\.slice$/, '');
  if (stem === '' || stem === '-') return '/';
  const parts = stem.split('-').map((p) => p.replace(/_/g, '-'));
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(`${parts.slice(0, i + 1).join('-')}.slice`);
  return `/${out.join('/')}`;
}

/** The kubelet's internal name for a cgroup (`[kube]`), as its log messages print it. */
export function cgroupInternalName(name: string, driver: string): string {
  if (driver !== 'systemd') return name.split('/').filter(Boolean).join(' ');
  const base = name.split('/').filter(Boolean).pop() ?? '';
  return base.replace(/\.slice$/, '').split('-').join(' ');
}

// ---- quantities --------------------------------------------------------------------------------

const BIN: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DEC: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity (`300Mi`, `1G`, `1.5Gi`, `1e9`, `100m`) in base units; undefined when malformed. */
export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)\s*$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suf = m[3] ?? '';
  return n * (BIN[suf] ?? DEC[suf] ?? 1);
}

/** Bytes as a short binary quantity (`512Mi`, `1.5Gi`). */
export function formatBytes(n: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[i]}`;
}
