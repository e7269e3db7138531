// Collector for the `kubeletConfig` evidence kind: the kubelet's real configuration.
//
// Where the command line comes from, in order: the running kubelet process (proc/<pid>/cmdline, NUL
// separated), else the systemd unit as systemd would assemble it (unit + drop-ins in order, ExecStart=
// resets, Environment=/EnvironmentFile= with $VAR expansion). Then the --config file (YAML or JSON) and
// --config-dir drop-ins, merged; flags override the file; kubelet defaults fill the rest. Every value
// remembers the file and line it came from, so rules can cite `var/lib/kubelet/config.yaml:12`.
// All paths are node paths read under ctx.opts.root; a live node is root `/`.

import { posix } from 'node:path';
import type { Availability } from '../evidence.js';
import type { CollectContext } from './index.js';
import { convert, deepMerge, flattenDoc, parseFlags } from './kubelet-config-parse.js';
import { DEFAULT_SOURCE_CONFIG, DEFAULT_SOURCE_FLAGS, defaultHolds, defaultOf, kubeletDefault } from './kubelet-defaults.js';
import { FLAG_FIELDS, type FieldType } from './kubelet-flags.js';
import { settingCitation, type Setting, type SettingsSource } from './kubelet-settings.js';
import { displayPath, listNodeDir, readNodeFile } from './node-fs.js';
import { buildInfoVersion } from './kubelet-binary.js';
import { chooseKubelet, findProcesses } from './proc-kubelet.js';
import { expandCommand, parseEnvironmentDirective, parseEnvironmentFile, parseUnit, type EnvValue, type UnitDirective, type UnitProblem, type Word } from './unit-file.js';

// the old import path of the setting model (collectors/kubelet-settings.ts), which rules use
export { settingCitation, settingWhere, type Setting } from './kubelet-settings.js';

export interface KubeletEffective {
  kubeconfig?: Setting<string>;
  bootstrapKubeconfig?: Setting<string>;
  hostnameOverride?: Setting<string>;
  /** Best guess of the node name: --hostname-override, else the host name (lower-cased). */
  nodeName?: Setting<string>;
  containerRuntimeEndpoint?: Setting<string>;
  cgroupDriver: Setting<string>;
  cgroupRoot: Setting<string>;
  cgroupsPerQOS: Setting<boolean>;
  enforceNodeAllocatable: Setting<string[]>;
  kubeReserved?: Setting<Record<string, string>>;
  kubeReservedCgroup?: Setting<string>;
  systemReserved?: Setting<Record<string, string>>;
  systemReservedCgroup?: Setting<string>;
  kubeletCgroups?: Setting<string>;
  runtimeCgroups?: Setting<string>;
  systemCgroups?: Setting<string>;
  failSwapOn: Setting<boolean>;
  staticPodPath: Setting<string>;
  resolvConf: Setting<string>;
  anonymousAuth: Setting<boolean>;
  webhookAuthn: Setting<boolean>;
  clientCAFile?: Setting<string>;
  authorizationMode: Setting<string>;
  readOnlyPort: Setting<number>;
  tlsCertFile?: Setting<string>;
  tlsPrivateKeyFile?: Setting<string>;
  rotateCertificates: Setting<boolean>;
  serverTLSBootstrap: Setting<boolean>;
  podCIDR?: Setting<string>;
  certDir: Setting<string>;
  rootDir: Setting<string>;
  networkPlugin?: Setting<string>;
  containerRuntime?: Setting<string>;
  cniConfDir?: Setting<string>;
  cniBinDir?: Setting<string>;
  featureGates: Setting<Record<string, boolean>>;
}

export interface KubeletConfigEvidence {
  /** Where the command line was read: the running process, the systemd unit, or nowhere. */
  origin: 'process' | 'unit' | 'none';
  process?: { pid: number; source: string };
  unit?: {
    name: string;
    /** Files in the order systemd reads them (unit, then drop-ins). */
    files: string[];
    execStart?: { source: string; line: number; endLine: number; file: string };
    environmentFiles: { path: string; optional: boolean; found: boolean; source: string; line: number }[];
  };
  /** kubelet binary and its arguments (after expansion). */
  binary?: string;
  args: string[];
  /** Flags by name (without dashes); the last occurrence wins, as in pflag. */
  flags: Record<string, Setting<string>>;
  /** Flags given more than once (all occurrences). */
  repeatedFlags: Record<string, Setting<string>[]>;
  /** KubeletConfiguration files read (the --config file, then --config-dir drop-ins). */
  configFiles: string[];
  configFormat?: 'yaml' | 'json';
  /** The --config file as given (node path shown as in citations), if any. */
  configPath?: string;
  /**
   * A KubeletConfiguration file (--config, or a --config-dir drop-in) the kubelet cannot use: missing, unreadable,
   * or not parsing. The kubelet exits at start-up with it, and every setting the file would hold is unknown
   * (never a default).
   */
  configInvalid?: { kind: 'missing' | 'unreadable' | 'invalid'; source: string; path: string; line?: number; text?: string; message: string };
  /** Every field of the merged config file(s) by dotted path, with its source line. */
  configFields: Record<string, Setting>;
  /** Effective values with their sources: flag > config file > kubelet default. */
  settings: KubeletEffective;
  /** Plain values that are explicitly set (flag or config file; defaults left out), by setting name. */
  values: Record<string, unknown>;
  /** Where each explicitly set value came from, by setting name (for other collectors' citations). */
  fields: Record<string, { source: string; line?: number; text: string }>;
  /** Broken unit lines (missing `\` continuation, bogus directives, missing EnvironmentFile). */
  unitProblems: UnitProblem[];
  /** Anything else that could not be read, said plainly (file and line where possible). */
  problems: string[];
  kubeletVersion?: string;
  /** Lower-cased /etc/hostname of the node, when known. */
  hostname?: string;
}

// ---- where units live --------------------------------------------------------------------------------

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** Unit names that start a kubelet, in order of preference (kubeadm/EKS/GKE, k3s, rke2, microk8s). */
export const KUBELET_UNITS = [
  'kubelet.service',
  'k3s.service',
  'k3s-agent.service',
  'rke2-server.service',
  'rke2-agent.service',
  'snap.microk8s.daemon-kubelite.service',
  'snap.microk8s.daemon-kubelet.service',
];

/** Files systemd reads for `name`: the first unit file found by precedence, then drop-ins by name. */
function unitFiles(root: string, name: string): string[] {
  let main: string | undefined;
  for (const d of UNIT_DIRS) {
    const p = posix.join(d, name);
    if (readNodeFile(root, p).ok) {
      main = p;
      break;
    }
  }
  if (!main) return [];
  // drop-ins: every <dir>/<name>.d/*.conf; a name in a higher-precedence dir masks the same name below
  const byName = new Map<string, string>();
  for (const d of [...UNIT_DIRS].reverse()) {
    const dir = posix.join(d, `${name}.d`);
    for (const f of listNodeDir(root, dir)) if (f.endsWith('.conf')) byName.set(f, posix.join(dir, f));
  }
  const dropIns = [...byName.keys()].sort().map((k) => byName.get(k)!);
  return [main, ...dropIns];
}

// ---- the collector ----------------------------------------------------------------------------------

interface CommandLine {
  words: Word[];
  origin: KubeletConfigEvidence['origin'];
  process?: KubeletConfigEvidence['process'];
  unit?: KubeletConfigEvidence['unit'];
  problems: UnitProblem[];
  notes: string[];
}

function fromProcess(ctx: CollectContext, execStart: string | undefined, problems: string[]): (CommandLine & { exeHost?: string }) | undefined {
  // the plain kubelet binary (or hyperkube kubelet): wrappers such as k3s carry no kubelet flags in argv;
  // only a process running root's own binary is believed (its flags name files read as root)
  const choice = chooseKubelet(ctx.opts.root, findProcesses(ctx.opts.root).procs, execStart, true);
  for (const r of choice.refused) problems.push(r.reason);
  const proc = choice.kubelet;
  if (!proc) return undefined;
  ctx.source({ name: proc.source, kind: 'collector', format: 'cmdline', problems: [] });
  const words: Word[] = proc.argv.map((a, i) => ({ word: a, display: proc.source, file: `/proc/${proc.pid}/cmdline`, line: i + 1 }));
  return { words, origin: 'process', process: { pid: proc.pid, source: proc.source }, problems: [], notes: [], exeHost: proc.trust.exeHost };
}

function fromUnit(ctx: CollectContext): CommandLine | undefined {
  const root = ctx.opts.root;
  for (const name of KUBELET_UNITS) {
    const files = unitFiles(root, name);
    if (!files.length) continue;
    const problems: UnitProblem[] = [];
    const notes: string[] = [];
    const directives: UnitDirective[] = [];
    const displays: string[] = [];
    for (const p of files) {
      const f = readNodeFile(root, p);
      if (!f.ok) {
        notes.push(`${f.display}: ${f.reason}`);
        continue;
      }
      displays.push(f.display);
      const parsed = parseUnit(f.text, p, f.display);
      problems.push(...parsed.problems);
      directives.push(...parsed.directives);
      ctx.source({ name: f.display, kind: 'collector', format: 'systemd-unit', problems: parsed.problems.map((x) => x.message) });
    }
    const svc = directives.filter((d) => d.section === 'Service');
    // ExecStart=: an empty assignment resets the list; the kubelet runs the last one after the reset
    let exec: UnitDirective | undefined;
    for (const d of svc) if (d.key === 'ExecStart') exec = d.value === '' ? undefined : d;
    // Environment= first, then EnvironmentFile= (files override Environment= settings)
    const env = new Map<string, EnvValue>();
    for (const d of svc) if (d.key === 'Environment') for (const [k, v] of parseEnvironmentDirective(d)) env.set(k, v);
    const envFiles: NonNullable<KubeletConfigEvidence['unit']>['environmentFiles'] = [];
    for (const d of svc) {
      if (d.key !== 'EnvironmentFile') continue;
      if (d.value === '') {
        envFiles.length = 0;
        continue;
      }
      const optional = d.value.startsWith('-');
      const path = d.value.replace(/^-/, '');
      const f = readNodeFile(root, path);
      envFiles.push({ path, optional, found: f.ok, source: d.display, line: d.line });
      if (!f.ok) {
        if (!optional)
          problems.push({
            kind: 'env-file-missing',
            file: d.file,
            display: d.display,
            line: d.line,
            endLine: d.endLine,
            text: `EnvironmentFile=${d.value}`,
            message: `${d.display}:${d.line}: EnvironmentFile=${path} is required (no "-" prefix) but ${f.reason}; systemd refuses to start the unit`,
          });
        continue;
      }
      ctx.source({ name: f.display, kind: 'collector', format: 'environment-file', problems: [] });
      for (const [k, v] of parseEnvironmentFile(f.text, path, f.display)) env.set(k, v);
    }
    const unit: KubeletConfigEvidence['unit'] = { name, files: displays, environmentFiles: envFiles };
    if (!exec) {
      notes.push(`${name}: no ExecStart= found in ${displays.join(', ')}`);
      return { words: [], origin: 'unit', unit, problems, notes };
    }
    unit.execStart = { source: exec.display, line: exec.line, endLine: exec.endLine, file: exec.file };
    let words = expandCommand(exec, env);
    // strip systemd's ExecStart prefixes (-, @, :, +, !)
    if (words[0]) words[0] = { ...words[0], word: words[0].word.replace(/^[-@:+!]+/, '') };
    // k3s / rke2 pass kubelet flags as --kubelet-arg=flag=value; microk8s keeps them in an args file
    const bin = posix.basename(words[0]?.word ?? '');
    if (/^(k3s|rke2)$/.test(bin)) {
      const kubeletArgs: Word[] = [{ ...words[0]!, word: 'kubelet' }];
      for (let i = 1; i < words.length; i++) {
        const m = /^--kubelet-arg(?:=(.*))?$/.exec(words[i]!.word);
        if (!m) continue;
        const v = m[1] ?? words[++i]?.word ?? '';
        kubeletArgs.push({ ...words[i]!, word: v.startsWith('-') ? v : `--${v}` });
      }
      notes.push(`${name}: ${bin} runs the kubelet in-process; only --kubelet-arg flags are known`);
      words = kubeletArgs;
    } else if (/microk8s/.test(name)) {
      const argsFile = readNodeFile(root, '/var/snap/microk8s/current/args/kubelet');
      if (argsFile.ok) {
        ctx.source({ name: argsFile.display, kind: 'collector', format: 'args', problems: [] });
        words = [{ ...words[0]!, word: 'kubelet' }];
        argsFile.text.split('\n').forEach((l, i) => {
          for (const w of l.trim().split(/\s+/).filter((x) => x && !x.startsWith('#'))) words.push({ word: w.replace(/^"|"$/g, ''), display: argsFile.display, file: argsFile.path, line: i + 1 });
        });
      }
    }
    return { words, origin: 'unit', unit, problems, notes };
  }
  return undefined;
}


export async function collect(ctx: CollectContext): Promise<Availability<KubeletConfigEvidence>> {
  const root = ctx.opts.root;
  const problems: string[] = [];
  const unit = fromUnit(ctx);
  const execStart = unit?.words[0]?.word;
  const proc = fromProcess(ctx, execStart?.startsWith('/') ? execStart : undefined, problems);
  const cmd = proc ?? unit;
  if (!cmd) {
    return {
      ok: false,
      reason: `kubeletConfig: no kubelet process under ${displayPath(root, '/proc')} and no kubelet unit (tried ${KUBELET_UNITS.join(', ')} in ${UNIT_DIRS.join(', ')})`,
    };
  }
  problems.push(...(unit?.notes ?? []));
  const words = cmd.words;
  const binary = words[0]?.word;
  const skip = posix.basename(binary ?? '') === 'hyperkube' && words[1]?.word === 'kubelet' ? 2 : 1;
  const { flags, repeated } = parseFlags(words.slice(skip));

  // the KubeletConfiguration file (+ drop-ins)
  let configValue: Record<string, unknown> = {};
  let config: Record<string, Setting> = {};
  const configFiles: string[] = [];
  let configFormat: 'yaml' | 'json' | undefined;
  let configInvalid: KubeletConfigEvidence['configInvalid'];
  const cfgFlag = flags.config?.value;
  const readConfig = (nodePath: string): boolean => {
    const f = readNodeFile(root, nodePath);
    if (!f.ok) {
      problems.push(`kubelet config file ${f.display}: ${f.reason}`);
      configInvalid ??= { kind: f.missing ? 'missing' : 'unreadable', source: f.display, path: nodePath, message: f.reason };
      return false;
    }
    try {
      const parsed = flattenDoc(f.text, nodePath, f.display);
      configValue = deepMerge(configValue, parsed.value);
      config = { ...config, ...parsed.fields };
      configFiles.push(f.display);
      configFormat ??= parsed.format;
      ctx.source({ name: f.display, kind: 'collector', format: parsed.format, problems: parsed.warnings });
      return true;
    } catch (e) {
      const message = (e as Error).message;
      problems.push(message);
      ctx.source({ name: f.display, kind: 'collector', problems: [message] });
      // the first file that does not parse is the one the kubelet stops at
      if (!configInvalid || configInvalid.kind !== 'invalid') {
        const at = message.startsWith(`${f.display}:`) ? /^:(\d+):/.exec(message.slice(f.display.length)) : null;
        const line = at ? Number(at[1]) : undefined;
        const text = line !== undefined ? f.text.split('\n')[line - 1]?.trim() : undefined;
        configInvalid = { kind: 'invalid', source: f.display, path: nodePath, ...(line !== undefined ? { line } : {}), ...(text ? { text } : {}), message: message.startsWith(f.display) ? message.slice(f.display.length).replace(/^(?::\d+)?:\s*/, '') : message };
      }
      return false;
    }
  };
  if (cfgFlag) readConfig(cfgFlag.startsWith('/') ? cfgFlag : posix.join('/', cfgFlag));
  const cfgDir = flags['config-dir']?.value;
  if (cfgDir) for (const f of listNodeDir(root, cfgDir).filter((n) => n.endsWith('.conf'))) readConfig(posix.join(cfgDir, f));
  const haveConfig = configFiles.length > 0 || !!cfgFlag;

  const hostnameFile = readNodeFile(root, '/etc/hostname');
  const hostname = hostnameFile.ok ? hostnameFile.text.trim().split(/\s+/)[0]?.toLowerCase() : undefined;

  // effective value: flag > config file > default
  const defSource = haveConfig ? DEFAULT_SOURCE_CONFIG : DEFAULT_SOURCE_FLAGS;
  function eff<T>(field: string, flag: string | undefined, def: T | undefined, type: FieldType = 'string'): Setting<T> | undefined {
    if (flag && flags[flag]) {
      const f = flags[flag]!;
      return { ...f, value: convert(f.value, type) as T };
    }
    const c = config[field];
    if (c && c.value !== null && c.value !== undefined) return c as Setting<T>;
    if (def === undefined) return undefined;
    return { value: def, origin: 'default', source: defSource, field };
  }
  // one defaults table for every collector (kubelet-defaults.ts); the flag path keeps its own
  const dflt = <T>(field: string): T => defaultOf<T>(field, { version: ctx.opts.kubeletVersion, configFile: haveConfig });
  const flagOnly = (flag: string): Setting<string> | undefined => flags[flag];
  const fieldFlag = (field: string) => Object.entries(FLAG_FIELDS).find(([, v]) => v.field === field)?.[0];
  const e = <T>(field: string, def: T | undefined) => eff<T>(field, fieldFlag(field), def, FLAG_FIELDS[fieldFlag(field) ?? '']?.type ?? 'string');

  const hostnameOverride = flagOnly('hostname-override') ?? (ctx.opts.hostnameOverride ? { value: ctx.opts.hostnameOverride, origin: 'flag' as const, source: '--hostname-override (kubelet-doctor option)', field: '--hostname-override' } : undefined);
  const nodeName: Setting<string> | undefined = hostnameOverride
    ? { ...hostnameOverride, value: hostnameOverride.value.toLowerCase() }
    : hostname
      ? { value: hostname, origin: 'default', source: hostnameFile.ok ? hostnameFile.display : 'hostname', line: 1, field: 'hostname', note: 'the kubelet registers under the lower-cased host name' }
      : undefined;

  const featureGates = (e<Record<string, boolean>>('featureGates', {}) ?? { value: {}, origin: 'default', source: defSource, field: 'featureGates' }) as Setting<Record<string, boolean>>;
  const effective: KubeletEffective = {
    kubeconfig: flagOnly('kubeconfig'),
    bootstrapKubeconfig: flagOnly('bootstrap-kubeconfig') ?? flagOnly('experimental-bootstrap-kubeconfig'),
    hostnameOverride,
    nodeName,
    containerRuntimeEndpoint: e<string>('containerRuntimeEndpoint', undefined),
    cgroupDriver: e<string>('cgroupDriver', dflt('cgroupDriver'))!,
    cgroupRoot: e<string>('cgroupRoot', dflt('cgroupRoot'))!,
    cgroupsPerQOS: e<boolean>('cgroupsPerQOS', dflt('cgroupsPerQOS'))!,
    enforceNodeAllocatable: e<string[]>('enforceNodeAllocatable', dflt('enforceNodeAllocatable'))!,
    kubeReserved: e<Record<string, string>>('kubeReserved', undefined),
    kubeReservedCgroup: e<string>('kubeReservedCgroup', undefined),
    systemReserved: e<Record<string, string>>('systemReserved', undefined),
    systemReservedCgroup: e<string>('systemReservedCgroup', undefined),
    kubeletCgroups: e<string>('kubeletCgroups', undefined),
    runtimeCgroups: flagOnly('runtime-cgroups') ?? (config.runtimeCgroups as Setting<string> | undefined),
    systemCgroups: e<string>('systemCgroups', undefined),
    failSwapOn: e<boolean>('failSwapOn', dflt('failSwapOn'))!,
    staticPodPath: e<string>('staticPodPath', dflt('staticPodPath'))!,
    resolvConf: e<string>('resolvConf', dflt('resolvConf'))!,
    anonymousAuth: e<boolean>('authentication.anonymous.enabled', dflt('authentication.anonymous.enabled'))!,
    webhookAuthn: e<boolean>('authentication.webhook.enabled', dflt('authentication.webhook.enabled'))!,
    clientCAFile: e<string>('authentication.x509.clientCAFile', undefined),
    authorizationMode: e<string>('authorization.mode', dflt('authorization.mode'))!,
    readOnlyPort: e<number>('readOnlyPort', dflt('readOnlyPort'))!,
    tlsCertFile: e<string>('tlsCertFile', undefined),
    tlsPrivateKeyFile: e<string>('tlsPrivateKeyFile', undefined),
    rotateCertificates: e<boolean>('rotateCertificates', dflt('rotateCertificates'))!,
    serverTLSBootstrap: e<boolean>('serverTLSBootstrap', dflt('serverTLSBootstrap'))!,
    podCIDR: e<string>('podCIDR', undefined),
    certDir: flagOnly('cert-dir') ?? { value: '/var/lib/kubelet/pki', origin: 'default', source: defSource, field: '--cert-dir' },
    rootDir: flagOnly('root-dir') ?? { value: '/var/lib/kubelet', origin: 'default', source: defSource, field: '--root-dir' },
    networkPlugin: flagOnly('network-plugin'),
    containerRuntime: flagOnly('container-runtime'),
    cniConfDir: flagOnly('cni-conf-dir'),
    cniBinDir: flagOnly('cni-bin-dir'),
    featureGates,
  };
  // a default cites the versions it holds for, from the one table
  for (const v of Object.values(effective) as (Setting | undefined)[]) {
    if (!v || v.origin !== 'default' || v.note) continue;
    const d = kubeletDefault(v.field, { version: ctx.opts.kubeletVersion, configFile: haveConfig });
    if (d) v.note = defaultHolds(d.entry, haveConfig);
  }
  // a kubelet started with --cert-dir relative paths: tls files are relative to nothing; keep as given
  void configValue;

  const values: Record<string, unknown> = {};
  const fields: KubeletConfigEvidence['fields'] = {};
  for (const [k, v] of Object.entries(effective) as [string, Setting | undefined][]) {
    if (!v || v.origin === 'default') continue;
    values[k] = v.value;
    fields[k] = { source: v.source, ...(v.line !== undefined ? { line: v.line } : {}), text: settingCitation(v).text };
  }
  const evidence: KubeletConfigEvidence = {
    origin: cmd.origin,
    process: cmd.process,
    unit: unit?.unit,
    binary,
    args: words.slice(1).map((w) => w.word),
    flags,
    repeatedFlags: repeated,
    configFiles,
    configFormat,
    ...(configFiles[0] ? { configPath: configFiles[0] } : {}),
    ...(configInvalid ? { configInvalid } : {}),
    configFields: config,
    settings: effective,
    values,
    fields,
    unitProblems: unit?.problems ?? [],
    problems,
    kubeletVersion: ctx.opts.kubeletVersion ?? buildInfoVersion(root, proc?.exeHost, execStart) ?? packagedVersion(root),
    hostname,
  };
  // the collectors' view of the settings (kubelet-settings.ts settingsView) reads this evidence
  return { ok: true, value: evidence satisfies SettingsSource };
}

/** The kubelet package version from the dpkg database (deb systems), e.g. `1.30.2-1.1` → `v1.30.2`. */
function packagedVersion(root: string): string | undefined {
  const f = readNodeFile(root, '/var/lib/dpkg/status');
  if (!f.ok) return undefined;
  const m = /(?:^|\n)Package: kubelet\n(?:[^\n]+\n)*?Version: (?:\d+:)?(\d+\.\d+\.\d+)/.exec(f.text);
  return m ? `v${m[1]}` : undefined;
}

