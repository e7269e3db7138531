// F11: the kubelet's cgroupDriver differs from the runtime's (containerd runc SystemdCgroup, CRI-O
// cgroup_manager, Docker native.cgroupdriver). dockershim refused to start on it; with remote
// runtimes pods fail to start (runc: `expected cgroupsPath to be of format "slice:prefix:name"`).

import { defineRule, versionAtLeast, type Citation, type DefinedRule, withKnownSettings } from '../src/rules/kit.js';

// The mismatch's only visible symptom on containerd/cgroup v2 nodes: the runtime's cgroups and the kubelet's
// disagree, the kubelet sees the control-plane sandboxes as changed and kills and re-creates them every few minutes
// (their containers finish with exit code 0 after SIGTERM). Counted, not matched one by one: a control-plane pod
// dying once is an upgrade, a reboot or an operator; the REMOVE of a static pod from its file source, or the
// shutdown manager, mark those and silence this signal.
// pkg/kubelet/kubelet.go syncLoopIteration V(2): printf `SyncLoop (PLEG): %q, event: %#v` (<= v1.20,
// `"etcd-m0_kube-system(uid)", event: &pleg.PodLifecycleEvent{ID:"…", Type:"ContainerDied", …}`), structured
// `"SyncLoop (PLEG): event for pod" pod="kube-system/etcd-m0" event=&{ID:… Type:ContainerDied Data:…}` (v1.21+;
// the JSON logger marshals the event as {"ID":…,"Type":"ContainerDied",…}). The patterns leave out the
// `SyncLoop (PLEG)` prefix every pod event carries: the journal pass looks for each pattern's longest required
// phrase, and on a healthy node a third of the lines are SyncLoop lines — a control-plane pod's name (spelled
// whole with its namespace in each branch) and ContainerDied are the rare parts.
const LOOP_DIED = {
  pattern: 'pod="?(?<cpPod>(?:kube-system/etcd-|kube-system/kube-apiserver-|kube-system/kube-controller-manager-|kube-system/kube-scheduler-)[\\w.-]+)[^{]*\\{"?ID"?:"?[\\w-]+"?,? ?"?Type"?:"?ContainerDied',
  versions: '>=1.21',
};
const LOOP_DIED_PRINTF = {
  pattern: '"(?<cpPodOld>(?:etcd|kube-apiserver|kube-controller-manager|kube-scheduler)-[\\w.-]+)_kube-system\\([\\w-]+\\)"[^{]*\\{"?ID"?:"?[\\w-]+"?,? ?"?Type"?:"?ContainerDied',
  versions: '>=1.10 <1.21',
};
// pkg/kubelet/kuberuntime/kuberuntime_manager.go: event SandboxChanged `Pod sandbox changed, it will be killed and
// re-created.` (logged as `"Event occurred" … reason="SandboxChanged"` by the structured event logger, v1.2x)
const LOOP_SANDBOX = { pattern: 'reason="?SandboxChanged|Pod sandbox changed, it will be killed and re-created', versions: '>=1.10' };
// pkg/kubelet/pleg/generic.go V(2) (v1.23+): `"Generic (PLEG): container finished" podID=… containerID=… exitCode=0`
const LOOP_FINISHED = { pattern: 'Generic \\(PLEG\\): container finished"? podID=\\S+ containerID=\\S+ exitCode=0\\b', versions: '>=1.23' };
// what makes control-plane pods die once on a healthy node: their manifest changed (upgrade) or the node shuts down
// (each branch spelled out whole, so that what the journal pass looks for is `SyncLoop REMOVE`, not `SyncLoop `)
const LOOP_EXPLAINED = { pattern: 'SyncLoop REMOVE"? source="?file|SyncLoop \\(REMOVE, "file"\\)|Shutdown manager', versions: '>=1.10' };
const LOOP_PATTERNS = [LOOP_DIED, LOOP_SANDBOX, LOOP_FINISHED, LOOP_EXPLAINED, LOOP_DIED_PRINTF];
// dockershim NewDockerService (v1.10-v1.23): when dockerd does not answer its Info call the kubelet logs this and
// assumes cgroupfs, so a systemd kubelet then reports a "misconfiguration" that only says dockerd was unreachable
// (cri-endpoint-unreachable names that). Read only to hold the mismatch back.
const DOCKER_INFO_FAILED = { pattern: 'Failed to execute Info\\(\\) call to the Docker client', versions: '>=1.10 <1.24' };
/** Control-plane ContainerDied events (a kill is two: the container and its sandbox) before the loop is named. */
const LOOP_MIN_DIED = 2;

const rule: DefinedRule = defineRule({
  id: 'cgroup-driver-mismatch',
  title: "The kubelet's cgroup driver differs from the container runtime's",
  severity: 'error',
  category: 'runtime',
  evidence: ['journal', 'runtime'],
  priority: 8,
  match: {
    journal: [
      // dockershim (~v1.6 - v1.23): printf and structured (`\"` unescaped before matching)
      { pattern: 'misconfiguration: kubelet cgroup driver: "(?<kubelet>[^"]+)" is different from docker cgroup driver(?:: "(?<runtime>[^"]+)")?', versions: '<=1.23', fatal: true },
      // runc's systemd manager given a cgroupfs path (kubelet cgroupfs, runtime systemd), in sandbox/container errors
      { pattern: 'expected cgroupsPath to be of format "?slice:prefix:name"? for systemd cgroups, got "(?<path>[^"]+)" instead', processes: 'any' },
      // KubeletCgroupDriverFromCRI (alpha v1.28, on from v1.31): the runtime answered RuntimeConfig with a driver value
      // this kubelet does not know; the kubelet exits
      { pattern: 'runtime returned an unknown cgroup driver (?<code>\\d+)', versions: '>=1.28', fatal: true },
      // the runtime has no RuntimeConfig (containerd < 2.0, CRI-O < 1.28): the kubelet keeps its own cgroupDriver (I level;
      // the fallback is to go in v1.36). Not a failure by itself: it says the kubelet did not adopt the runtime's driver.
      { pattern: 'CRI implementation should be updated to support RuntimeConfig(?: when KubeletCgroupDriverFromCRI feature gate has been enabled)?\\. Falling back to using cgroupDriver from kubelet config', versions: '>=1.28' },
      ...LOOP_PATTERNS,
      DOCKER_INFO_FAILED,
      // CRI-O (server/sandbox_run_linux.go, later internal/config/cgmgr): the runtime refuses the pod's cgroup parent,
      // in `RunPodSandbox from runtime service failed` / `CreatePodSandbox for pod … failed`: `cri-o configured with
      // systemd cgroup manager, but did not receive slice as parent: %s` (kubelet cgroupfs) and `cri-o configured with
      // cgroupfs cgroup manager, but received systemd slice as parent: %s` (kubelet systemd)
      { pattern: 'cri-o configured with (?<crioManager>systemd|cgroupfs) cgroup manager, but (?:did not receive slice|received systemd slice) as parent', processes: 'any' },
    ],
  },
  message: 'The kubelet uses the {{kubelet|\'?\'}} cgroup driver but the container runtime uses {{runtime|\'?\'}}; pods (including static control-plane pods) cannot be created consistently.',
  why:
    "The kubelet and the runtime must agree on who manages pod cgroups: systemd (slices such as kubepods-burstable.slice) or cgroupfs (plain directories such as /kubepods/burstable). With dockershim the kubelet refused to start on a mismatch; with containerd/CRI-O the sandbox creation fails (runc's systemd manager rejects a cgroupfs path) or cgroups end up in two hierarchies and resource accounting breaks. Since v1.31 the kubelet adopts the runtime's driver when the runtime reports it (containerd >= 2.0, CRI-O >= 1.28).",
  remediation: {
    summary: 'Use the same driver on both sides: systemd on systemd hosts.',
    steps: [
      {
        text: 'containerd: set SystemdCgroup under the runc options (regenerate the config if it has none), then restart containerd',
        command:
          "[ -e /etc/containerd/config.toml ] || containerd config default > /etc/containerd/config.toml   # only if there is no config yet\ncp -a /etc/containerd/config.toml /etc/containerd/config.toml.bak.$(date +%s)\nsed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml\nsystemctl restart containerd",
      },
      { text: 'CRI-O: [crio.runtime] cgroup_manager = "systemd" (and conmon_cgroup = "pod"); Docker: "exec-opts": ["native.cgroupdriver=systemd"] in /etc/docker/daemon.json' },
      { text: 'kubelet: the same driver in the KubeletConfiguration, then restart the kubelet', command: 'cgroupDriver: {{runtime|\'systemd\'}}\n# then: systemctl restart kubelet' },
      {
        text: '"runtime returned an unknown cgroup driver": the runtime speaks a newer CRI than this kubelet; run kubelet and runtime versions made for each other (check both), or, while the KubeletCgroupDriverFromCRI feature gate can still be turned off, keep the kubelet on its own cgroupDriver',
        command: "kubelet --version; crictl version\n# KubeletConfiguration, then: systemctl restart kubelet\nfeatureGates:\n  KubeletCgroupDriverFromCRI: false",
      },
    ],
  },
  references: [
    'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#cgroup-drivers',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/configure-cgroup-driver/',
    'https://kubernetes.io/blog/2024/08/21/cri-cgroup-driver-lookup-now-beta/',
  ],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const { evidence, hits } = ctx;
    const rt = evidence.runtime;
    const s = rt?.settings;
    // the loop's patterns by identity, wherever they sit in the list
    const patterns = hits.byPattern;
    const loopIdx = LOOP_PATTERNS.map((p) => (rule.match?.journal ?? []).indexOf(p));
    const loopCount = loopIdx.reduce((n, i) => n + (patterns[i] ?? 0), 0);
    const died = (patterns[loopIdx[0]!] ?? 0) + (patterns[loopIdx[4]!] ?? 0);
    const sandbox = patterns[loopIdx[1]!] ?? 0;
    const finished = patterns[loopIdx[2]!] ?? 0;
    const explained = patterns[loopIdx[3]!] ?? 0;
    const loopSeen = died >= LOOP_MIN_DIED && (sandbox > 0 || finished > 0) && explained === 0;
    const fallbackSeen = (hits.byPattern[3] ?? 0) > 0;
    const dockerUnreached = patterns[(rule.match?.journal ?? []).indexOf(DOCKER_INFO_FAILED)] ?? 0;
    // dockershim's mismatch against a cgroupfs it assumed because dockerd never answered is not a mismatch
    const assumedOnly = dockerUnreached > 0 && hits.captures.runtime === 'cgroupfs' && (patterns[0] ?? 0) + dockerUnreached === hits.count - loopCount;
    const failureSeen = !assumedOnly && hits.count - loopCount - dockerUnreached > (hits.byPattern[3] ?? 0);
    if (rt?.driver && s && s.from === 'kubeletConfig' && rt.driver.value !== s.cgroupDriver) {
      // the journal's fallback line says the kubelet kept its own driver, whatever the runtime's version suggests
      const adopts = rt.runtimeReportsDriver && !fallbackSeen && versionAtLeast(s.kubeletVersion, '1.31') !== false;
      if (!adopts) {
        const citations: Citation[] = [s.cites.cgroupDriver, rt.driver.cite];
        return {
          evidence: citations,
          current: true,
          vars: { kubelet: s.cgroupDriver, runtime: rt.driver.value },
          message: `The kubelet uses the ${s.cgroupDriver} cgroup driver${fallbackSeen ? ' (its own setting: the runtime does not report its driver)' : ''} but ${rt.driver.runtime} uses ${rt.driver.value}${rt.driver.default ? ' (its default: not set in its config)' : ''}; ${failureSeen ? 'pod sandboxes fail as the journal shows' : 'pod sandboxes fail or cgroups end up split between two managers'}.`,
        };
      }
    }
    // the fallback line alone is not a failure: it only tells why a mismatch (if any) was not resolved
    if (failureSeen) {
      if (hits.byPattern[2])
        return {
          evidence: [],
          message: `The container runtime reported a cgroup driver this kubelet does not know (value ${hits.captures.code ?? '?'}), so the kubelet exits at start-up: kubelet and runtime disagree on the CRI version.`,
        };
      const vars: Record<string, string> = {};
      if (!hits.captures.kubelet && hits.captures.path) Object.assign(vars, { kubelet: 'cgroupfs', runtime: 'systemd' });
      const crio = hits.captures.crioManager;
      if (!hits.captures.kubelet && !hits.captures.path && crio) Object.assign(vars, { kubelet: crio === 'systemd' ? 'cgroupfs' : 'systemd', runtime: crio });
      return {
        evidence: [],
        vars,
        ...(fallbackSeen && vars.kubelet ? { message: `The kubelet uses the ${vars.kubelet} cgroup driver from its own configuration (the runtime does not report its driver, so the kubelet fell back) but the container runtime uses ${vars.runtime}; pod sandboxes fail as the journal shows.` } : {}),
      };
    }
    if (loopSeen)
      return {
        severity: 'warning',
        evidence: [],
        vars: { kubelet: s?.cgroupDriver ?? 'systemd (kubeadm default)', runtime: 'cgroupfs (containerd default: SystemdCgroup = false)' },
        message: `Control-plane static pods (${hits.captures.cpPod ?? hits.captures.cpPodOld ?? 'kube-system'} …) are being killed and re-created: ${died} ContainerDied events${sandbox ? `, ${sandbox} "sandbox changed"` : ''}${finished ? `, ${finished} containers finished with exit code 0` : ''}, with no upgrade or shutdown to explain them. On containerd this is the symptom of the kubelet and runc using different cgroup drivers (kubeadm's kubelet: systemd; containerd's default runc: cgroupfs).`,
      };
    if (rt && s?.from === 'defaults') return { skip: `no failure in the journal, and ${s.note ?? 'the kubelet configuration is unavailable'}` };
    return undefined;
  },
});

export default rule;
