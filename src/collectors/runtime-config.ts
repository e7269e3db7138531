// Reading the container runtimes' own configuration under the root: containerd config.toml
// (config versions 1, 2 and 3 / containerd 2.x, with imports), CRI-O crio.conf + crio.conf.d, and
// Docker's daemon.json. Only the keys kubelet-doctor compares: the cgroup driver, the CRI plugin,
// the sandbox (pause) image, the CNI directories and the socket address.

import { posix } from 'node:path';
import type { Citation } from '../types.js';
import { parseJsonAt } from './strict-json.js';
import { BadPatternError, goGlob, type GlobFs } from './go-glob.js';
import { display, listDir, looksBinary, probe, readText } from './proc-fs.js';
import { parseToml, tomlGet, type TomlDoc, type TomlEntry } from './runtime-toml.js';

/** A value with where it came from (or that a default applies). */
export interface Sourced<T> {
  value: T;
  /** True when no config line set it (the runtime's default). */
  default: boolean;
  cite: Citation;
}

export interface ConfigFileProblem {
  file: string;
  line?: number;
  message: string;
}

export interface ContainerdConfig {
  files: string[];
  /** Config schema version (1 when absent; 3 = containerd 2.x). */
  version: number;
  /** runc's cgroup driver: SystemdCgroup under the default runtime's options. */
  systemdCgroup: Sourced<boolean>;
  /** The CRI plugin is listed in disabled_plugins. */
  criDisabled?: Sourced<string[]>;
  sandboxImage?: Sourced<string>;
  cniConfDir: Sourced<string>;
  cniBinDirs: Sourced<string[]>;
  address: Sourced<string>;
  problems: ConfigFileProblem[];
}

export interface CrioConfig {
  files: string[];
  cgroupManager: Sourced<string>;
  pauseImage?: Sourced<string>;
  networkDir: Sourced<string>;
  pluginDirs: Sourced<string[]>;
  listen: Sourced<string>;
  problems: ConfigFileProblem[];
}

export interface DockerConfig {
  files: string[];
  /** native.cgroupdriver from exec-opts (default cgroupfs on cgroup v1, systemd on v2). */
  cgroupDriver: Sourced<string>;
  problems: ConfigFileProblem[];
}

function def<T>(value: T, source: string, field: string, why = 'not set: the default applies'): Sourced<T> {
  return { value, default: true, cite: { kind: 'config', source, field, value: Array.isArray(value) ? `[${value.join(', ')}]` : String(value), text: `${field} ${why}` } };
}

function fromEntry<T>(e: TomlEntry, file: string, value: T, field?: string): Sourced<T> {
  return { value, default: false, cite: { kind: 'config', source: file, line: e.line, text: e.text, field: field ?? e.path.join('.'), value: Array.isArray(value) ? `[${value.join(', ')}]` : String(value) } };
}

interface Loaded {
  /** Shown path. */
  file: string;
  /** Path on the node. */
  node: string;
  doc: TomlDoc;
}

/** Read one TOML file; `importedBy` (the imports line naming it) makes a missing file a problem, as containerd fails on it. */
function loadToml(root: string, file: string, problems: ConfigFileProblem[], onSource: (name: string, lines: number, problems: string[]) => void, importedBy?: { file: string; line: number }): Loaded | undefined {
  const r = readText(root, file);
  if (!r.ok) {
    if (importedBy) problems.push({ ...importedBy, message: `imports ${file}, which cannot be read (${r.reason}): containerd refuses to start` });
    else if (r.code !== 'ENOENT' && r.code !== 'ENOTDIR') problems.push({ file: r.path, message: r.reason });
    return undefined;
  }
  if (looksBinary(r.text)) {
    problems.push({ file: r.path, message: `${r.path} holds binary data, not TOML` });
    return undefined;
  }
  const doc = parseToml(r.text);
  for (const e of doc.errors) problems.push({ file: r.path, line: e.line, message: e.message });
  onSource(r.path, r.text.split('\n').length, doc.errors.map((e) => `line ${e.line}: ${e.message}`));
  return { file: r.path, node: file, doc };
}

/** Find the last definition of `path` across files (later files override earlier ones). */
function last(files: Loaded[], path: string[]): { e: TomlEntry; file: string } | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const e = tomlGet(files[i]!.doc, path);
    if (e) return { e, file: files[i]!.file };
  }
  return undefined;
}

function strList(v: unknown): string[] | undefined {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (typeof v === 'string') return [v];
  return undefined;
}

/** Longest path Linux opens (PATH_MAX): a longer import names nothing containerd could read. */
const PATH_MAX = 4096;
/** Imported files read at most (bounded work on a hostile glob; real configs import a handful). */
const MAX_IMPORTS = 256;

/**
 * containerd's resolveImports: an entry is cleaned and taken relative to the importing file's directory,
 * and one holding `*` is expanded with Go's filepath.Glob (go-glob.ts); others are taken as they are,
 * so a missing one is an error when it is opened. A malformed pattern stops containerd.
 */
function resolveImports(root: string, parent: string, imports: string[], problems: ConfigFileProblem[], cite: { file: string; line: number }): string[] {
  const out: string[] = [];
  const fs: GlobFs = {
    exists: (p) => probe(root, p).ok,
    list: (d) => {
      const l = listDir(root, d);
      return l.ok ? l.entries : undefined;
    },
  };
  for (const imp of imports) {
    let p = posix.normalize(imp || '.').replace(/(?<=.)\/+$/, '');
    if (!p.startsWith('/')) p = posix.join(posix.dirname(parent), p);
    if (!p.includes('*')) out.push(p);
    else if (Buffer.byteLength(p) > PATH_MAX) problems.push({ ...cite, message: `imports entry ${JSON.stringify(imp.slice(0, 80))}… is longer than PATH_MAX (${PATH_MAX} bytes): it names no file containerd can read` });
    else
      try {
        out.push(...goGlob(p, fs));
      } catch (e) {
        if (!(e instanceof BadPatternError)) throw e;
        problems.push({ ...cite, message: `imports entry ${JSON.stringify(imp)} is not a valid glob (${e.message}): containerd refuses to start` });
      }
  }
  return out;
}

export const CONTAINERD_CONFIGS = ['/etc/containerd/config.toml', '/var/lib/rancher/k3s/agent/etc/containerd/config.toml', '/var/lib/rancher/rke2/agent/etc/containerd/config.toml'];

export function readContainerd(root: string, main: string, onSource: (name: string, lines: number, problems: string[]) => void): ContainerdConfig | undefined {
  const problems: ConfigFileProblem[] = [];
  const first = loadToml(root, main, problems, onSource);
  if (!first) return problems.length ? emptyContainerd(display(root, main), problems) : undefined;
  // containerd's LoadConfig: the main file, then what it imports, then what those import (breadth first),
  // each file once; later files override earlier ones. A file that cannot be opened stops containerd.
  const files: Loaded[] = [first];
  const seen = new Set([main]);
  for (let i = 0; i < files.length; i++) {
    const from = files[i]!;
    const imports = tomlGet(from.doc, ['imports']);
    if (!imports) continue;
    const cite = { file: from.file, line: imports.line };
    for (const f of resolveImports(root, from.node, strList(imports.value) ?? [], problems, cite)) {
      if (seen.has(f)) continue;
      if (seen.size > MAX_IMPORTS) {
        problems.push({ ...cite, message: `imports more than ${MAX_IMPORTS} files: the rest are not read` });
        break;
      }
      seen.add(f);
      const l = loadToml(root, f, problems, onSource, cite);
      if (l) files.push(l);
    }
  }
  const verE = last(files, ['version']);
  const version = typeof verE?.e.value === 'number' ? verE.e.value : 1;
  const cri = version >= 3 ? ['plugins', 'io.containerd.cri.v1.runtime'] : version === 2 ? ['plugins', 'io.containerd.grpc.v1.cri'] : ['plugins', 'cri'];
  const images = version >= 3 ? ['plugins', 'io.containerd.cri.v1.images'] : cri;
  const shown = display(root, main);

  // runc's cgroup driver: the default runtime's options, then the legacy systemd_cgroup switch
  const rtName = last(files, [...cri, 'containerd', 'default_runtime_name']);
  const runtime = typeof rtName?.e.value === 'string' ? rtName.e.value : 'runc';
  const sc = last(files, [...cri, 'containerd', 'runtimes', runtime, 'options', 'SystemdCgroup']);
  const legacy = version < 3 ? last(files, [...cri, 'systemd_cgroup']) : undefined;
  let systemdCgroup: Sourced<boolean>;
  if (sc && typeof sc.e.value === 'boolean') systemdCgroup = fromEntry(sc.e, sc.file, sc.e.value, 'SystemdCgroup');
  else if (legacy && typeof legacy.e.value === 'boolean') systemdCgroup = fromEntry(legacy.e, legacy.file, legacy.e.value, 'systemd_cgroup');
  else systemdCgroup = def(false, shown, `${[...cri, 'containerd', 'runtimes', runtime, 'options'].map((p) => (p.includes('.') ? `"${p}"` : p)).join('.')}.SystemdCgroup`, 'not set: containerd defaults to the cgroupfs driver');

  const dp = last(files, ['disabled_plugins']);
  const disabled = strList(dp?.e.value) ?? [];
  const criIds = ['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime'];
  const criDisabled = dp && disabled.some((d) => criIds.includes(d)) ? fromEntry(dp.e, dp.file, disabled, 'disabled_plugins') : undefined;

  const sb = version >= 3 ? last(files, [...images, 'pinned_images', 'sandbox']) : last(files, [...cri, 'sandbox_image']);
  const sandboxImage = sb && typeof sb.e.value === 'string' ? fromEntry(sb.e, sb.file, sb.e.value) : undefined;

  const cd = last(files, [...cri, 'cni', 'conf_dir']);
  const bds = last(files, [...cri, 'cni', 'bin_dirs']);
  const bd = last(files, [...cri, 'cni', 'bin_dir']);
  const cniConfDir = cd && typeof cd.e.value === 'string' ? fromEntry(cd.e, cd.file, cd.e.value, 'cni.conf_dir') : def('/etc/cni/net.d', shown, 'cni.conf_dir');
  const cniBinDirs = bds && strList(bds.e.value) ? fromEntry(bds.e, bds.file, strList(bds.e.value)!, 'cni.bin_dirs') : bd && typeof bd.e.value === 'string' ? fromEntry(bd.e, bd.file, [bd.e.value], 'cni.bin_dir') : def(['/opt/cni/bin'], shown, 'cni.bin_dir');
  const ad = last(files, ['grpc', 'address']);
  const address = ad && typeof ad.e.value === 'string' ? fromEntry(ad.e, ad.file, ad.e.value, 'grpc.address') : def(main.includes('/rancher/k3s/') ? '/run/k3s/containerd/containerd.sock' : '/run/containerd/containerd.sock', shown, 'grpc.address');
  return { files: files.map((f) => f.file), version, systemdCgroup, criDisabled, sandboxImage, cniConfDir, cniBinDirs, address, problems };
}

function emptyContainerd(main: string, problems: ConfigFileProblem[]): ContainerdConfig {
  return {
    files: [],
    version: 0,
    systemdCgroup: def(false, main, 'SystemdCgroup', 'unknown: the config could not be read'),
    cniConfDir: def('/etc/cni/net.d', main, 'cni.conf_dir'),
    cniBinDirs: def(['/opt/cni/bin'], main, 'cni.bin_dir'),
    address: def('/run/containerd/containerd.sock', main, 'grpc.address'),
    problems,
  };
}

export function readCrio(root: string, onSource: (name: string, lines: number, problems: string[]) => void): CrioConfig | undefined {
  const problems: ConfigFileProblem[] = [];
  const files: Loaded[] = [];
  const main = loadToml(root, '/etc/crio/crio.conf', problems, onSource);
  if (main) files.push(main);
  const d = listDir(root, '/etc/crio/crio.conf.d');
  if (d.ok) for (const e of d.entries) if (!e.startsWith('.')) {
    const l = loadToml(root, `/etc/crio/crio.conf.d/${e}`, problems, onSource);
    if (l) files.push(l);
  }
  if (!files.length && !problems.length) return undefined;
  const shown = files[0]?.file ?? display(root, '/etc/crio/crio.conf');
  const s = (path: string[], dflt: string, field: string): Sourced<string> => {
    const x = last(files, path);
    return x && typeof x.e.value === 'string' ? fromEntry(x.e, x.file, x.e.value, field) : def(dflt, shown, field);
  };
  const pi = last(files, ['crio', 'image', 'pause_image']);
  const pd = last(files, ['crio', 'network', 'plugin_dirs']);
  const pd1 = last(files, ['crio', 'network', 'plugin_dir']);
  return {
    files: files.map((f) => f.file),
    cgroupManager: s(['crio', 'runtime', 'cgroup_manager'], 'systemd', 'crio.runtime.cgroup_manager'),
    pauseImage: pi && typeof pi.e.value === 'string' ? fromEntry(pi.e, pi.file, pi.e.value, 'crio.image.pause_image') : undefined,
    networkDir: s(['crio', 'network', 'network_dir'], '/etc/cni/net.d/', 'crio.network.network_dir'),
    pluginDirs:
      pd && strList(pd.e.value)
        ? fromEntry(pd.e, pd.file, strList(pd.e.value)!, 'crio.network.plugin_dirs')
        : pd1 && typeof pd1.e.value === 'string'
          ? fromEntry(pd1.e, pd1.file, [pd1.e.value], 'crio.network.plugin_dir')
          : def(['/opt/cni/bin/'], shown, 'crio.network.plugin_dirs'),
    listen: s(['crio', 'api', 'listen'], '/var/run/crio/crio.sock', 'crio.api.listen'),
    problems,
  };
}

export function readDocker(root: string, cgroupV2: boolean, onSource: (name: string, lines: number, problems: string[]) => void): DockerConfig | undefined {
  const r = readText(root, '/etc/docker/daemon.json');
  const file = r.path;
  if (!r.ok) return r.code === 'ENOENT' || r.code === 'ENOTDIR' ? undefined : { files: [], cgroupDriver: def(cgroupV2 ? 'systemd' : 'cgroupfs', file, 'exec-opts native.cgroupdriver'), problems: [{ file, message: r.reason }] };
  const dflt = def(cgroupV2 ? 'systemd' : 'cgroupfs', file, 'exec-opts native.cgroupdriver', `not set: Docker defaults to ${cgroupV2 ? 'systemd on cgroup v2' : 'cgroupfs on cgroup v1'}`);
  const j = parseJsonAt(r.text);
  if (!j.ok) {
    onSource(r.path, r.text.split('\n').length, [`line ${j.line}: ${j.message}`]);
    return { files: [r.path], cgroupDriver: dflt, problems: [{ file: r.path, line: j.line, message: `invalid JSON at column ${j.column}: ${j.message}` }] };
  }
  onSource(r.path, r.text.split('\n').length, []);
  const opts = (j.value as { 'exec-opts'?: unknown })?.['exec-opts'];
  const opt = (strList(opts) ?? []).map((o) => /^native\.cgroupdriver\s*=\s*(\S+)$/.exec(o.trim())?.[1]).filter(Boolean).pop();
  if (!opt) return { files: [r.path], cgroupDriver: dflt, problems: [] };
  // the exec-opts element that sets it (the last one wins, as in dockerd)
  const list = strList(opts) ?? [];
  let idx = list.length - 1;
  while (idx >= 0 && !/^native\.cgroupdriver\s*=/.test(list[idx]!.trim())) idx--;
  const at = j.find(Array.isArray(opts) ? ['exec-opts', idx] : ['exec-opts']);
  return {
    files: [r.path],
    cgroupDriver: { value: opt, default: false, cite: { kind: 'config', source: r.path, line: at?.line, text: at?.text ?? `native.cgroupdriver=${opt}`, field: 'exec-opts', value: `native.cgroupdriver=${opt}` } },
    problems: [],
  };
}
