// F8: on cgroup v1 the kubelet sits in different cgroups for the cpu and memory controllers
// (systemd without CPUAccounting/MemoryAccounting for kubelet.service). Old kubelets exit on it
// (`failed to run Kubelet: failed to get the kubelet's cgroup: …`); newer ones warn and lose the
// kubelet's system-container metrics. Node: proc/<kubelet pid>/cgroup, cpu line ≠ memory line.

import { defineRule, type Citation, type Severity } from '../src/rules/kit.js';

export default defineRule({
  id: 'cgroup-hierarchy-not-unified',
  title: 'The kubelet is in different cpu and memory cgroups (cgroup v1)',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  priority: 5,
  // cAdvisor cannot find the kubelet's cgroup in every hierarchy, so its system-container stats are missing
  explains: ['system-container-stats-missing'],
  match: {
    journal: [
      // the fatal form (<= ~v1.15 wrapped in failed to run Kubelet)
      {
        pattern: "failed to run Kubelet: failed to get the kubelet's cgroup: cpu and memory cgroup hierarchy not unified\\.\\s+cpu: (?<cpu>\\S*), memory: (?<memory>[^\\s\"]+)",
        fatal: true,
      },
      // W `failed to get the kubelet's cgroup: ….  Kubelet system container metrics may be missing.` (<= v1.20),
      // I `"Failed to get the kubelet's cgroup. …" err="cpu and memory …"` (v1.21+),
      // E `"Failed to find cgroups of kubelet" err="cpu and memory …"`, and the runtime's variant
      { pattern: "^(?!.*failed to run Kubelet: failed to get the kubelet's cgroup: cpu and memory).*?cpu and memory cgroup hierarchy not unified\\.\\s+cpu: (?<cpu>\\S*), memory: (?<memory>[^\\s\"]+)" },
    ],
  },
  message:
    'The kubelet runs in cpu cgroup {{cpu|\'?\'}} but memory cgroup {{memory|\'?\'}}: cgroup v1 accounting is not unified for it (systemd CPUAccounting/MemoryAccounting off for its unit).',
  why:
    "The kubelet looks up its own container from /proc/<pid>/cgroup and requires the cpu and memory controllers to name the same cgroup. systemd only creates a unit's cgroup in a v1 hierarchy when accounting for that controller is on, so without CPUAccounting=true the kubelet stays at / for cpu while memory is /system.slice/kubelet.service. Old kubelets exit on this; newer ones log it and lose the kubelet's and runtime's system-container metrics.",
  remediation: {
    summary: 'Turn on CPU and memory accounting for the kubelet (and runtime) unit.',
    steps: [
      {
        text: 'Add a drop-in that enables accounting for kubelet.service',
        command:
          "mkdir -p /etc/systemd/system/kubelet.service.d\n[ -e /etc/systemd/system/kubelet.service.d/11-cgroups.conf ] && cp -a /etc/systemd/system/kubelet.service.d/11-cgroups.conf /etc/systemd/system/kubelet.service.d/11-cgroups.conf.bak.$(date +%s)\ncat > /etc/systemd/system/kubelet.service.d/11-cgroups.conf <<'EOF'\n[Service]\nCPUAccounting=true\nMemoryAccounting=true\nEOF\nsystemctl daemon-reload && systemctl restart kubelet",
      },
      { text: 'Or enable it for every unit in /etc/systemd/system.conf (DefaultCPUAccounting=yes, DefaultMemoryAccounting=yes), then reboot or daemon-reexec' },
      { text: 'Check: both lines must name the same cgroup', command: "grep -E ':(cpu|cpuacct|memory)[,:]|:cpu,cpuacct:|:cpuacct,cpu:' /proc/$(pidof kubelet)/cgroup" },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/',
    'https://kubernetes.io/docs/concepts/architecture/cgroups/',
    'https://github.com/kubernetes/kops/issues/4049',
  ],
  check({ evidence, hits }) {
    const cg = evidence.cgroups;
    const fatal = (hits.byPattern[0] ?? 0) > 0 || hits.worstLevel === 'F';
    const severity: Severity = fatal ? 'error' : 'warning';
    const k = cg && cg.version !== 'v2' ? cg.kubelet : undefined;
    if (k && k.unified === false && k.cpu && k.memory) {
      const citations: Citation[] = [
        { kind: 'file', source: k.source, line: k.cpu.line, text: k.cpu.text, note: `cpu: ${k.cpu.path}` },
        { kind: 'file', source: k.source, line: k.memory.line, text: k.memory.text, note: `memory: ${k.memory.path}` },
      ];
      for (const r of cg!.runtimes)
        if (r.unified === false && r.cpu && r.memory)
          citations.push({ kind: 'file', source: r.source, line: r.cpu.line, text: `${r.cpu.text} / ${r.memory.text}`, note: `${r.name} is not unified either` });
      if (cg!.versionCite) citations.push(cg!.versionCite);
      return {
        evidence: citations,
        current: true,
        severity,
        vars: { cpu: k.cpu.path, memory: k.memory.path },
        message: `The kubelet (pid ${k.pid}) is in cpu cgroup ${k.cpu.path} but memory cgroup ${k.memory.path} (${k.source}); ${fatal ? 'this kubelet exits on it' : 'the kubelet cannot account its own usage and may refuse to start (older versions)'}.`,
      };
    }
    if (hits.count > 0) return { evidence: [], severity };
    return undefined;
  },
});
