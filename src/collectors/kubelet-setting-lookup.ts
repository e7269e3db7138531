// One kubelet setting by the name a person knows it by — a KubeletConfiguration field path
// (`authorization.mode`, `evictionHard.memory.available`) or a flag (`--read-only-port`) — read through the
// one settings model (kubelet-config.ts: flags over the config file over the defaults table). This is what
// YAML rules' `match.setting` conditions read (src/rules/state-check.ts); code rules read the model itself.

import type { KubeletConfigEvidence } from './kubelet-config.js';
import { convert } from './kubelet-config-parse.js';
import { KUBELET_CONFIG_FIELDS } from './kubelet-config-fields.js';
import { DEFAULT_SOURCE_CONFIG, DEFAULT_SOURCE_FLAGS, defaultHolds, kubeletDefault } from './kubelet-defaults.js';
import { KUBELET_FLAG_HISTORY } from './kubelet-flag-history.js';
import { FLAG_FIELDS } from './kubelet-flags.js';
import type { Setting } from './kubelet-settings.js';
import { nearest } from '../nearest.js';

/** Model keys whose name is not their KubeletConfiguration field path (every other modelled key is). */
const MODEL_KEY_OF_FIELD: Record<string, keyof KubeletConfigEvidence['settings']> = {
  'authentication.anonymous.enabled': 'anonymousAuth',
  'authentication.webhook.enabled': 'webhookAuthn',
  'authentication.x509.clientCAFile': 'clientCAFile',
  'authorization.mode': 'authorizationMode',
};

/** Flags with no KubeletConfiguration field that the model holds (kubelet-config.ts `flagOnly`). */
const MODEL_KEY_OF_FLAG: Record<string, keyof KubeletConfigEvidence['settings']> = {
  kubeconfig: 'kubeconfig',
  'bootstrap-kubeconfig': 'bootstrapKubeconfig',
  'hostname-override': 'hostnameOverride',
  'cert-dir': 'certDir',
  'root-dir': 'rootDir',
  'runtime-cgroups': 'runtimeCgroups',
  'network-plugin': 'networkPlugin',
  'container-runtime': 'containerRuntime',
  'cni-conf-dir': 'cniConfDir',
  'cni-bin-dir': 'cniBinDir',
};

const FIELD_OF_FLAG = new Map(Object.entries(FLAG_FIELDS).map(([flag, v]) => [flag, v.field]));
const FLAG_OF_FIELD = new Map(Object.entries(FLAG_FIELDS).map(([flag, v]) => [v.field, flag]));

/** Why a setting name is not one the kubelet has, or undefined (checked when a rule loads). */
export function settingNameProblem(name: string): string | undefined {
  if (name.startsWith('--')) {
    const flag = name.slice(2);
    if (KUBELET_FLAG_HISTORY[flag] || MODEL_KEY_OF_FLAG[flag] || FIELD_OF_FLAG.has(flag)) return undefined;
    const near = nearest(flag, Object.keys(KUBELET_FLAG_HISTORY));
    return `no kubelet flag ${name}${near ? ` (did you mean --${near}?)` : ''} (the flags of kubelet v1.10 to v1.37 are known)`;
  }
  if (!/^[a-zA-Z][\w]*(?:\.[\w./-]+)*$/.test(name)) return `"${name}" is not a KubeletConfiguration field path (e.g. authorization.mode) or a flag (e.g. --read-only-port)`;
  const top = name.split('.')[0]!;
  if (!KUBELET_CONFIG_FIELDS[top]) {
    const near = nearest(top, Object.keys(KUBELET_CONFIG_FIELDS));
    return `KubeletConfiguration has no field ${top}${near ? ` (did you mean ${near}?)` : ''} (v1beta1, kubelet v1.10 to v1.37)`;
  }
  return undefined;
}

/**
 * The effective setting for a name, with where it came from; undefined when it is set nowhere and the
 * defaults table has no default for it (the value is then unknown, not absent).
 */
export function lookupSetting(ev: KubeletConfigEvidence, name: string): Setting | undefined {
  let field = name;
  if (name.startsWith('--')) {
    const flag = name.slice(2);
    const key = MODEL_KEY_OF_FLAG[flag];
    if (key) return ev.settings[key] as Setting | undefined;
    const mapped = FIELD_OF_FLAG.get(flag);
    if (!mapped) return ev.flags[flag];
    field = mapped;
  }
  const key = MODEL_KEY_OF_FIELD[field] ?? (field in ev.settings && KUBELET_CONFIG_FIELDS[field] ? (field as keyof KubeletConfigEvidence['settings']) : undefined);
  if (key) {
    const s = ev.settings[key] as Setting | undefined;
    if (s) return s;
  }
  // not modelled: the flag, else the config file's field, else the defaults table (as the model does)
  const flag = FLAG_OF_FIELD.get(field);
  const f = flag ? ev.flags[flag] : undefined;
  if (f) return { ...f, value: convert(f.value, FLAG_FIELDS[flag!]!.type) };
  // an entry of a map-valued flag (`featureGates.X` from --feature-gates=X=true): the flag's entry wins
  const dot = field.indexOf('.');
  const mapFlag = dot > 0 ? FLAG_OF_FIELD.get(field.slice(0, dot)) : undefined;
  if (mapFlag && ev.flags[mapFlag] && FLAG_FIELDS[mapFlag]!.type === 'map') {
    const m = convert(ev.flags[mapFlag]!.value, 'map') as Record<string, unknown>;
    const k = field.slice(dot + 1);
    if (Object.hasOwn(m, k)) return { ...ev.flags[mapFlag]!, value: m[k] };
  }
  const c = ev.configFields[field];
  if (c && c.value !== null && c.value !== undefined) return c;
  const withConfig = ev.configFiles.length > 0 || ev.configInvalid !== undefined;
  const d = kubeletDefault(field, { version: ev.kubeletVersion, configFile: withConfig });
  if (!d) return undefined;
  return { value: d.value, origin: 'default', source: withConfig ? DEFAULT_SOURCE_CONFIG : DEFAULT_SOURCE_FLAGS, field, note: defaultHolds(d.entry, withConfig) };
}

/** The config file's value a flag overrides (the flag wins; the file's line is where a reader looks first). */
export function overriddenField(ev: KubeletConfigEvidence, name: string, s: Setting): Setting | undefined {
  if (s.origin !== 'flag') return undefined;
  const field = name.startsWith('--') ? FIELD_OF_FLAG.get(name.slice(2)) : name;
  const c = field ? ev.configFields[field] : undefined;
  return c && c.value !== null && c.value !== undefined ? c : undefined;
}
