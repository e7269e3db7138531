// enforceNodeAllocatable lists kube-reserved/system-reserved but the matching cgroup name
// (kubeReservedCgroup/systemReservedCgroup) is not set: the kubelet's validation rejects it. When both
// are unset the kubelet's one aggregated error names both, and so does the finding.

import { defineRule, type Citation, type RuleHits, withKnownSettings } from '../src/rules/kit.js';

type Field = 'kubeReservedCgroup' | 'systemReservedCgroup';
const KEY: Record<Field, string> = { systemReservedCgroup: 'system-reserved', kubeReservedCgroup: 'kube-reserved' };
const EXAMPLE: Record<Field, string> = { systemReservedCgroup: '/system.slice', kubeReservedCgroup: '/kube.slice' };

/** Every field the cited lines name: the pattern captures only the first of an aggregated error. */
function fieldsInHits(hits: RuleHits): Field[] {
  const found = new Set<Field>();
  for (const s of [...hits.samples, ...(hits.latest ? [hits.latest] : [])])
    for (const m of s.text.matchAll(/\b(systemReservedCgroup|kubeReservedCgroup) \(--(?:system|kube)-reserved-cgroup\) must be specified|Failed to enforce (System|Kube) Reserved (?:Compressible )?Cgroup Limits on "":/gi))
      found.add(/^system/i.test(m[1] ?? m[2]!) ? 'systemReservedCgroup' : 'kubeReservedCgroup');
  return (['systemReservedCgroup', 'kubeReservedCgroup'] as const).filter((f) => found.has(f));
}

/** Template values naming every unset field, and a pasteable KubeletConfiguration snippet for them. */
function varsFor(fields: Field[]): Record<string, string> {
  return {
    key: fields.map((f) => KEY[f]).join(' and '),
    field: fields.join(' and '),
    verb: fields.length > 1 ? 'are' : 'is',
    settings: fields.map((f) => `${f}: ${EXAMPLE[f]}`).join('\n'),
  };
}

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
      // before that validation (<= v1.22) the kubelet tried anyway: node_container_manager_linux.go enforceExistingCgroup
      // on the empty cgroup name, `Failed to enforce System Reserved Cgroup Limits on "": …` (any reason after it)
      { pattern: 'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits on "":', versions: '<1.23' },
    ],
  },
  message: 'enforceNodeAllocatable contains {{key|\'a reservation\'}} but {{field|\'its cgroup\'}} {{verb|\'is\'}} not set, so the kubelet rejects its configuration and exits.',
  why:
    'Enforcing kube-reserved or system-reserved means writing limits into a named cgroup; without kubeReservedCgroup/systemReservedCgroup the kubelet has nowhere to write them and fails validation at start-up.',
  remediation: {
    summary: 'Name the reserved cgroup, or stop enforcing that reservation.',
    steps: [
      { text: 'Name the cgroup in the KubeletConfiguration (systemd driver names shown) and make sure it exists in every controller', command: '{{settings|\'systemReservedCgroup: /system.slice\'}}' },
      { text: 'Or drop the key from enforceNodeAllocatable (the reservation still counts for scheduling)', command: 'enforceNodeAllocatable: ["pods"]' },
    ],
  },
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/', 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  explains: ['config-validation-failed'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const cg = evidence.cgroups;
    const s = cg?.settings;
    const unset: Field[] = [];
    if (s && s.from === 'kubeletConfig') {
      const enf = s.enforceNodeAllocatable;
      if (enf.some((k) => k.startsWith('system-reserved')) && !s.systemReservedCgroup) unset.push('systemReservedCgroup');
      if (enf.some((k) => k.startsWith('kube-reserved')) && !s.kubeReservedCgroup) unset.push('kubeReservedCgroup');
    }
    if (unset.length) {
      const citations: Citation[] = [s!.cites.enforceNodeAllocatable!, ...unset.map((f) => s!.cites[f]!)];
      return { evidence: citations, current: true, vars: varsFor(unset) };
    }
    if (hits.count > 0) {
      const named = fieldsInHits(hits);
      return { evidence: [], vars: named.length ? varsFor(named) : {} };
    }
    if (s?.from === 'defaults' && !hits.count) return { skip: `no journal match, and ${s.note ?? 'the kubelet configuration is unavailable'}` };
    return undefined;
  },
});
