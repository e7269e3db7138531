// staticPodPath names a directory that does not exist. The kubelet ignores it (and logs every ~20 s);
// on a kubeadm control-plane node that means the API server, etcd, scheduler and controller-manager
// never start.

import { defineRule, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'static-pod-path-missing',
  title: 'The static pod directory does not exist',
  severity: 'info',
  category: 'configuration',
  evidence: ['journal', 'system'],
  match: {
    journal: [
      // printf: `Unable to read config path "/etc/kubernetes/manifests": path does not exist, ignoring`
      { pattern: 'Unable to read config path "?(?<path>[^"\\s:]+)"?: path does not exist(?:, ignoring)?' },
      // structured: `"Unable to read config path" err="path does not exist, ignoring" path="/etc/kubernetes/manifests"`
      // (the path may be cut at terminal width: its closing quote is not required)
      { pattern: '"Unable to read config path" err="path does not exist, ignoring" path="(?<path>[^"\\s]+?)(?:"|…|>|$)' },
      { pattern: '"Unable to read config path" path="(?<path>[^"]+)" err="path does not exist, ignoring"' },
    ],
  },
  message: 'staticPodPath {{path|\'?\'}} does not exist; the kubelet ignores it and runs no static pods from it.',
  why:
    'The kubelet watches staticPodPath for pod manifests. A missing directory is not an error for the kubelet (it retries and logs every ~20 seconds), which is fine on a worker — but on a kubeadm control-plane node the API server, etcd, scheduler and controller-manager are static pods in /etc/kubernetes/manifests, so nothing of the control plane starts.',
  remediation: {
    summary: 'Create the directory (and restore the manifests on a control-plane node), or unset staticPodPath.',
    steps: [
      { text: 'Create it so the kubelet stops complaining', command: 'mkdir -p {{path|\'/etc/kubernetes/manifests\'}}' },
      { text: 'On a kubeadm control-plane node, regenerate the control-plane manifests', command: 'kubeadm init phase control-plane all --config /path/to/kubeadm-config.yaml\nkubeadm init phase etcd local --config /path/to/kubeadm-config.yaml' },
    ],
  },
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/', 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const sp = evidence.system?.staticPodPath;
    if (sp?.path && sp.exists === false) {
      const citations: Citation[] = [sp.cite, { kind: 'absent', source: sp.path, text: sp.reason ?? `${sp.path} does not exist` }, ...sp.controlPlaneCites];
      return {
        evidence: citations,
        current: true,
        severity: sp.controlPlaneExpected ? 'error' : 'info',
        vars: { path: sp.path },
        message: sp.controlPlaneExpected
          ? `staticPodPath ${sp.path} does not exist on a kubeadm control-plane node: the API server, etcd, scheduler and controller-manager static pods cannot start.`
          : `staticPodPath ${sp.path} does not exist; the kubelet ignores it (harmless on a worker, but it logs about it every ~20 s).`,
      };
    }
    if (hits.count > 0) return { evidence: [], severity: sp?.controlPlaneExpected ? 'error' : 'info' };
    return undefined;
  },
});
