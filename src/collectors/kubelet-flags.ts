// What the kubelet's command line means: which flags map onto KubeletConfiguration fields, which are
// booleans (take no separate value), and which flags were removed in which release (from the
// reference's "Removed kubelet command-line flags" table).

export type FieldType = 'string' | 'bool' | 'int' | 'list' | 'map';

/** Flag name (without dashes) → KubeletConfiguration field path. Flags override the config file. */
export const FLAG_FIELDS: Record<string, { field: string; type: FieldType }> = {
  'container-runtime-endpoint': { field: 'containerRuntimeEndpoint', type: 'string' },
  'cgroup-driver': { field: 'cgroupDriver', type: 'string' },
  'cgroup-root': { field: 'cgroupRoot', type: 'string' },
  'cgroups-per-qos': { field: 'cgroupsPerQOS', type: 'bool' },
  'enforce-node-allocatable': { field: 'enforceNodeAllocatable', type: 'list' },
  'kube-reserved': { field: 'kubeReserved', type: 'map' },
  'kube-reserved-cgroup': { field: 'kubeReservedCgroup', type: 'string' },
  'system-reserved': { field: 'systemReserved', type: 'map' },
  'system-reserved-cgroup': { field: 'systemReservedCgroup', type: 'string' },
  'kubelet-cgroups': { field: 'kubeletCgroups', type: 'string' },
  'system-cgroups': { field: 'systemCgroups', type: 'string' },
  'fail-swap-on': { field: 'failSwapOn', type: 'bool' },
  'pod-manifest-path': { field: 'staticPodPath', type: 'string' },
  'resolv-conf': { field: 'resolvConf', type: 'string' },
  'anonymous-auth': { field: 'authentication.anonymous.enabled', type: 'bool' },
  'authentication-token-webhook': { field: 'authentication.webhook.enabled', type: 'bool' },
  'client-ca-file': { field: 'authentication.x509.clientCAFile', type: 'string' },
  'authorization-mode': { field: 'authorization.mode', type: 'string' },
  'read-only-port': { field: 'readOnlyPort', type: 'int' },
  'tls-cert-file': { field: 'tlsCertFile', type: 'string' },
  'tls-private-key-file': { field: 'tlsPrivateKeyFile', type: 'string' },
  'rotate-certificates': { field: 'rotateCertificates', type: 'bool' },
  'rotate-server-certificates': { field: 'serverTLSBootstrap', type: 'bool' },
  'pod-cidr': { field: 'podCIDR', type: 'string' },
  'feature-gates': { field: 'featureGates', type: 'map' },
  'cluster-dns': { field: 'clusterDNS', type: 'list' },
  'cluster-domain': { field: 'clusterDomain', type: 'string' },
  'max-pods': { field: 'maxPods', type: 'int' },
  address: { field: 'address', type: 'string' },
  port: { field: 'port', type: 'int' },
  'register-node': { field: 'registerNode', type: 'bool' },
  'hairpin-mode': { field: 'hairpinMode', type: 'string' },
  'runtime-request-timeout': { field: 'runtimeRequestTimeout', type: 'string' },
};

/** Boolean flags: `--flag` alone means true; a following word is NOT their value. */
export const BOOL_FLAGS = new Set([
  ...Object.entries(FLAG_FIELDS).filter(([, v]) => v.type === 'bool').map(([k]) => k),
  'allow-privileged', 'containerized', 'require-kubeconfig', 'logtostderr', 'alsologtostderr', 'one-output',
  'skip-headers', 'skip-log-headers', 'add-dir-header', 'keep-terminated-pod-volumes', 'register-schedulable',
  'experimental-fail-swap-on', 'exit-on-lock-contention', 'enable-server', 'make-iptables-util-chains',
  'experimental-check-node-capabilities-before-mount', 'help', 'version', 'protect-kernel-defaults', 'serialize-image-pulls',
  'enable-controller-attach-detach', 'cpu-cfs-quota', 'enable-debugging-handlers', 'seccomp-default', 'localStorageCapacityIsolation',
]);

export interface RemovedFlag {
  flag: string;
  /** First kubelet minor version that rejects the flag (`unknown flag`). */
  removedIn: string;
  replacement: string;
  /** The removal is dated approximately (± one minor) in the reference. */
  approximate?: boolean;
}

const KLOG =
  'nothing: legacy klog flags are gone, only -v and --vmodule remain; let systemd/journald capture stderr or use the `logging:` stanza of the KubeletConfiguration';
const DOCKERSHIM =
  'nothing in the kubelet: use a CRI runtime with --container-runtime-endpoint; CNI dirs and the network plugin are configured in the runtime (containerd [plugins."io.containerd.grpc.v1.cri".cni], CRI-O [crio.network])';

export const REMOVED_FLAGS: RemovedFlag[] = [
  { flag: 'require-kubeconfig', removedIn: '1.10', replacement: 'nothing: a kubeconfig is used when --kubeconfig is given' },
  { flag: 'init-config-dir', removedIn: '1.10', replacement: '--config <file>' },
  { flag: 'cadvisor-port', removedIn: '1.12', replacement: 'nothing in the kubelet; run cAdvisor as a DaemonSet, stats are at /stats/summary and /metrics/cadvisor' },
  { flag: 'allow-privileged', removedIn: '1.15', replacement: 'admission control (Pod Security Admission)' },
  { flag: 'host-network-sources', removedIn: '1.15', replacement: 'admission control (Pod Security Admission)' },
  { flag: 'host-pid-sources', removedIn: '1.15', replacement: 'admission control (Pod Security Admission)' },
  { flag: 'host-ipc-sources', removedIn: '1.15', replacement: 'admission control (Pod Security Admission)' },
  { flag: 'containerized', removedIn: '1.16', replacement: 'nothing: run the kubelet on the host' },
  { flag: 'experimental-bootstrap-kubeconfig', removedIn: '1.23', replacement: '--bootstrap-kubeconfig', approximate: true },
  { flag: 'seccomp-profile-root', removedIn: '1.23', replacement: 'nothing: profiles live in <root-dir>/seccomp' },
  ...['experimental-dockershim-root-directory', 'docker-endpoint', 'image-pull-progress-deadline', 'network-plugin', 'cni-conf-dir', 'cni-bin-dir', 'cni-cache-dir', 'network-plugin-mtu'].map(
    (flag) => ({ flag, removedIn: '1.24', replacement: DOCKERSHIM }),
  ),
  { flag: 'non-masquerade-cidr', removedIn: '1.24', replacement: 'ip-masq-agent or the CNI plugin\'s masquerade settings' },
  { flag: 'dynamic-config-dir', removedIn: '1.24', replacement: 'config files; --config-dir drop-ins (v1.28+)' },
  ...['log-dir', 'log-file', 'log-file-max-size', 'logtostderr', 'alsologtostderr', 'one-output', 'stderrthreshold', 'skip-headers', 'skip-log-headers', 'add-dir-header', 'log-backtrace-at'].map(
    (flag) => ({ flag, removedIn: '1.26', replacement: KLOG }),
  ),
  { flag: 'container-runtime', removedIn: '1.27', replacement: 'nothing: the kubelet always talks CRI; keep --container-runtime-endpoint (or containerRuntimeEndpoint)' },
  { flag: 'azure-container-registry-config', removedIn: '1.30', replacement: '--image-credential-provider-config + --image-credential-provider-bin-dir with acr-credential-provider' },
  { flag: 'keep-terminated-pod-volumes', removedIn: '1.31', replacement: 'nothing' },
  { flag: 'register-schedulable', removedIn: '1.34', replacement: '--register-with-taints / registerWithTaints (node.kubernetes.io/unschedulable:NoSchedule) or kubectl cordon' },
  { flag: 'pod-infra-container-image', removedIn: '1.35', replacement: 'the runtime\'s sandbox image (containerd sandbox_image / pinned_images.sandbox, CRI-O pause_image)' },
];

export const REMOVED_BY_NAME = new Map(REMOVED_FLAGS.map((r) => [r.flag, r]));

/** Parse a `--flag` word: name (without dashes) and inline value. */
export function flagName(word: string): { name: string; value?: string } | undefined {
  const m = /^--?([A-Za-z0-9][\w.-]*)(?:=(.*))?$/s.exec(word);
  if (!m) return undefined;
  return { name: m[1]!, value: m[2] };
}
