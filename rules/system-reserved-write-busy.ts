// F2: cgroup v1 refuses (EBUSY) to set memory.limit_in_bytes of a reserved slice below what the
// slice already uses. Journal: the enforcement error carrying runc's "device or resource busy" or
// "unable to set memory limit to … (current usage: …)". Node: the reserved slice's current memory
// usage is above the configured systemReserved/kubeReserved memory.

import { defineRule, formatBytes, type Citation, withKnownSettings } from '../src/rules/kit.js';

const bytes = (s: string | undefined) => (s && /^\d+$/.test(s) ? `${s} bytes (${formatBytes(Number(s))})` : undefined);

export default defineRule({
  id: 'system-reserved-write-busy',
  title: 'The reserved memory limit is below what the slice already uses',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  fatal: true,
  priority: 11,
  match: {
    journal: [
      // runc >= 1.0 (k8s ~1.22+): EBUSY re-read as usage
      {
        pattern:
          'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits(?: on "(?<cgroup>[^"]*)")?: [^\\n]{0,400}?unable to set memory limit to (?<limit>\\d+) \\(current usage: (?<usage>\\d+), peak usage: (?<peak>\\d+)\\)',
        versions: '>=1.22',
      },
      // runc rc10..rc93 (k8s ~1.14-1.21): failed to write "N" to ".../memory.limit_in_bytes": ... device or resource busy
      // (also the glog-era `failed to enforce System Reserved Cgroup Limits: %v` of <= ~v1.8, without the cgroup name)
      {
        pattern:
          'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits(?: on "(?<cgroup>[^"]*)")?: [^\\n]{0,600}?failed to write "?(?<limit>\\d+)"?(?: to "?(?<file>[^"\\s]*memory\\.limit_in_bytes)"?)?[^\\n]{0,400}?device or resource busy',
        versions: '<=1.21',
      },
      // the write itself, on a reserved (non-pod) cgroup, wherever it is wrapped
      { pattern: '^(?!.*Reserved (?:Compressible )?Cgroup Limits(?: on|:)).*?write (?<file>/sys/fs/cgroup/memory/(?!kubepods)[^\\s:"]*memory\\.limit_in_bytes): device or resource busy' },
    ],
  },
  message:
    'The kubelet cannot set the memory limit of {{cgroup|\'the reserved cgroup\'}} to {{limitText|limit|\'the reservation\'}}: the slice already uses {{usageText|usage|\'more than that\'}}, and cgroup v1 refuses a limit below current usage (EBUSY). The ContainerManager does not start.',
  why:
    'With system-reserved or kube-reserved in enforceNodeAllocatable, the kubelet writes systemReserved.memory / kubeReserved.memory into memory.limit_in_bytes of the reserved slice at start-up. cgroup v1 returns EBUSY when the new limit is below the memory the slice already holds (page cache included), runc reports "device or resource busy" or "unable to set memory limit to … (current usage: …)", and the kubelet exits.',
  remediation: {
    summary: 'Raise the memory reservation above what the slice uses (or stop enforcing it).',
    steps: [
      { text: 'See how much the slice uses now (cgroup v1)', command: 'cat /sys/fs/cgroup/memory{{path|\'/system.slice\'}}/memory.usage_in_bytes /sys/fs/cgroup/memory{{path|\'/system.slice\'}}/memory.max_usage_in_bytes' },
      {
        text: 'Raise the reservation in the KubeletConfiguration (with headroom above the usage), then restart the kubelet',
        command: '{{field|\'systemReserved\'}}:\n  memory: {{suggest|\'1Gi\'}}\n# then: systemctl restart kubelet',
      },
      { text: 'Or enforce only pods, keeping the reservation for scheduling but not as a hard limit', command: 'enforceNodeAllocatable: ["pods"]' },
      { text: 'Or move to cgroup v2, where memory.max reclaims instead of failing' },
    ],
  },
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/', 'https://kubernetes.io/docs/concepts/architecture/cgroups/'],
  explains: ['node-not-found'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const cg = evidence.cgroups;
    const vars: Record<string, string> = {};
    const lt = bytes(hits.captures.limit);
    const ut = bytes(hits.captures.usage);
    if (lt) vars.limitText = lt;
    if (ut) vars.usageText = ut;
    const over = cg && cg.version !== 'v2' ? cg.reserved.filter((r) => r.enforced && r.memory?.exceeds) : [];
    if (over.length) {
      const r = over[0]!;
      const m = r.memory!;
      const field = r.field === 'kubeReservedCgroup' ? 'kubeReserved' : 'systemReserved';
      const citations: Citation[] = [
        { kind: 'file', source: m.usageFile, line: 1, text: String(m.usage), note: `${formatBytes(m.usage)} in use now` },
        cg!.settings.cites[field] ?? r.citations[0]!,
        ...r.citations.filter((c) => c.field === 'enforceNodeAllocatable'),
      ];
      const suggest = formatBytes(Math.ceil((m.usage * 1.5) / 2 ** 20) * 2 ** 20);
      return {
        evidence: citations,
        current: true,
        vars: { ...vars, cgroup: r.name, path: r.path, field, suggest, limitText: vars.limitText ?? `${m.reservationText} (${m.reservation} bytes)`, usageText: vars.usageText ?? `${m.usage} bytes (${formatBytes(m.usage)})` },
        message: `${field}.memory is ${m.reservationText} but ${r.name} already uses ${formatBytes(m.usage)} (${m.usageFile}); cgroup v1 refuses to set memory.limit_in_bytes below current usage (EBUSY), so enforcing ${r.enforcement} fails${hits.count ? ' as the journal shows' : ''} and the kubelet exits.`,
      };
    }
    if (hits.count > 0) {
      const usage = Number(hits.captures.usage);
      return { evidence: [], vars: { ...vars, ...(usage ? { suggest: formatBytes(Math.ceil((usage * 1.5) / 2 ** 20) * 2 ** 20) } : {}), ...(hits.captures.which === 'Kube' ? { field: 'kubeReserved' } : {}) } };
    }
    return undefined;
  },
});
