// Collector for the `runtime` evidence kind: the CRI endpoint the kubelet is configured with and
// whether its socket exists under the root, which runtime that is, and the runtime's own config
// (containerd config.toml, CRI-O crio.conf(.d), Docker daemon.json): its cgroup driver, whether
// the CRI plugin is disabled, the sandbox image and the CNI directories.
//
// Socket presence in a captured tree: any non-directory entry at the socket path (a real socket, a
// regular file, or an empty placeholder file) counts as present, since copying a tree loses
// sockets. On a live node (no --root) only a real socket counts.

import type { Availability } from '../evidence.js';
import type { Citation } from '../types.js';
import { cgroupVersion, parseMounts } from './cgroup-parse.js';
import type { CollectContext } from './index.js';
import { display, probe, readText, type EntryType } from './proc-fs.js';
import { findProcesses, findRuntimes } from './proc-kubelet.js';
import { kubeletSettings } from './kubelet-settings.js';
import { CONTAINERD_CONFIGS, readContainerd, readCrio, readDocker, type ContainerdConfig, type CrioConfig, type DockerConfig } from './runtime-config.js';

export type RuntimeKind = 'containerd' | 'crio' | 'docker' | 'cri-dockerd' | 'unknown';

export interface RuntimeEvidence {
  settings: {
    from: 'kubeletConfig' | 'defaults';
    /** Set when the KubeletConfiguration does not parse: the settings are unknown (the reason). */
    unknown?: string;
    note?: string;
    cgroupDriver: string;
    cgroupDriverSet: boolean;
    kubeletVersion?: string;
    cites: { cgroupDriver: Citation; containerRuntimeEndpoint: Citation };
  };
  endpoint: {
    /** As configured (or defaulted), e.g. `unix:///run/containerd/containerd.sock`. */
    value: string;
    configured: boolean;
    scheme: string;
    /** The socket's node path, for unix endpoints. */
    socketPath?: string;
    /** Whether the socket is there (undefined for non-unix endpoints). */
    present?: boolean;
    /** The node path actually found (e.g. /run/… for a /var/run/… endpoint). */
    foundAt?: string;
    type?: EntryType;
    reason?: string;
    cite: Citation;
    /** Other runtime sockets that exist (a hint when the configured one is missing). */
    otherSockets: string[];
  };
  /** The runtime the endpoint names. */
  kind: RuntimeKind;
  containerd?: ContainerdConfig;
  crio?: CrioConfig;
  docker?: DockerConfig;
  /** The runtime's cgroup driver per its own configuration. */
  driver?: { runtime: RuntimeKind; value: string; default: boolean; cite: Citation };
  /** The runtime reports its cgroup driver over CRI (containerd 2.x), so kubelet >= 1.31 adopts it. */
  runtimeReportsDriver?: boolean;
  processes: { name: string; pid: number; source: string }[];
  problems: string[];
}

const KNOWN_SOCKETS = ['/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/var/run/cri-dockerd.sock', '/var/run/docker.sock', '/run/k3s/containerd/containerd.sock', '/var/run/dockershim.sock'];

export function endpointKind(endpoint: string): RuntimeKind {
  if (/cri-dockerd/.test(endpoint)) return 'cri-dockerd';
  if (/dockershim|docker\.sock/.test(endpoint)) return 'docker';
  if (/crio/.test(endpoint)) return 'crio';
  if (/containerd/.test(endpoint)) return 'containerd';
  return 'unknown';
}

/** `unix:///run/x.sock` → `/run/x.sock`; a bare path is a unix path (old kubelets accepted it). */
export function parseEndpoint(endpoint: string): { scheme: string; path?: string } {
  const m = /^([a-z]+):\/\/(.*)$/.exec(endpoint.trim());
  if (!m) return endpoint.trim().startsWith('/') ? { scheme: 'unix', path: endpoint.trim() } : { scheme: 'unknown' };
  if (m[1] === 'unix') return { scheme: 'unix', path: m[2]!.startsWith('/') ? m[2] : `/${m[2]}` };
  return { scheme: m[1]! };
}

function socketAt(ctx: CollectContext, path: string): { present: boolean; type?: EntryType; reason?: string; foundAt?: string } {
  const alts = [path];
  if (path.startsWith('/var/run/')) alts.push(path.slice(4));
  else if (path.startsWith('/run/')) alts.push(`/var${path}`);
  let firstReason: string | undefined;
  for (const p of alts) {
    const r = probe(ctx.opts.root, p);
    if (!r.ok) {
      firstReason ??= r.reason;
      continue;
    }
    if (r.type === 'dir') return { present: false, type: 'dir', reason: `${p} is a directory, not a socket (a bind mount of a missing path creates one)`, foundAt: p };
    if (ctx.opts.live && r.type !== 'socket') return { present: false, type: r.type, reason: `${p} exists but is not a socket`, foundAt: p };
    return { present: true, type: r.type, foundAt: p };
  }
  return { present: false, reason: firstReason };
}

export async function collect(ctx: CollectContext): Promise<Availability<RuntimeEvidence>> {
  const root = ctx.opts.root;
  const probeRoot = probe(root, '/');
  if (!probeRoot.ok) return { ok: false, reason: `runtime: ${probeRoot.reason}` };
  const settings = await kubeletSettings(ctx);
  const problems: string[] = [];
  const onSource = (name: string, lines: number, p: string[]) => ctx.source({ name, kind: 'file', lines, problems: p });

  const endpointValue = settings.containerRuntimeEndpoint;
  const ep = parseEndpoint(endpointValue);
  const endpoint: RuntimeEvidence['endpoint'] = {
    value: endpointValue,
    configured: settings.containerRuntimeEndpointSet,
    scheme: ep.scheme,
    socketPath: ep.path,
    cite: settings.cites.containerRuntimeEndpoint!,
    otherSockets: [],
  };
  // a captured tree without /run (tar of /etc and /var/lib) cannot say anything about sockets
  const runDir = probe(root, '/run');
  const varRun = probe(root, '/var/run');
  const noRun = !ctx.opts.live && !(runDir.ok && runDir.type === 'dir') && !(varRun.ok && varRun.type === 'dir');
  if (!endpointValue) {
    endpoint.reason = `no CRI endpoint: it is not set and kubelet ${settings.kubeletVersion ?? ''} has no default (v1.24 to v1.26 had none)`.replace('  ', ' ');
  } else if (ep.path && noRun) {
    endpoint.reason = 'the captured tree has no /run or /var/run: socket presence unknown';
  } else if (ep.path && /dockershim\.sock$/.test(ep.path)) {
    // dockershim lives inside the kubelet and creates this socket itself: what must exist is Docker's
    const s = socketAt(ctx, '/var/run/docker.sock');
    endpoint.present = s.present;
    endpoint.type = s.type;
    endpoint.foundAt = s.foundAt;
    endpoint.reason = s.present ? undefined : `dockershim needs Docker, but ${s.reason ?? '/var/run/docker.sock is missing'}`;
  } else if (ep.path) {
    const s = socketAt(ctx, ep.path);
    endpoint.present = s.present;
    endpoint.type = s.type;
    endpoint.reason = s.reason;
    endpoint.foundAt = s.foundAt;
    for (const k of KNOWN_SOCKETS) {
      if (k === ep.path || k === s.foundAt) continue;
      const o = socketAt(ctx, k);
      if (o.present && !endpoint.otherSockets.includes(o.foundAt ?? k)) endpoint.otherSockets.push(o.foundAt ?? k);
    }
  }

  const kind = endpointKind(endpointValue);
  const ev: RuntimeEvidence = {
    settings: {
      from: settings.from,
      ...(settings.unknown ? { unknown: settings.unknown } : {}),
      note: settings.note,
      cgroupDriver: settings.cgroupDriver,
      cgroupDriverSet: settings.cgroupDriverSet,
      kubeletVersion: settings.kubeletVersion,
      cites: { cgroupDriver: settings.cites.cgroupDriver!, containerRuntimeEndpoint: settings.cites.containerRuntimeEndpoint! },
    },
    endpoint,
    kind,
    processes: [],
    problems,
  };

  // runtime configs: the one the endpoint names first, the others too when present (for hints)
  if (kind === 'containerd' || kind === 'unknown') {
    const k3s = /\/k3s\//.test(endpointValue);
    const order = k3s ? [CONTAINERD_CONFIGS[1]!, ...CONTAINERD_CONFIGS.filter((c) => c !== CONTAINERD_CONFIGS[1])] : CONTAINERD_CONFIGS;
    for (const f of order) {
      const c = readContainerd(root, f, onSource);
      if (c) {
        ev.containerd = c;
        break;
      }
    }
  }
  if (kind === 'crio' || kind === 'unknown') ev.crio = readCrio(root, onSource);
  if (kind === 'docker' || kind === 'cri-dockerd' || kind === 'unknown') {
    const m = readText(root, '/proc/mounts');
    const v2 = m.ok && cgroupVersion(parseMounts(m.text).entries).version === 'v2';
    ev.docker = readDocker(root, v2, onSource);
  }
  for (const c of [ev.containerd, ev.crio, ev.docker]) for (const p of c?.problems ?? []) problems.push(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);

  if (kind === 'containerd') {
    // without any config.toml containerd runs its built-in defaults: cgroupfs driver, CRI enabled
    const c = ev.containerd;
    ev.driver = c
      ? { runtime: 'containerd', value: c.systemdCgroup.value ? 'systemd' : 'cgroupfs', default: c.systemdCgroup.default, cite: c.systemdCgroup.cite }
      : {
          runtime: 'containerd',
          value: 'cgroupfs',
          default: true,
          cite: { kind: 'absent', source: display(root, '/etc/containerd/config.toml'), text: '/etc/containerd/config.toml does not exist: containerd runs its defaults (SystemdCgroup = false, the cgroupfs driver)' },
        };
    ev.runtimeReportsDriver = (c?.version ?? 0) >= 3;
  } else if (kind === 'crio') {
    const c = ev.crio;
    ev.driver = c
      ? { runtime: 'crio', value: c.cgroupManager.value, default: c.cgroupManager.default, cite: c.cgroupManager.cite }
      : { runtime: 'crio', value: 'systemd', default: true, cite: { kind: 'absent', source: display(root, '/etc/crio/crio.conf'), text: 'no crio.conf: CRI-O defaults to cgroup_manager = "systemd"' } };
  } else if ((kind === 'docker' || kind === 'cri-dockerd') && ev.docker) {
    ev.driver = { runtime: kind, value: ev.docker.cgroupDriver.value, default: ev.docker.cgroupDriver.default, cite: ev.docker.cgroupDriver.cite };
  }

  const { procs } = findProcesses(root);
  ev.processes = findRuntimes(root, procs).map((p) => ({ name: p.name, pid: p.pid, source: p.source }));
  return { ok: true, value: ev };
}
