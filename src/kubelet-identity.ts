// Who is a kubelet: ONE table of the process names, systemd units and binary paths under which the
// distributions run the kubelet (or a binary that embeds it), from their packaging and docs. The journal
// parser (journal/records.ts, journal/runs.ts) derives its patterns from it; the live-process
// identification (collectors) should too. Add a distribution here, nowhere else.

export interface KubeletIdentity {
  /** Distribution or packaging. */
  distribution: string;
  /** Journal identifiers (SYSLOG_IDENTIFIER / comm) the kubelet's lines carry. */
  processes: string[];
  /** systemd units that run it (globs are spelled as regex fragments: `[\w@.-]*`). */
  units: string[];
  /** Where its binary lives. */
  paths: string[];
  /** How its lines arrive, when that differs from `ident[pid]: <klog line>`. */
  notes?: string;
}

export const KUBELET_IDENTITIES: readonly KubeletIdentity[] = [
  {
    distribution: 'kubeadm packages (deb/rpm: pkgs.k8s.io, apt.kubernetes.io, yum.kubernetes.io)',
    processes: ['kubelet'],
    units: ['kubelet.service'],
    paths: ['/usr/bin/kubelet'],
  },
  {
    distribution: 'binary installs (kubespray, kubeasz, "the hard way", Gravity, kURL)',
    processes: ['kubelet'],
    units: ['kubelet.service', 'kube-kubelet.service'],
    paths: ['/usr/local/bin/kubelet', '/opt/bin/kubelet', '/opt/kube/bin/kubelet'],
  },
  {
    distribution: 'OpenShift 4 / OKD (RHCOS, FCOS)',
    processes: ['kubenswrapper', 'hyperkube'],
    units: ['kubelet.service'],
    paths: ['/usr/bin/kubenswrapper', '/usr/bin/hyperkube', '/usr/bin/kubelet'],
    notes: 'kubenswrapper enters the kubelet mount namespace and execs the kubelet; older 4.x ran `hyperkube kubelet`',
  },
  {
    distribution: 'OpenShift 3 / Origin',
    processes: ['openshift', 'origin-node', 'atomic-openshift-node'],
    units: ['origin-node.service', 'atomic-openshift-node.service'],
    paths: ['/usr/bin/openshift'],
    notes: 'the node process is `openshift start node`; its identifier is only trusted through the unit',
  },
  {
    distribution: 'hyperkube (CoreOS kubelet-wrapper, Typhoon, older Rancher)',
    processes: ['hyperkube', 'kubelet-wrapper'],
    units: ['kubelet.service'],
    paths: ['/usr/lib/coreos/kubelet-wrapper', '/hyperkube'],
  },
  {
    distribution: 'k3s',
    processes: ['k3s', 'k3s-server', 'k3s-agent'],
    units: ['k3s.service', 'k3s-agent.service'],
    paths: ['/usr/local/bin/k3s'],
    notes: 'the kubelet runs inside the k3s process; its klog lines share k3s[pid] with logrus `time="…" level=… msg="…"` lines',
  },
  {
    distribution: 'RKE2',
    processes: ['rke2', 'kubelet'],
    units: ['rke2-server.service', 'rke2-agent.service'],
    paths: ['/var/lib/rancher/rke2/bin/kubelet', '/usr/local/bin/rke2'],
    notes: 'rke2 starts the kubelet as a child process; the kubelet writes /var/lib/rancher/rke2/agent/logs/kubelet.log',
  },
  {
    distribution: 'k0s',
    processes: ['k0s'],
    units: ['k0sworker.service', 'k0scontroller.service', 'k0s.service'],
    paths: ['/usr/local/bin/k0s', '/var/lib/k0s/bin/kubelet'],
    notes: 'logrus lines carrying the kubelet line in msg="…" and component=kubelet',
  },
  {
    distribution: 'MicroK8s (snap)',
    processes: ['kubelite', 'microk8s.daemon-kubelite', 'microk8s.daemon-kubelet'],
    units: ['snap.microk8s.daemon-kubelite.service', 'snap.microk8s.daemon-kubelet.service'],
    paths: ['/snap/microk8s/current/kubelite', '/snap/microk8s/current/kubelet'],
    notes: 'kubelite (>= 1.21) runs kubelet, apiserver, scheduler and controller-manager in one process',
  },
  {
    distribution: 'Canonical kubelet snap (Charmed Kubernetes)',
    processes: ['kubelet.daemon'],
    units: ['snap.kubelet.daemon.service'],
    paths: ['/snap/kubelet/current/kubelet'],
  },
  {
    distribution: 'KubeEdge',
    processes: ['edgecore'],
    units: ['edgecore.service'],
    paths: ['/usr/local/bin/edgecore'],
    notes: 'the kubelet code runs as the `edged` module of edgecore (edged.go callers)',
  },
  {
    distribution: 'Talos Linux',
    processes: ['kubelet'],
    units: [],
    paths: ['/usr/local/bin/kubelet'],
    notes: 'the kubelet runs in a container; `talosctl logs kubelet` prefixes each line with the node address (`10.0.0.2: `) and prints the kubelet JSON log lines',
  },
  {
    distribution: 'Bottlerocket, EKS (Amazon Linux 2 / 2023), AKS (Ubuntu, Azure Linux), GKE (COS, Ubuntu)',
    processes: ['kubelet'],
    units: ['kubelet.service'],
    paths: ['/usr/bin/kubelet', '/usr/local/bin/kubelet', '/home/kubernetes/bin/kubelet'],
  },
  {
    distribution: 'kind (a kubelet unit inside the node container), minikube',
    processes: ['kubelet'],
    units: ['kubelet.service'],
    paths: ['/usr/bin/kubelet', '/var/lib/minikube/binaries/'],
  },
  {
    distribution: 'Flatcar Container Linux, RancherOS / RKE1 (kubelet container)',
    processes: ['kubelet'],
    units: ['kubelet.service'],
    paths: ['/opt/bin/kubelet'],
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const uniq = (xs: string[]) => [...new Set(xs)];

/** Identifiers trusted on their own: every process name but those only trusted through their unit. */
const PROCESS_NAMES = uniq(KUBELET_IDENTITIES.flatMap((i) => i.processes)).filter((p) => p !== 'openshift');

/**
 * A journal identifier that is a kubelet (or embeds one): the names of the table, also as a path
 * (`/usr/bin/kubelet`) or with a suffix (`kubelet-wrapper`, `k3s-agent`); `-o with-unit` prints the unit.
 */
export const KUBELET_PROCESS = new RegExp(
  String.raw`(?:^|/)(?:${PROCESS_NAMES.map(escape).join('|')})(?:$|[\w.@-]*$)|kubelet`,
  'i',
);

/** A systemd unit that runs a kubelet; distribution wrappers may prefix the name (`kube-kubelet.service`). */
export const KUBELET_UNIT = new RegExp(
  String.raw`(?:[\w.-]*kubelet|kubelite|k3s(?:-agent)?|k0s(?:worker|controller)?|rke2-(?:agent|server)|origin-node|atomic-openshift-node|edgecore)[\w@.-]*\.service`,
  'i',
);

/** A binary path that is a kubelet (systemd's `Failed at step X spawning PATH`, `Process: … ExecStart=PATH`). */
export const KUBELET_PATH = new RegExp(
  String.raw`(?:${uniq([...KUBELET_IDENTITIES.flatMap((i) => i.paths), '/kubelet', '/kubenswrapper', '/k3s', '/k0s', '/kubelite', '/edgecore', '/hyperkube'])
    .map(escape)
    .join('|')})\b`,
);

/** Unit descriptions systemd prints in `Started …` / `Starting …` / `Failed to start …`. */
export const KUBELET_UNIT_DESCRIPTION = String.raw`(?:.*kubelet|.*Kubernetes (?:Kubelet|Node Agent)|Lightweight Kubernetes|k0s|.*microk8s\.daemon-kubel\w*|(?:Atomic )?OpenShift Node|KubeEdge|edgecore|Rancher Kubernetes|RKE2)`;
