// kubeadm preflight [ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: the sysctl
// exists (br_netfilter loaded) but is 0, so bridged pod traffic bypasses iptables (Services break).

import { defineRule } from '../src/rules/kit.js';

export default defineRule({
  id: 'bridge-nf-call-iptables-off',
  title: 'net.bridge.bridge-nf-call-iptables is 0',
  severity: 'error',
  category: 'network',
  evidence: ['system'],
  message: 'net.bridge.bridge-nf-call-iptables is {{value|\'0\'}}: traffic between pods on the same bridge bypasses iptables, so Service (kube-proxy) rules do not apply to it.',
  why:
    'kube-proxy (iptables mode) and bridge-based CNIs (bridge, flannel) rely on bridged packets passing through iptables. With the sysctl at 0, pod-to-Service traffic between pods on one node is not translated and times out, and NetworkPolicies do not apply. kubeadm preflight treats it as an error.',
  remediation: {
    summary: 'Set the sysctl to 1 now and persistently.',
    steps: [
      { text: 'Set it now', command: 'sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1' },
      {
        text: 'Keep it across reboots (an existing /etc/sysctl.d/k8s.conf is backed up first)',
        command: "[ -e /etc/sysctl.d/k8s.conf ] && cp -a /etc/sysctl.d/k8s.conf /etc/sysctl.d/k8s.conf.bak.$(date +%s)\ncat > /etc/sysctl.d/k8s.conf <<'EOF'\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\nEOF\nsysctl --system",
      },
    ],
  },
  references: [
    'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#forwarding-ipv4-and-letting-iptables-see-bridged-traffic',
    'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/#network-plugin-requirements',
  ],
  check({ evidence }) {
    const s = evidence.system?.sysctls['net.bridge.bridge-nf-call-iptables'];
    if (!s) return undefined;
    if (s.exists && s.value === '0') return { evidence: [s.cite], current: true, vars: { value: s.value } };
    return undefined;
  },
});
