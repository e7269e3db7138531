// kubeadm preflight [ERROR FileContent--proc-sys-net-ipv4-ip_forward]: IPv4 forwarding is off, so
// the node does not route pod traffic.

import { defineRule } from '../src/rules/kit.js';

export default defineRule({
  id: 'ip-forward-off',
  title: 'IPv4 forwarding is off (net.ipv4.ip_forward = 0)',
  severity: 'error',
  category: 'network',
  evidence: ['system'],
  message: 'net.ipv4.ip_forward is 0: the node does not forward packets, so pods cannot reach other nodes, Services or the outside world.',
  why:
    'Pod networking routes traffic through the host: between the pod network and the node interfaces, and for Service NAT. Linux drops forwarded packets while ip_forward is 0. kubeadm preflight treats it as an error; many CNIs set it themselves only when their agent starts.',
  remediation: {
    summary: 'Enable IPv4 forwarding now and persistently.',
    steps: [
      { text: 'Enable it now', command: 'sysctl -w net.ipv4.ip_forward=1' },
      { text: 'Keep it across reboots (an existing file of that name is backed up first)', command: "[ -e /etc/sysctl.d/k8s-ipforward.conf ] && cp -a /etc/sysctl.d/k8s-ipforward.conf /etc/sysctl.d/k8s-ipforward.conf.bak.$(date +%s)\necho 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/k8s-ipforward.conf\nsysctl --system" },
    ],
  },
  references: ['https://kubernetes.io/docs/setup/production-environment/container-runtimes/#forwarding-ipv4-and-letting-iptables-see-bridged-traffic'],
  check({ evidence }) {
    const s = evidence.system?.sysctls['net.ipv4.ip_forward'];
    if (s?.exists && s.value === '0') return { evidence: [s.cite], current: true };
    return undefined;
  },
});
