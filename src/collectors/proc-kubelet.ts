// The kubelet process and its settings, shared by the node-state collectors:
//  - findProcesses / findKubelet / findRuntimes: the kubelet and the container runtime from
//    proc/<pid>/cmdline (argv[0] basename), under the root like every other read;
//  - kubeletSettings: the handful of KubeletConfiguration fields the cgroups/system/cni/runtime
//    collectors compare against, read from the kubeletConfig evidence, or the kubelet's defaults
//    (said so in `from`/`note`) when that evidence is unavailable.

import { basename } from 'node:path';
import type { Citation } from '../types.js';
import type { CollectContext } from './index.js';
import { listDir, readText } from './proc-fs.js';
import { kubeletTrust, type KubeletTrust } from './kubelet-trust.js';
import { defaultOf } from './kubelet-defaults.js';

export interface ProcInfo {
  pid: number;
  /** argv as read from proc/<pid>/cmdline. */
  argv: string[];
  /** What the process is: kubelet, containerd, crio, dockerd, cri-dockerd, … */
  name: string;
  /** `/proc/<pid>/cmdline`, for citations. */
  source: string;
}

const KUBELET_BINARIES = new Set(['kubelet', 'kubelite', 'kubenswrapper', 'hyperkube', 'k3s', 'k3s-server', 'k3s-agent']);
const RUNTIME_BINARIES = new Set(['containerd', 'crio', 'dockerd', 'cri-dockerd']);

/** Split a cmdline file: NUL-separated on a real node; whitespace in a hand-written fixture. */
export function splitCmdline(text: string): string[] {
  if (text.includes('\0')) return text.split('\0').filter((s) => s !== '');
  return text.trim().split(/\s+/).filter((s) => s !== '');
}

/** What a process is, from its argv; undefined when it is neither a kubelet nor a runtime. */
export function classify(argv: string[]): string | undefined {
  if (!argv.length) return undefined;
  const base = basename(argv[0]!);
  if (base === 'hyperkube') return argv[1] === 'kubelet' ? 'kubelet' : undefined;
  if (base === 'k3s') return argv[1] === 'server' || argv[1] === 'agent' ? 'kubelet' : undefined;
  if (KUBELET_BINARIES.has(base)) return 'kubelet';
  if (RUNTIME_BINARIES.has(base)) return base;
  return undefined;
}

/** Every kubelet and runtime process under root/proc, in pid order. */
export function findProcesses(root: string): { procs: ProcInfo[]; reason?: string } {
  const dir = listDir(root, '/proc');
  if (!dir.ok) return { procs: [], reason: `cannot list processes: ${dir.reason}` };
  const procs: ProcInfo[] = [];
  for (const e of dir.entries) {
    if (!/^\d+$/.test(e)) continue;
    const r = readText(root, `/proc/${e}/cmdline`, 65536);
    if (!r.ok) continue;
    const argv = splitCmdline(r.text);
    const name = classify(argv);
    if (name) procs.push({ pid: Number(e), argv, name, source: r.path });
  }
  procs.sort((a, b) => a.pid - b.pid);
  return { procs };
}

/** Kubelet processes split into the one believed and the ones refused (with the reason). */
export interface KubeletChoice {
  kubelet?: ProcInfo & { trust: KubeletTrust };
  refused: { proc: ProcInfo; reason: string }[];
}

/**
 * The kubelet process, believed only when it runs as root from a root-owned binary nobody else can
 * write (kubelet-trust.ts): a process merely *named* kubelet proves nothing. Among believed ones, the
 * one whose binary is the unit's ExecStart binary wins, then a plain `kubelet` over wrappers.
 */
export function chooseKubelet(root: string, procs = findProcesses(root).procs, execStart?: string, plainOnly = false): KubeletChoice {
  const refused: KubeletChoice['refused'] = [];
  const ok: (ProcInfo & { trust: KubeletTrust })[] = [];
  for (const p of procs) {
    if (p.name !== 'kubelet') continue;
    if (plainOnly && !['kubelet', 'hyperkube'].includes(basename(p.argv[0] ?? ''))) continue;
    const trust = kubeletTrust(root, p.pid);
    if (trust.trusted) ok.push({ ...p, trust });
    else refused.push({ proc: p, reason: `process ${p.pid} (${p.source}) is not taken for the kubelet: ${trust.reason}` });
  }
  const byExec = execStart ? ok.find((p) => p.trust.exe === execStart || p.argv[0] === execStart) : undefined;
  return { kubelet: byExec ?? ok.find((p) => basename(p.argv[0]!) === 'kubelet') ?? ok[0], refused };
}

/** The kubelet process (believed only when its binary is root's; see chooseKubelet). */
export function findKubelet(root: string, procs = findProcesses(root).procs): ProcInfo | undefined {
  return chooseKubelet(root, procs).kubelet;
}

/** Container runtime processes (containerd, crio, dockerd, cri-dockerd). */
export function findRuntimes(root: string, procs = findProcesses(root).procs): ProcInfo[] {
  return procs.filter((p) => p.name !== 'kubelet');
}

/** A kubelet command-line flag's value (`--x=v` or `--x v`), from argv. */
export function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${flag}` || a === `-${flag}`) return argv[i + 1];
    const m = /^--?([^=]+)=(.*)$/.exec(a);
    if (m && m[1] === flag) return m[2];
  }
  return undefined;
}

// ---- kubelet settings -----------------------------------------------------------------------

export interface KubeletSettings {
  /** Where the values came from: the kubeletConfig evidence, or the kubelet's defaults. */
  from: 'kubeletConfig' | 'defaults';
  /** Why defaults are used (kubeletConfig unavailable), said in evidence. */
  note?: string;
  /** Set when the KubeletConfiguration does not parse: the settings are unknown (why, for skip reasons). */
  unknown?: string;
  /** The config file the values came from, when known. */
  configPath?: string;
  cgroupDriver: string;
  cgroupDriverSet: boolean;
  cgroupRoot?: string;
  kubeReservedCgroup?: string;
  systemReservedCgroup?: string;
  kubeletCgroups?: string;
  runtimeCgroups?: string;
  enforceNodeAllocatable: string[];
  kubeReserved: Record<string, string>;
  systemReserved: Record<string, string>;
  failSwapOn: boolean;
  containerRuntimeEndpoint: string;
  containerRuntimeEndpointSet: boolean;
  /** Old dockershim-era flags (`--network-plugin`, `--cni-conf-dir`, `--cni-bin-dir`). */
  networkPlugin?: string;
  cniConfDir?: string;
  cniBinDir?: string;
  /** `--container-runtime` (removed in v1.27): docker or remote. */
  containerRuntime?: string;
  resolvConf: string;
  staticPodPath?: string;
  kubeletVersion?: string;
  /** A citation per field: where it was set, or that the kubelet default applies. */
  cites: Record<string, Citation>;
  /** Which of those fields were set explicitly (not defaulted). */
  set: Record<string, boolean>;
}

const CITED_FIELDS = [
  'cgroupDriver', 'cgroupRoot', 'kubeReservedCgroup', 'systemReservedCgroup', 'kubeletCgroups', 'runtimeCgroups',
  'enforceNodeAllocatable', 'kubeReserved', 'systemReserved', 'failSwapOn', 'containerRuntimeEndpoint',
  'networkPlugin', 'cniConfDir', 'cniBinDir', 'resolvConf', 'staticPodPath',
] as const;

type Dict = Record<string, unknown>;

const KEBAB: Record<string, string> = {
  cgroupDriver: 'cgroup-driver',
  cgroupRoot: 'cgroup-root',
  kubeReservedCgroup: 'kube-reserved-cgroup',
  systemReservedCgroup: 'system-reserved-cgroup',
  kubeletCgroups: 'kubelet-cgroups',
  runtimeCgroups: 'runtime-cgroups',
  enforceNodeAllocatable: 'enforce-node-allocatable',
  failSwapOn: 'fail-swap-on',
  containerRuntimeEndpoint: 'container-runtime-endpoint',
  resolvConf: 'resolv-conf',
  staticPodPath: 'pod-manifest-path',
  kubeReserved: 'kube-reserved',
  systemReserved: 'system-reserved',
};

function isDict(v: unknown): v is Dict {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The kubelet's default CRI endpoint for a version (dockershim before v1.24). */
export function defaultRuntimeEndpoint(version?: string): string {
  return defaultOf<string>('containerRuntimeEndpoint', { version });
}

/**
 * Read the kubeletConfig evidence tolerantly: the effective values may sit at the top level or
 * under `effective`/`merged`/`config`, flags under `flags` (a map or a list of {name, value}).
 */
function accessor(ev: Dict) {
  const layers: Dict[] = [];
  for (const k of ['effective', 'merged', 'config', 'values', 'file']) if (isDict(ev[k])) layers.push(ev[k] as Dict);
  layers.push(ev);
  const flags: Record<string, string> = {};
  const f = ev.flags;
  if (isDict(f)) for (const [k, v] of Object.entries(f)) flags[k.replace(/^-+/, '')] = Array.isArray(v) ? String(v[v.length - 1]) : String((isDict(v) ? v.value : v) ?? '');
  else if (Array.isArray(f))
    for (const x of f)
      if (isDict(x) && typeof x.name === 'string') flags[x.name.replace(/^-+/, '')] = String(x.value ?? '');
      else if (typeof x === 'string') {
        const m = /^--?([^=]+)(?:=(.*))?$/.exec(x);
        if (m) flags[m[1]!] = m[2] ?? 'true';
      }
  const get = (field: string): unknown => {
    for (const l of layers) if (l[field] !== undefined && l[field] !== null && l[field] !== '') return l[field];
    const kf = KEBAB[field];
    if (kf && flags[kf] !== undefined) return flags[kf];
    return undefined;
  };
  const origin = (field: string): { source?: string; line?: number; text?: string } | undefined => {
    for (const k of ['fields', 'origins', 'sources', 'where', 'fieldSources']) {
      const o = ev[k];
      if (isDict(o) && isDict(o[field])) {
        const x = o[field] as Dict;
        const source = (x.source ?? x.file ?? x.path) as string | undefined;
        return { source, line: typeof x.line === 'number' ? x.line : undefined, text: typeof x.text === 'string' ? x.text : undefined };
      }
    }
    return undefined;
  };
  return { get, flags, origin };
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function list(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}

function resources(v: unknown): Record<string, string> {
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  if (typeof v === 'string')
    return Object.fromEntries(
      v
        .split(',')
        .map((kv) => kv.split('='))
        .filter((p) => p.length === 2)
        .map(([k, x]) => [k!.trim(), x!.trim()]),
    );
  return {};
}

/** Why the kubelet's settings are unknown when its KubeletConfiguration does not parse (a skip reason). */
export function configUnknownReason(c: { kind: 'missing' | 'unreadable' | 'invalid'; source: string; line?: number }): string {
  const what = c.kind === 'missing' ? 'does not exist' : c.kind === 'unreadable' ? 'cannot be read' : 'does not parse';
  const see = c.kind === 'missing' ? '; see config-file-missing' : c.kind === 'invalid' ? '; see config-file-invalid' : '';
  return `kubelet settings unknown: its KubeletConfiguration ${c.source}${c.line !== undefined ? `:${c.line}` : ''} ${what} (the kubelet cannot start with it${see})`;
}

/** The settings the node-state collectors need, from the kubeletConfig evidence or defaults. */
export async function kubeletSettings(ctx: CollectContext): Promise<KubeletSettings> {
  const version = ctx.opts.kubeletVersion;
  let a: Awaited<ReturnType<CollectContext['get']>>;
  try {
    a = await ctx.get('kubeletConfig');
  } catch (e) {
    a = { ok: false, reason: `kubeletConfig: ${(e as Error).message}` };
  }
  const ev: Dict = a.ok && isDict(a.value) ? (a.value as Dict) : {};
  // a config file that does not parse leaves every setting it would hold unknown: never compared as a default
  const invalid = isDict(ev.configInvalid) ? (ev.configInvalid as Parameters<typeof configUnknownReason>[0]) : undefined;
  const unknown = invalid ? configUnknownReason(invalid) : undefined;
  const from = a.ok && isDict(a.value) && !invalid ? 'kubeletConfig' : 'defaults';
  const note = unknown ?? (a.ok ? undefined : `kubelet configuration unavailable (${a.reason}); kubelet defaults assumed`);
  const { get, flags, origin } = accessor(ev);
  const configPath = str(ev.path) ?? str(ev.configPath) ?? str(ev.file) ?? str(ev.configFile);
  const ver = version ?? str(get('kubeletVersion'));
  const endpoint = str(get('containerRuntimeEndpoint')) ?? flags['container-runtime-endpoint'];
  const driver = str(get('cgroupDriver'));
  const failSwap = get('failSwapOn');
  const s: KubeletSettings = {
    from,
    note,
    ...(unknown ? { unknown } : {}),
    configPath,
    cgroupDriver: driver ?? defaultOf<string>('cgroupDriver'),
    cgroupDriverSet: driver !== undefined,
    cgroupRoot: str(get('cgroupRoot')),
    kubeReservedCgroup: str(get('kubeReservedCgroup')),
    systemReservedCgroup: str(get('systemReservedCgroup')),
    kubeletCgroups: str(get('kubeletCgroups')),
    runtimeCgroups: str(get('runtimeCgroups')),
    enforceNodeAllocatable: list(get('enforceNodeAllocatable')) ?? defaultOf<string[]>('enforceNodeAllocatable'),
    kubeReserved: resources(get('kubeReserved')),
    systemReserved: resources(get('systemReserved')),
    failSwapOn: failSwap === undefined ? defaultOf<boolean>('failSwapOn') : !(failSwap === false || String(failSwap) === 'false'),
    containerRuntimeEndpoint:
      endpoint ??
      // dockershim-era flags (--network-plugin, --container-runtime=docker) mean the in-kubelet dockershim
      ((flags['network-plugin'] || flags['container-runtime'] === 'docker' || str(get('networkPlugin'))) && !ver
        ? 'unix:///var/run/dockershim.sock'
        : defaultRuntimeEndpoint(ver)),
    containerRuntimeEndpointSet: endpoint !== undefined,
    networkPlugin: str(get('networkPlugin')) ?? flags['network-plugin'],
    cniConfDir: str(get('cniConfDir')) ?? flags['cni-conf-dir'],
    cniBinDir: str(get('cniBinDir')) ?? flags['cni-bin-dir'],
    containerRuntime: str(get('containerRuntime')) ?? flags['container-runtime'],
    resolvConf: str(get('resolvConf')) ?? defaultOf<string>('resolvConf'),
    staticPodPath: str(get('staticPodPath')) ?? flags['pod-manifest-path'],
    kubeletVersion: ver,
    cites: {},
    set: {},
  };
  for (const field of CITED_FIELDS) {
    const raw = get(field);
    const value = raw === undefined ? undefined : Array.isArray(raw) ? `[${raw.join(', ')}]` : isDict(raw) ? JSON.stringify(raw) : String(raw);
    const o = origin(field);
    s.set[field] = from === 'kubeletConfig' && raw !== undefined;
    const eff = (s as unknown as Record<string, unknown>)[field];
    const effText = Array.isArray(eff) ? `[${eff.join(', ')}]` : isDict(eff) ? JSON.stringify(eff) : eff === undefined ? undefined : String(eff);
    s.cites[field] =
      from === 'defaults' || raw === undefined
        ? {
            kind: 'config',
            source: o?.source ?? configPath ?? 'kubelet defaults',
            field,
            value: effText,
            text: `${field} not set${effText !== undefined ? `: the kubelet default ${effText} applies` : ''}${note ? ` (${note})` : ''}`,
          }
        : { kind: 'config', source: o?.source ?? configPath ?? 'kubelet configuration', line: o?.line, field, value, text: o?.text ?? `${field}: ${value}` };
  }
  return s;
}
