// kubeadm preflight [ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: "… does not
// exist": the br_netfilter module is not loaded, so bridged traffic never reaches iptables.

import { defineRule, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'br-netfilter-missing',
  title: 'The br_netfilter module is not loaded',
  severity: 'error',
  category: 'network',
  evidence: ['system'],
  message: 'br_netfilter is not loaded (no /proc/sys/net/bridge): bridged pod traffic is invisible to iptables, so Service rules do not apply to it.',
  why:
    'The net.bridge.bridge-nf-call-iptables switch only exists while br_netfilter is loaded. Without it, kube-proxy iptables rules never see traffic between pods on the same Linux bridge (bridge/flannel CNIs), and kubeadm preflight fails with "/proc/sys/net/bridge/bridge-nf-call-iptables does not exist".',
  remediation: {
    summary: 'Load br_netfilter now and at every boot, then set the bridge sysctls.',
    steps: [
      { text: 'Load it now', command: 'modprobe br_netfilter' },
      { text: 'Load it at boot (appended once: the file may list other modules)', command: "grep -qx br_netfilter /etc/modules-load.d/k8s.conf 2>/dev/null || echo br_netfilter >> /etc/modules-load.d/k8s.conf" },
      { text: 'Then enable the sysctls', command: 'sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1' },
    ],
  },
  references: ['https://kubernetes.io/docs/setup/production-environment/container-runtimes/#forwarding-ipv4-and-letting-iptables-see-bridged-traffic'],
  check({ evidence }) {
    const sys = evidence.system;
    if (!sys || sys.brNetfilter.loaded !== false) return undefined;
    const citations: Citation[] = [sys.sysctls['net.bridge.bridge-nf-call-iptables'].cite];
    if (sys.brNetfilter.cite) citations.push(sys.brNetfilter.cite);
    return { evidence: citations, current: true };
  },
});
