// SELinux is enforcing: kubeadm's install guide sets it permissive, since containers (and many
// CNI/storage add-ons) need host file access that a default policy may deny.

import { defineRule, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'selinux-enforcing',
  title: 'SELinux is enforcing',
  severity: 'warning',
  category: 'security',
  evidence: ['system'],
  message: 'SELinux is in enforcing mode{{where|\'\'}}: containers and add-ons that mount host paths may be denied (AVC denials) unless the runtime and policy are set up for it.',
  why:
    "kubeadm's install guide puts SELinux in permissive mode because the kubelet's SELinux support relies on the runtime labelling containers (container-selinux policy, selinux enabled in CRI-O/containerd). On a node without that setup, pod networks and hostPath mounts fail with permission errors that look like application bugs.",
  remediation: {
    summary: 'Either make SELinux work with the runtime, or set it permissive.',
    steps: [
      { text: 'Look for denials first', command: 'ausearch -m avc -ts recent | tail -n 20' },
      { text: 'Set permissive now and at boot (what the kubeadm install guide does)', command: "setenforce 0\ncp -a /etc/selinux/config /etc/selinux/config.bak.$(date +%s)\nsed -i 's/^SELINUX=enforcing$/SELINUX=permissive/' /etc/selinux/config" },
      { text: 'Or keep enforcing with the container-selinux policy installed and SELinux enabled in the runtime (containerd: enable_selinux = true; CRI-O: selinux = true)' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/install-kubeadm/',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container',
  ],
  check({ evidence }) {
    const se = evidence.system?.selinux;
    if (se?.mode !== 'enforcing') return undefined;
    const citations: Citation[] = [];
    if (se.runtime) citations.push(se.runtime.cite);
    if (se.config) citations.push(se.config.cite);
    return { evidence: citations, current: true, vars: { where: se.runtime ? '' : ' (per /etc/selinux/config)' } };
  },
});
