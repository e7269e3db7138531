// F4: the Node has no spec.podCIDR while the CNI (flannel, kubenet, host-local with usePodCidr) needs one.
// kube-controller-manager assigns it only with --allocate-node-cidrs=true --cluster-cidr=...

import { defineRule, settingCitation, type CheckResult, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'pod-cidr-unassigned',
  title: 'The node has no pod CIDR but its network plugin needs one',
  severity: 'error',
  category: 'network',
  evidence: ['node', 'kubeletConfig', 'cni', 'journal'],
  priority: 12,
  // flannel and kubenet cannot configure pod networking without a pod CIDR: the CNI stays "not ready"
  explains: ['cni-config-missing', 'node-not-found'],
  match: {
    journal: [
      // flannel (runs as a pod or as a flanneld unit): `Error registering network: failed to acquire lease: node "X" pod cidr not assigned`
      { pattern: 'node "?(?<node>[^"\\s]+)"? pod cidr not assigned', processes: 'any' },
      // dockershim kubenet (≤ v1.23)
      { pattern: 'kubenet does not have netConfig\\. This is most likely due to lack of PodCIDR', versions: '<1.24' },
      // kube-controller-manager's range allocator has nothing to give (seen in the journal when it runs as a unit, as in
      // "the hard way"): cluster CIDR exhausted for the node mask size (newer cidrset: `… left to allocate in the range %s`),
      // or a node mask that does not fit the cluster CIDR
      { pattern: 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the (?:accepted range|range (?<clusterCidr>[^\\s"]+))', processes: 'any' },
      { pattern: 'New CIDR set failed; the node CIDR size is too big', processes: 'any' },
    ],
  },
  message: 'Node {{node|\'?\'}} has no spec.podCIDR, so its network plugin cannot start and pods get no network.',
  why:
    'flannel (kube-subnet-mgr), kubenet and CNI configs using host-local IPAM with usePodCidr take the node\'s subnet from the Node object\'s spec.podCIDR. kube-controller-manager fills it only when started with --allocate-node-cidrs=true and a --cluster-cidr (kubeadm: `kubeadm init --pod-network-cidr`). The podCIDR field of the KubeletConfiguration does not help: the kubelet uses it only in standalone mode.',
  remediation: {
    summary: 'Let kube-controller-manager allocate node CIDRs from a cluster CIDR that matches the CNI configuration.',
    steps: [
      { text: 'See which nodes have a pod CIDR', command: "kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR" },
      { text: 'Enable CIDR allocation in kube-controller-manager (kubeadm: /etc/kubernetes/manifests/kube-controller-manager.yaml); the cluster CIDR must match flannel\'s net-conf.json "Network"', command: '--allocate-node-cidrs=true --cluster-cidr=10.244.0.0/16' },
      { text: 'If kube-controller-manager reports no remaining CIDRs (or a node CIDR size too big), give it a larger cluster CIDR or smaller per-node subnets (a larger mask number); both flags go with the ones above', command: '--cluster-cidr=10.244.0.0/16 --node-cidr-mask-size=24' },
      { text: 'Nodes registered before the change get a CIDR once the controller runs; restart the CNI pod (or flanneld) on this node afterwards', command: 'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName={{node|\'NODE\'}}' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'https://kubernetes.io/docs/concepts/cluster-administration/networking/',
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
  ],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const node = ctx.evidence.node;
    const kc = ctx.evidence.kubeletConfig;
    const h = ctx.hits;
    const cniText = (() => {
      try {
        return JSON.stringify(ctx.evidence.cni ?? {}).toLowerCase();
      } catch {
        return '';
      }
    })();
    const needs: string[] = [];
    if (h.byPattern[0]) needs.push('flannel reports "pod cidr not assigned"');
    if (h.byPattern[1]) needs.push('kubenet reports lack of PodCIDR');
    // why the controller leaves it empty, when its own lines are in the journal
    const exhausted = (h.byPattern[2] ?? 0) + (h.byPattern[3] ?? 0) > 0;
    const kcmSays = h.byPattern[2]
      ? `kube-controller-manager has no pod CIDR left to allocate${h.captures.clusterCidr ? ` in ${h.captures.clusterCidr}` : ''} (cluster CIDR exhausted for the node mask size)`
      : 'kube-controller-manager cannot build its CIDR set (the node CIDR size is too big for the cluster CIDR)';
    if (kc?.settings.networkPlugin?.value === 'kubenet') needs.push('--network-plugin=kubenet');
    if (/flannel/.test(cniText)) needs.push('the CNI configuration is flannel');
    else if (/usepodcidr/.test(cniText)) needs.push('the CNI configuration uses host-local IPAM with usePodCidr');
    if (node && Object.keys(node.annotations).some((a) => a.startsWith('flannel.alpha.coreos.com/'))) needs.push('the node carries flannel annotations');
    if (!node) {
      if (exhausted) return { evidence: [], message: `${kcmSays}: nodes registered since get no spec.podCIDR${needs.length ? `, and on this node ${needs.join(' and ')}` : ''}.` };
      if (h.count > 0) return { evidence: [] };
      return { skip: 'needs the Node object (--node FILE or --api) to read spec.podCIDR' };
    }
    if (node.podCIDR) {
      // assigned now: a journal complaint is from before the assignment
      return h.count > 0 ? { evidence: [{ kind: 'node', source: node.source, field: 'spec.podCIDR', value: node.podCIDR, text: `spec.podCIDR: ${node.podCIDR} (assigned now)` }], current: false } : undefined;
    }
    if (!needs.length) return undefined; // CNIs with their own IPAM (Calico, Cilium, ...) do not need it
    const cites: Citation[] = [{ kind: 'node', source: node.source, field: 'spec.podCIDR', value: '', text: `Node ${node.name}: spec.podCIDR is empty (podCIDRs: [])` }];
    const ready = node.conditions.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') cites.push({ kind: 'node', source: node.source, field: 'status.conditions[Ready]', value: ready.status, text: `Ready=${ready.status} ${ready.reason ?? ''}: ${ready.message ?? ''}`.trim() });
    const kubeletCidr = kc?.settings.podCIDR;
    if (kubeletCidr) cites.push(settingCitation(kubeletCidr, 'used by the kubelet only in standalone mode; flannel reads the Node object'));
    return {
      message: `Node ${node.name} has no spec.podCIDR while ${needs.join(' and ')}: ${exhausted ? kcmSays : 'kube-controller-manager is not allocating node CIDRs (--allocate-node-cidrs=true --cluster-cidr=...)'}.`,
      vars: { node: node.name },
      evidence: cites,
      current: true,
    };
  },
});
