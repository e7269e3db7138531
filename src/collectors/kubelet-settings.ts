// A kubelet setting and where it came from (a flag, the KubeletConfiguration file, or the kubelet's
// default), and how a finding cites it: what the kubelet-config collector hands to rules.

import type { Citation } from '../types.js';
import type { CollectContext } from './index.js';
import { defaultOf } from './kubelet-defaults.js';

/** A value and where it came from. */
export interface Setting<T = unknown> {
  value: T;
  /** `flag` (command line), `config` (KubeletConfiguration file), `default` (kubelet default). */
  origin: 'flag' | 'config' | 'default';
  /** File shown in citations (relative to --root on captured trees), or a description for defaults. */
  source: string;
  line?: number;
  /** Config field path (`authentication.webhook.enabled`) or flag (`--kubeconfig`). */
  field: string;
  /** The environment variable the flag was expanded from, if any. */
  via?: string;
  note?: string;
  /** The source line as written (config files), for citations. */
  text?: string;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

/** A citation for a setting: `var/lib/kubelet/config.yaml:12 authentication.webhook.enabled = true`. */
export function settingCitation(s: Setting, note?: string): Citation {
  const isFile = s.origin !== 'default' || /\//.test(s.source);
  return {
    kind: isFile && s.origin !== 'default' ? 'file' : 'config',
    source: s.source,
    ...(s.line !== undefined ? { line: s.line } : {}),
    text:
      s.origin === 'flag'
        ? `${s.field}=${s.value}${s.via ? ` (from $${s.via})` : ''}`
        : s.origin === 'default'
          ? `not set: ${s.source}`
          : (s.text ?? `${s.field}: ${show(s.value)}`),
    field: s.field,
    value: show(s.value),
    ...(note ?? s.note ? { note: note ?? s.note } : {}),
  };
}

/** Where a setting can be changed, in words (`in /var/lib/kubelet/config.yaml`, `the --read-only-port flag`). */
export function settingWhere(s: Setting): string {
  if (s.origin === 'flag') return `${s.field} in ${s.source}${s.line ? `:${s.line}` : ''}`;
  if (s.origin === 'config') return `${s.field} in ${s.source}${s.line ? `:${s.line}` : ''}`;
  return `${s.field} (not set; ${s.source})`;
}

// ---- the node-state collectors' view of the one settings model ------------------------------------
// kubelet-config.ts builds the one model (KubeletEffective: flags over file over the defaults table);
// the cgroups/system/cni/runtime collectors read this plain view of it, with a citation per field.

/** The fields of KubeletEffective the node-state collectors compare against, as plain values. */
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
  /** Empty when the kubelet has none (v1.24 to v1.26 had no default: see kubelet-defaults.ts). */
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

/** The slice of the kubeletConfig evidence this view reads (kubelet-config.ts's KubeletConfigEvidence). */
export interface SettingsSource {
  settings: Partial<Record<CitedField | 'containerRuntime', Setting | undefined>>;
  configPath?: string;
  kubeletVersion?: string;
  /** A KubeletConfiguration the kubelet cannot use (kubelet-config.ts): its settings are unknown. */
  configInvalid?: ConfigInvalid;
}

type ConfigInvalid = { kind: 'missing' | 'unreadable' | 'invalid'; source: string; line?: number };

/** Why the kubelet's settings are unknown when its KubeletConfiguration does not parse (a skip reason). */
export function configUnknownReason(c: ConfigInvalid): string {
  const what = c.kind === 'missing' ? 'does not exist' : c.kind === 'unreadable' ? 'cannot be read' : 'does not parse';
  const see = c.kind === 'missing' ? '; see config-file-missing' : c.kind === 'invalid' ? '; see config-file-invalid' : '';
  return `kubelet settings unknown: its KubeletConfiguration ${c.source}${c.line !== undefined ? `:${c.line}` : ''} ${what} (the kubelet cannot start with it${see})`;
}

const CITED_FIELDS = [
  'cgroupDriver', 'cgroupRoot', 'kubeReservedCgroup', 'systemReservedCgroup', 'kubeletCgroups', 'runtimeCgroups',
  'enforceNodeAllocatable', 'kubeReserved', 'systemReserved', 'failSwapOn', 'containerRuntimeEndpoint',
  'networkPlugin', 'cniConfDir', 'cniBinDir', 'resolvConf', 'staticPodPath',
] as const;
type CitedField = (typeof CITED_FIELDS)[number];

const DOCKERSHIM = 'unix:///var/run/dockershim.sock';

function shown(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The collectors' view of the settings model: `source` is the kubeletConfig evidence, or undefined
 * when it is unavailable (then the defaults table alone, said so in `from` and `note`).
 */
export function settingsView(source: SettingsSource | undefined, opts: { version?: string; unavailable?: string } = {}): KubeletSettings {
  // a config file that does not parse leaves every setting it would hold unknown: never compared as a default
  const unknown = source?.configInvalid ? configUnknownReason(source.configInvalid) : undefined;
  const from = source && !unknown ? 'kubeletConfig' : 'defaults';
  const note = unknown ?? (source ? undefined : `kubelet configuration unavailable (${opts.unavailable ?? 'not collected'}); kubelet defaults assumed`);
  const version = opts.version ?? source?.kubeletVersion;
  // a value set by a flag or the config file; defaults are filled below from the one table
  const set = <T>(field: CitedField | 'containerRuntime'): T | undefined => {
    const s = source?.settings[field];
    return s && s.origin !== 'default' ? (s.value as T) : undefined;
  };
  const dflt = <T>(field: string): T => defaultOf<T>(field, { version });
  const endpoint = set<string>('containerRuntimeEndpoint');
  const networkPlugin = set<string>('networkPlugin');
  const containerRuntime = set<string>('containerRuntime');
  const driver = set<string>('cgroupDriver');
  const s: KubeletSettings = {
    from,
    note,
    ...(unknown ? { unknown } : {}),
    configPath: source?.configPath,
    cgroupDriver: driver ?? dflt('cgroupDriver'),
    cgroupDriverSet: driver !== undefined,
    cgroupRoot: set('cgroupRoot'),
    kubeReservedCgroup: set('kubeReservedCgroup'),
    systemReservedCgroup: set('systemReservedCgroup'),
    kubeletCgroups: set('kubeletCgroups'),
    runtimeCgroups: set('runtimeCgroups'),
    enforceNodeAllocatable: set<string[]>('enforceNodeAllocatable') ?? dflt('enforceNodeAllocatable'),
    kubeReserved: { ...set<Record<string, string>>('kubeReserved') },
    systemReserved: { ...set<Record<string, string>>('systemReserved') },
    failSwapOn: set<boolean>('failSwapOn') ?? dflt('failSwapOn'),
    containerRuntimeEndpoint:
      endpoint ??
      // dockershim-era flags (--network-plugin, --container-runtime=docker) of an unknown version mean the
      // in-kubelet dockershim
      ((networkPlugin || containerRuntime === 'docker') && !version ? DOCKERSHIM : defaultRuntimeEndpoint(version)),
    containerRuntimeEndpointSet: endpoint !== undefined,
    networkPlugin,
    cniConfDir: set('cniConfDir'),
    cniBinDir: set('cniBinDir'),
    containerRuntime,
    resolvConf: set<string>('resolvConf') ?? dflt('resolvConf'),
    staticPodPath: set('staticPodPath'),
    kubeletVersion: version,
    cites: {},
    set: {},
  };
  for (const field of CITED_FIELDS) {
    const setting = source?.settings[field];
    const explicit = from === 'kubeletConfig' && setting && setting.origin !== 'default' ? setting : undefined;
    s.set[field] = explicit !== undefined;
    const effText = shown((s as unknown as Record<string, unknown>)[field]);
    s.cites[field] = explicit
      ? { kind: 'config', source: explicit.source, line: explicit.line, field, value: shown(explicit.value), text: settingCitation(explicit).text }
      : {
          kind: 'config',
          source: source?.configPath ?? 'kubelet defaults',
          field,
          value: effText,
          text: `${field} not set${effText !== undefined ? `: the kubelet default ${effText === '' ? '(none)' : effText} applies` : ''}${note ? ` (${note})` : ''}`,
        };
  }
  return s;
}

/** The kubelet's default CRI endpoint for a version: dockershim before v1.24, none to v1.26, containerd since. */
export function defaultRuntimeEndpoint(version?: string): string {
  return defaultOf<string>('containerRuntimeEndpoint', { version });
}

/** The settings the node-state collectors need: the kubeletConfig evidence's model, or the defaults. */
export async function kubeletSettings(ctx: CollectContext): Promise<KubeletSettings> {
  let a: Awaited<ReturnType<CollectContext['get']>>;
  try {
    a = await ctx.get('kubeletConfig');
  } catch (e) {
    a = { ok: false, reason: `kubeletConfig: ${(e as Error).message}` };
  }
  const source = a.ok ? (a.value as SettingsSource) : undefined;
  return settingsView(source, { version: ctx.opts.kubeletVersion, unavailable: a.ok ? undefined : a.reason });
}
