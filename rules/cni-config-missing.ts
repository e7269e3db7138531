// F6: the runtime finds no CNI network config, so the node stays NotReady
// (NetworkReady=false reason:NetworkPluginNotReady). Node: the conf dir in use is missing or has no
// .conf/.conflist/.json file.

import { defineRule, runAt, type Citation } from '../src/rules/kit.js';

/** Rough milliseconds of a printed journal time (enough to compare two times a minute apart). */
function approxMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) {
    const t = Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(t)) return t;
  }
  if (/^\d{9,11}(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  const m = /(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  if (!m) return undefined;
  const day = Number(m[1]!.slice(-2));
  return ((day * 24 + Number(m[2])) * 60 + Number(m[3])) * 60000 + Number(m[4]) * 1000;
}

/** The kubelet repeats "network not ready" every ~5 s while it lasts; lines that stopped a minute before the run's last line cleared. */
const CLEARED_AFTER_MS = 60_000;

export default defineRule({
  id: 'cni-config-missing',
  title: 'No CNI network configuration: the node network is not ready',
  severity: 'error',
  category: 'network',
  evidence: ['journal', 'cni'],
  priority: 3,
  match: {
    journal: [
      // dockershim (<= v1.23): `… message:docker: network plugin is not ready: cni config uninitialized`
      { pattern: 'cni config uninitialized', versions: '<=1.23' },
      // dockershim cni.go (W): `Unable to update cni config: no networks found in /etc/cni/net.d` (older: `No networks found in`)
      { pattern: 'no networks found in (?<dir>[^\\s"]+)', versions: '<=1.23' },
      // containerd (go-cni): `Network plugin returns error: cni plugin not initialized`, `no network config found in <dir>`
      { pattern: '(?:no network config found in (?<dir>[^\\s:"]+)|cni plugin not initialized)', processes: 'any' },
      // CRI-O (ocicni): `No CNI configuration file in <dir>. Has your network provider started?` (lower-case at HEAD)
      { pattern: 'No CNI configuration file in (?<dir>\\S+?)\\.?(?:\\s|"|$)', processes: 'any' },
      // containerd at start: `failed to load cni during init, please check CRI plugin status …`
      { pattern: 'failed to load cni during init', processes: 'any' },
      // the generic reason, when none of the wordings above is in the line (each line counts once)
      { pattern: 'NetworkReady=false reason:NetworkPluginNotReady message:(?!.*(?:cni config uninitialized|cni plugin not initialized|no CNI configuration file|no network config found|no networks found))' },
    ],
  },
  message: 'The container runtime has no CNI network configuration{{dirText|\'\'}}, so the node reports NetworkReady=false and stays NotReady; no pod network can be set up.',
  why:
    'The kubelet reports the node Ready only when the runtime says its network is ready, and the runtime (containerd, CRI-O, dockershim) is ready only once a valid CNI config sits in its conf dir (/etc/cni/net.d by default). That file is written by the network add-on (flannel, calico, cilium…) when its pod starts — or by hand for a bridge setup — so it is missing when the add-on is not installed yet, is crash-looping, or the runtime looks in a different directory.',
  remediation: {
    summary: 'Install (or repair) the pod network add-on, or put a CNI config where the runtime looks.',
    steps: [
      { text: 'Look at what the runtime sees', command: 'ls -la {{dir|\'/etc/cni/net.d\'}} /opt/cni/bin' },
      { text: 'Install the network add-on (for example flannel) and wait for its pod to write the config', command: 'kubectl apply -f https://github.com/flannel-io/flannel/releases/latest/download/kube-flannel.yml\nkubectl -n kube-flannel get pods -o wide' },
      { text: 'Check the runtime is looking in the same directory (containerd [plugins."io.containerd.grpc.v1.cri".cni] conf_dir, CRI-O [crio.network] network_dir), then restart it', command: 'systemctl restart containerd   # or crio' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/',
  ],
  check({ evidence, hits }) {
    const cni = evidence.cni;
    if (cni && (!cni.confDirExists || cni.files.length === 0)) {
      const dir = cni.confDir.paths[0]!;
      const citations: Citation[] = [cni.confDirCite];
      if (cni.confDir.from !== 'default') citations.push(cni.confDir.cite);
      return {
        evidence: citations,
        current: true,
        vars: { dir, dirText: ` in ${dir}` },
        message: `${cni.confDirExists ? `${dir} holds no CNI config${cni.otherEntries.length ? ` (only ${cni.otherEntries.join(', ')})` : ' (empty)'}` : `${dir} does not exist`}: the ${cni.runtime === 'unknown' ? 'container runtime' : cni.runtime} network is not ready, so the node stays NotReady${hits.count ? ' (the journal shows NetworkPluginNotReady)' : ''}.`,
      };
    }
    if (hits.count > 0) {
      // start-up noise: "not ready" until the network add-on writes its config, then silence
      const j = evidence.journal;
      const run = j && runAt(j.runs, j.latestRun);
      if (run && hits.runs.includes(j!.latestRun)) {
        const last = approxMs(hits.lastTime);
        const end = approxMs(run.lastTime);
        if (last !== undefined && end !== undefined && end - last > CLEARED_AFTER_MS) {
          if (!cni || cni.selected) return undefined;
        }
      }
      const vars: Record<string, string> = hits.captures.dir ? { dirText: ` in ${hits.captures.dir}` } : {};
      return { evidence: [], vars };
    }
    return undefined;
  },
});
