// Collector for the `cni` evidence kind: which CNI conf and bin directories are in use (the old
// kubelet flags --cni-conf-dir/--cni-bin-dir with dockershim, containerd's CRI cni section, CRI-O's
// [crio.network], or the defaults /etc/cni/net.d and /opt/cni/bin), the config files there (each
// parsed: JSON syntax with file:line, cniVersion, name, plugin types) and whether every plugin
// binary the runtime would load exists in a bin dir.

import type { Availability } from '../evidence.js';
import type { Citation } from '../types.js';
import { CNI_EXTENSIONS, checkCniFile, type CniFile } from './cni-conf.js';
import type { CollectContext } from './index.js';
import { display, listDir, looksBinary, probe, readText } from './proc-fs.js';
import { kubeletSettings } from './kubelet-settings.js';
import type { RuntimeEvidence, RuntimeKind } from './runtime.js';

export interface CniDirs {
  paths: string[];
  /** Who decided: kubelet flag, containerd, crio, or the default. */
  from: 'kubelet' | 'containerd' | 'crio' | 'default';
  cite: Citation;
}

export interface CniPlugin {
  type: string;
  /** The config file naming it. */
  file: string;
  found: boolean;
  /** Node path of the binary when found. */
  foundAt?: string;
  /** Node paths checked. */
  checked: string[];
}

export interface CniEvidence {
  runtime: RuntimeKind;
  confDir: CniDirs;
  binDirs: CniDirs;
  /** The conf dir exists (as a directory). */
  confDirExists: boolean;
  confDirReason?: string;
  /** Files with a CNI extension, in the order libcni loads them (sorted by name). */
  files: CniFile[];
  /** Other entries in the conf dir (backups, kubeconfigs of the add-on). */
  otherEntries: string[];
  /** The file the runtime uses: the first valid one in order. */
  selected?: string;
  /** Plugin binaries of the selected config. */
  plugins: CniPlugin[];
  /** Citation for an empty/missing conf dir. */
  confDirCite: Citation;
  settings: { from: 'kubeletConfig' | 'defaults'; note?: string; /** Set when the KubeletConfiguration does not parse (the reason). */ unknown?: string };
  problems: string[];
}

const DEFAULT_CONF = '/etc/cni/net.d';
const DEFAULT_BIN = '/opt/cni/bin';

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export async function collect(ctx: CollectContext): Promise<Availability<CniEvidence>> {
  const root = ctx.opts.root;
  const top = probe(root, '/');
  if (!top.ok) return { ok: false, reason: `cni: ${top.reason}` };
  const settings = await kubeletSettings(ctx);
  const rt = await ctx.get('runtime');
  const runtime = rt.ok ? (rt.value as RuntimeEvidence) : undefined;
  const kind: RuntimeKind = runtime?.kind ?? 'unknown';
  const problems: string[] = [];
  if (!rt.ok) problems.push(`runtime configuration unavailable (${rt.reason}); CNI directories from the kubelet flags or defaults`);

  // which dirs: dockershim used the kubelet's own flags; remote runtimes use their config
  let confDir: CniDirs = { paths: [DEFAULT_CONF], from: 'default', cite: { kind: 'config', source: 'CNI default', field: 'conf dir', value: DEFAULT_CONF, text: `CNI conf dir: the default ${DEFAULT_CONF}` } };
  let binDirs: CniDirs = { paths: [DEFAULT_BIN], from: 'default', cite: { kind: 'config', source: 'CNI default', field: 'bin dir', value: DEFAULT_BIN, text: `CNI bin dir: the default ${DEFAULT_BIN}` } };
  const dockershim = kind === 'docker' && /dockershim/.test(runtime?.endpoint.value ?? settings.containerRuntimeEndpoint);
  if (dockershim || (!runtime && (settings.cniConfDir || settings.cniBinDir))) {
    if (settings.cniConfDir) confDir = { paths: [settings.cniConfDir], from: 'kubelet', cite: settings.cites.cniConfDir! };
    if (settings.cniBinDir) binDirs = { paths: settings.cniBinDir.split(',').map((s) => s.trim()).filter(Boolean), from: 'kubelet', cite: settings.cites.cniBinDir! };
  } else if (kind === 'containerd' && runtime?.containerd) {
    const c = runtime.containerd;
    confDir = { paths: [c.cniConfDir.value], from: c.cniConfDir.default ? 'default' : 'containerd', cite: c.cniConfDir.cite };
    binDirs = { paths: c.cniBinDirs.value, from: c.cniBinDirs.default ? 'default' : 'containerd', cite: c.cniBinDirs.cite };
  } else if (kind === 'crio' && runtime?.crio) {
    const c = runtime.crio;
    confDir = { paths: [c.networkDir.value], from: c.networkDir.default ? 'default' : 'crio', cite: c.networkDir.cite };
    binDirs = { paths: c.pluginDirs.value, from: c.pluginDirs.default ? 'default' : 'crio', cite: c.pluginDirs.cite };
  }
  confDir.paths = confDir.paths.map(trimSlash);
  binDirs.paths = binDirs.paths.map(trimSlash);
  const dir = confDir.paths[0]!;

  const ev: CniEvidence = {
    runtime: kind,
    confDir,
    binDirs,
    confDirExists: false,
    files: [],
    otherEntries: [],
    plugins: [],
    confDirCite: { kind: 'absent', source: display(root, dir), text: `${dir} does not exist` },
    settings: { from: settings.from, note: settings.note, ...(settings.unknown ? { unknown: settings.unknown } : {}) },
    problems,
  };
  const ls = listDir(root, dir);
  if (!ls.ok) {
    // a missing conf dir means "no network" only on a node: a kubelet (unit or process) or a container
    // runtime (its config, process or socket) must be there. A capture with none of them (an empty --root,
    // a tar of the wrong directory) is missing evidence, not a node without CNI.
    const runtimeSeen = !!runtime && (runtime.endpoint.present === true || runtime.processes.length > 0 || !!(runtime.containerd?.files.length || runtime.crio?.files.length || runtime.docker?.files.length));
    const kubeletSeen = (await ctx.get('kubeletConfig')).ok;
    if (!runtimeSeen && !kubeletSeen && ls.code === 'ENOENT') return { ok: false, reason: `cni: ${display(root, dir)} does not exist, and nothing of a node is there either (no kubelet unit or process, no container runtime config, process or socket): not a node's tree` };
    ev.confDirReason = ls.reason;
    if (ls.code !== 'ENOENT' && ls.code !== 'ENOTDIR') ev.confDirCite = { kind: 'absent', source: display(root, dir), text: ls.reason };
    return { ok: true, value: ev };
  }
  ev.confDirExists = true;
  for (const e of ls.entries) {
    const p = `${dir}/${e}`;
    if (!CNI_EXTENSIONS.some((x) => e.endsWith(x))) {
      if (!e.startsWith('.')) ev.otherEntries.push(e);
      continue;
    }
    const pr = probe(root, p);
    if (pr.ok && pr.type === 'dir') {
      ev.otherEntries.push(`${e}/`);
      continue;
    }
    const r = readText(root, p, 1024 * 1024);
    if (!r.ok) {
      ev.files.push({ path: display(root, p), name: e, kind: e.endsWith('.conflist') ? 'conflist' : 'conf', valid: false, types: [], problems: [r.reason], cite: { kind: 'file', source: display(root, p), text: r.reason } });
      continue;
    }
    if (looksBinary(r.text)) {
      ev.files.push({ path: r.path, name: e, kind: e.endsWith('.conflist') ? 'conflist' : 'conf', valid: false, types: [], problems: ['binary data, not JSON'], cite: { kind: 'file', source: r.path, text: 'binary data, not JSON' } });
      continue;
    }
    const f = checkCniFile(r.path, r.text);
    f.nodePath = p;
    ctx.source({ name: r.path, kind: 'file', lines: r.text.split('\n').length, problems: f.syntax ? [`line ${f.syntax.line}: ${f.syntax.message}`] : [] });
    ev.files.push(f);
  }
  ev.confDirCite = ev.files.length
    ? { kind: 'file', source: display(root, dir), text: `${dir}: ${ev.files.map((f) => f.name).join(', ')}` }
    : { kind: 'absent', source: display(root, dir), text: `${dir} has no .conf, .conflist or .json file${ev.otherEntries.length ? ` (only: ${ev.otherEntries.join(', ')})` : ' (empty)'}` };

  const selected = ev.files.find((f) => f.valid);
  if (selected) {
    ev.selected = selected.path;
    for (const type of [...new Set(selected.types)]) {
      const checked = binDirs.paths.map((b) => `${b}/${type}`);
      let foundAt: string | undefined;
      for (const c of checked) {
        const pr = probe(root, c);
        if (pr.ok && pr.type !== 'dir') {
          foundAt = c;
          break;
        }
      }
      ev.plugins.push({ type, file: selected.path, found: !!foundAt, foundAt, checked });
    }
  }
  return { ok: true, value: ev };
}
