// enforceNodeAllocatable lists kube-reserved/system-reserved but the matching cgroup name
// (kubeReservedCgroup/systemReservedCgroup) is not set: the kubelet's validation rejects it.

import { defineRule } from '../src/rules/model.js';
import type { Citation } from '../src/types.js';

export default defineRule({
  id: 'reserved-cgroup-unset',
  title: 'A reservation is enforced without naming its cgroup',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  fatal: true,
  priority: 9,
  match: {
    journal: [
      // V1 (v1.23+): `systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" contained in enforceNodeAllocatable …`
      // newest: `… must be specified when "system-reserved" or "system-reserved-compressible" included in …`; V2 (<= v1.22) capitalised
      { pattern: '(?<field>systemReservedCgroup|kubeReservedCgroup) \\(--(?:system|kube)-reserved-cgroup\\) must be specified when' },
    ],
  },
  message: 'enforceNodeAllocatable contains {{key|\'a reservation\'}} but {{field|\'its cgroup\'}} is not set, so the kubelet rejects its configuration and exits.',
  why:
    'Enforcing kube-reserved or system-reserved means writing limits into a named cgroup; without kubeReservedCgroup/systemReservedCgroup the kubelet has nowhere to write them and fails validation at start-up.',
  remediation: {
    summary: 'Name the reserved cgroup, or stop enforcing that reservation.',
    steps: [
      { text: 'Name the cgroup in the KubeletConfiguration (systemd driver names shown) and make sure it exists in every controller', command: '{{field|\'systemReservedCgroup\'}}: {{example|\'/system.slice\'}}' },
      { text: 'Or drop the key from enforceNodeAllocatable (the reservation still counts for scheduling)', command: 'enforceNodeAllocatable: ["pods"]' },
    ],
  },
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/', 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  explains: ['config-validation-failed'],
  check({ evidence, hits }) {
    const cg = evidence.cgroups;
    const s = cg?.settings;
    const unset: { key: string; field: 'kubeReservedCgroup' | 'systemReservedCgroup'; example: string }[] = [];
    if (s && s.from === 'kubeletConfig') {
      const enf = s.enforceNodeAllocatable;
      if (enf.some((k) => k.startsWith('system-reserved')) && !s.systemReservedCgroup) unset.push({ key: 'system-reserved', field: 'systemReservedCgroup', example: '/system.slice' });
      if (enf.some((k) => k.startsWith('kube-reserved')) && !s.kubeReservedCgroup) unset.push({ key: 'kube-reserved', field: 'kubeReservedCgroup', example: '/kube.slice' });
    }
    if (unset.length) {
      const citations: Citation[] = [s!.cites.enforceNodeAllocatable!, ...unset.map((u) => s!.cites[u.field]!)];
      return { evidence: citations, current: true, vars: { key: unset.map((u) => u.key).join(' and '), field: unset.map((u) => u.field).join(' and '), example: unset[0]!.example } };
    }
    if (hits.count > 0) {
      const f = hits.captures.field ?? '';
      const field = /^system/i.test(f) ? 'systemReservedCgroup' : /^kube/i.test(f) ? 'kubeReservedCgroup' : undefined;
      const vars: Record<string, string> = field ? { field, key: field === 'systemReservedCgroup' ? 'system-reserved' : 'kube-reserved', example: field === 'systemReservedCgroup' ? '/system.slice' : '/kube.slice' } : {};
      return { evidence: [], vars };
    }
    if (s?.from === 'defaults' && !hits.count) return { skip: `no journal match, and ${s.note ?? 'the kubelet configuration is unavailable'}` };
    return undefined;
  },
});
