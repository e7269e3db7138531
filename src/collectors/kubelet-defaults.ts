// The kubelet's defaults, in one table, with the kubelet versions each holds for. Facts from
// pkg/kubelet/apis/config/v1beta1/defaults.go (the config-file path) and cmd/kubelet/app/options
// (the flag path) of the release sources; a default that differs between the two paths has both.

/** A default that holds from `since` up to (not including) `until`, minor versions of 1.x. */
export interface KubeletDefault<T = unknown> {
  field: string;
  /** Value when the kubelet runs with a config file (v1beta1 defaulting). */
  config: T;
  /** Value when the kubelet runs from flags only, if it differs. */
  flags?: T;
  since?: number;
  until?: number;
  /** Where the fact is written down. */
  source: string;
}

/** How a default is cited: with a config file (v1beta1 defaulting) or from the flags alone. */
export const DEFAULT_SOURCE_CONFIG = 'kubelet default (KubeletConfiguration v1beta1)';
export const DEFAULT_SOURCE_FLAGS = 'kubelet default (no --config file: command-line defaults)';

const DEFAULTS_GO = 'pkg/kubelet/apis/config/v1beta1/defaults.go';

export const KUBELET_DEFAULTS: KubeletDefault[] = [
  { field: 'cgroupDriver', config: 'cgroupfs', source: DEFAULTS_GO },
  { field: 'cgroupRoot', config: '', source: DEFAULTS_GO },
  { field: 'cgroupsPerQOS', config: true, source: DEFAULTS_GO },
  { field: 'enforceNodeAllocatable', config: ['pods'], source: DEFAULTS_GO },
  { field: 'failSwapOn', config: true, source: DEFAULTS_GO },
  { field: 'failCgroupV1', config: false, since: 31, until: 35, source: DEFAULTS_GO },
  { field: 'failCgroupV1', config: true, since: 35, source: DEFAULTS_GO },
  { field: 'staticPodPath', config: '', source: DEFAULTS_GO },
  { field: 'resolvConf', config: '/etc/resolv.conf', source: DEFAULTS_GO },
  { field: 'rotateCertificates', config: false, source: DEFAULTS_GO },
  { field: 'serverTLSBootstrap', config: false, source: DEFAULTS_GO },
  // the flag path keeps the old insecure defaults; the config-file path closed them (v1beta1)
  { field: 'readOnlyPort', config: 0, flags: 10255, source: `${DEFAULTS_GO}; cmd/kubelet/app/options` },
  { field: 'authentication.anonymous.enabled', config: false, flags: true, source: `${DEFAULTS_GO}; cmd/kubelet/app/options` },
  { field: 'authentication.webhook.enabled', config: true, flags: false, source: `${DEFAULTS_GO}; cmd/kubelet/app/options` },
  { field: 'authorization.mode', config: 'Webhook', flags: 'AlwaysAllow', source: `${DEFAULTS_GO}; cmd/kubelet/app/options` },
  // dockershim lived in the kubelet until v1.24 (container_runtime.go set its socket). v1.24 to v1.26 had
  // no default at all: NewContainerRuntimeOptions leaves --container-runtime-endpoint empty, v1.24 and
  // v1.25 then dial an empty unix address and v1.26's KubeletFlags validation refuses to start ("the
  // container runtime endpoint address was not specified or empty"). v1.27 wrote containerd's socket into
  // defaults.go. Checked against the v1.23.17, v1.24.17, v1.25.16, v1.26.15 and v1.27.16 release sources.
  { field: 'containerRuntimeEndpoint', config: 'unix:///var/run/dockershim.sock', until: 24, source: 'cmd/kubelet/app/options/container_runtime.go' },
  { field: 'containerRuntimeEndpoint', config: '', since: 24, until: 27, source: 'cmd/kubelet/app/options/options.go (no default)' },
  { field: 'containerRuntimeEndpoint', config: 'unix:///run/containerd/containerd.sock', since: 27, source: DEFAULTS_GO },
];

/** The minor version of a `v1.X.Y` string, undefined when it is not 1.x. */
export function kubeletMinor(version?: string): number | undefined {
  const m = version ? /(\d+)\.(\d+)/.exec(version) : null;
  return m && Number(m[1]) === 1 ? Number(m[2]) : undefined;
}

/**
 * The default of a field for a kubelet version (unknown version: the newest default) on the
 * config-file path or the flag path; undefined when the kubelet has no default for it.
 */
export function kubeletDefault<T = unknown>(field: string, opts: { version?: string; configFile?: boolean } = {}): { value: T; entry: KubeletDefault<T> } | undefined {
  const minor = kubeletMinor(opts.version);
  const rows = KUBELET_DEFAULTS.filter((d) => d.field === field) as KubeletDefault<T>[];
  const row =
    minor === undefined
      ? rows.find((d) => d.until === undefined)
      : rows.find((d) => (d.since === undefined || minor >= d.since) && (d.until === undefined || minor < d.until));
  if (!row) return undefined;
  const value = opts.configFile === false && row.flags !== undefined ? row.flags : row.config;
  return { value, entry: row };
}

/** The value only; a type-checked shorthand for collectors. */
export function defaultOf<T>(field: string, opts: { version?: string; configFile?: boolean } = {}): T {
  const d = kubeletDefault<T>(field, opts);
  if (!d) throw new Error(`kubelet-defaults: no default for ${field}`);
  // arrays are shared rows of the table: hand out a copy
  return (Array.isArray(d.value) ? [...d.value] : d.value) as T;
}

/** Which versions a default holds for, in words: `kubelet v1.24 and later (pkg/.../defaults.go)`. */
export function defaultHolds(entry: KubeletDefault, configFile?: boolean): string {
  const range =
    entry.since !== undefined && entry.until !== undefined
      ? `kubelet v1.${entry.since} to v1.${entry.until - 1}`
      : entry.since !== undefined
        ? `kubelet v1.${entry.since} and later`
        : entry.until !== undefined
          ? `kubelets before v1.${entry.until}`
          : 'every kubelet version';
  const path = entry.flags === undefined ? '' : configFile === false ? ' started without a config file' : ' started with a config file';
  return `default for ${range}${path} (${entry.source})`;
}
