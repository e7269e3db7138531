// F1: a reserved cgroup (kubeReservedCgroup / systemReservedCgroup) the kubelet must enforce limits
// on is missing in some controller hierarchies. Fires from the journal (the enforcement error and
// the "missing paths" debug line) and from node state alone (enforceNodeAllocatable lists the
// reservation and the cgroup directory is absent in some hierarchy now), citing both when both exist.

import { defineRule, type Citation, type RuleOutcome, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'cgroup-missing-paths',
  title: 'A reserved cgroup is missing in some controllers',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  fatal: true,
  priority: 10,
  match: {
    journal: [
      // the enforcement error that stops the ContainerManager (every era's wording; <= ~v1.8 said
      // `failed to enforce System Reserved Cgroup Limits: %v` without the cgroup name)
      {
        pattern:
          'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits(?: on "(?<cgroup>[^"]*)")?: (?:\\[?"?(?<name>[^"\\]]*)"?\\]? cgroup does not exist|cgroup "?\\[?(?<name2>[^"\\]]*)\\]?"? has some missing (?:paths|controllers)(?<missing>.*))',
        versions: '>=1.7',
      },
      // ~v1.27+ Validate(): `cgroup %q has some missing paths: %v` with %q of a CgroupName → `cgroup ["kube"] has …`
      { pattern: 'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits on "(?<cgroup>[^"]*)": cgroup \\["(?<name2>[^"]*)"\\] has some missing (?:paths|controllers): (?<missing>.*)', versions: '>=1.27' },
      { pattern: 'The Cgroup \\[(?<name>[^\\]]*)\\] has some missing paths: \\[(?<paths>[^\\]]*)\\]', versions: '<=1.20' },
      { pattern: '"The cgroup has some missing paths" cgroupName="?\\[?(?<name>[^"\\]]*)\\]?"? paths="?\\[?(?<paths>[^"\\]]*)', versions: '1.21 - 1.26' },
      { pattern: "failed to initialize top level QOS containers: root container (?<cgroup>\\S+) doesn't exist" },
      { pattern: 'error validating root container (?<cgroup>\\S+) : cgroup \\["?(?<name>[^"\\]]*)"?\\] has some missing (?:paths|controllers)' },
      // (`system validation failed - Following Cgroup subsystem not mounted` is a controller, not a reserved cgroup:
      // cgroup-controller-missing)
      // container_manager_linux.go NewContainerManager: `invalid configuration: cgroup-root %q doesn't exist` with a
      // CgroupName ([]string), so %q prints `["kubelet"]` (v1.10+); a plain quoted name is accepted too
      { pattern: 'invalid configuration: cgroup-root \\[?"?(?<cgroup>[^"\\]\\s]*)"?\\]? doesn\'t exist' },
      // ~v1.27+ cgroup v2 Validate(): the reserved cgroup has no cgroup.controllers file to read (it does not exist)
      { pattern: 'Failed to enforce (?<which>System|Kube) Reserved (?:Compressible )?Cgroup Limits(?: on "(?<cgroup>[^"]*)")?: could not read controllers for cgroup "?\\[?"?(?<name>[^"\\]]*)"?\\]?"?: (?<paths>[^"]*)', versions: '>=1.27' },
    ],
  },
  message:
    'The kubelet could not enforce reserved resources on cgroup {{cgroup|name|\'?\'}}: the cgroup ({{name|name2|cgroup|\'reserved\'}}) is missing in some controller hierarchies ({{paths|missing|\'see the cited lines\'}}). The ContainerManager does not start.',
  why:
    'With kube-reserved/system-reserved listed in enforceNodeAllocatable, the kubelet writes limits into the reserved cgroup in every controller (cpu, cpuacct, cpuset, memory, pids, hugetlb, …). On cgroup v1 systemd only creates a slice in the hierarchies it accounts for, so kube.slice or system.slice is often missing in pids, cpuset or hugetlb; on cgroup v2 the controllers may not be delegated to the slice. The kubelet then refuses to start its ContainerManager and exits.',
  remediation: {
    summary: 'Create the reserved slice in every controller the kubelet writes (or stop enforcing that reservation).',
    steps: [
      {
        text: 'See which controller paths are missing (cgroup v1 layout)',
        command: 'for c in cpu,cpuacct cpuset memory pids hugetlb systemd; do ls -d /sys/fs/cgroup/$c/{{slice|\'kube.slice\'}}; done',
      },
      {
        text: 'Create the slice in every hierarchy before the kubelet starts, in a drop-in for kubelet.service',
        command:
          "mkdir -p /etc/systemd/system/kubelet.service.d\n[ -e /etc/systemd/system/kubelet.service.d/20-reserved-cgroups.conf ] && cp -a /etc/systemd/system/kubelet.service.d/20-reserved-cgroups.conf /etc/systemd/system/kubelet.service.d/20-reserved-cgroups.conf.bak.$(date +%s)\ncat > /etc/systemd/system/kubelet.service.d/20-reserved-cgroups.conf <<'EOF'\n[Service]\nExecStartPre=/bin/mkdir -p {{mkdirs|'/sys/fs/cgroup/cpu,cpuacct/kube.slice /sys/fs/cgroup/cpuset/kube.slice /sys/fs/cgroup/memory/kube.slice /sys/fs/cgroup/pids/kube.slice /sys/fs/cgroup/hugetlb/kube.slice /sys/fs/cgroup/systemd/kube.slice'}}\nEOF\nsystemctl daemon-reload && systemctl restart kubelet",
      },
      {
        text: 'On cgroup v2, delegate the controllers to the slice instead (Delegate=yes on the slice, or enable them in the parent)',
        command: 'echo "+cpu +cpuset +memory +pids +hugetlb" > /sys/fs/cgroup/cgroup.subtree_control',
      },
      { text: 'Or, if you do not need hard enforcement, enforce only pods (the default) in the KubeletConfiguration', command: 'enforceNodeAllocatable: ["pods"]' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/',
    'https://kubernetes.io/docs/concepts/architecture/cgroups/',
    'https://github.com/kubernetes/kubernetes/issues/124314',
  ],
  explains: ['node-not-found', 'cni-config-missing'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const cg = evidence.cgroups;
    const broken = cg?.reserved.filter((r) => r.enforced && !r.complete) ?? [];
    if (broken.length) {
      const citations: Citation[] = [];
      for (const r of broken) citations.push(...r.citations);
      if (cg?.versionCite) citations.push(cg.versionCite);
      const first = broken[0]!;
      const paths = broken.flatMap((r) => (r.missing.length ? r.missing : [`${r.path} (controllers: ${r.missingControllers.join(' ')})`]));
      const mkdirs = broken.flatMap((r) => r.missing).join(' ');
      const outcome: RuleOutcome = {
        evidence: citations,
        current: true,
        vars: {
          cgroup: first.name,
          name: first.internal,
          paths: paths.join(' '),
          slice: first.path.replace(/^\//, ''),
          ...(mkdirs ? { mkdirs } : {}),
        },
        message:
          broken
            .map(
              (r) =>
                `${r.field} ${r.name} is enforced (enforceNodeAllocatable has ${r.enforcement}) but missing in ${r.missingControllers.length ? r.missingControllers.join(', ') : 'its hierarchy'}: ${r.missing.length ? r.missing.join(' ') : r.path}`,
            )
            .join('; ') + `. ${hits.count ? 'The kubelet failed on this (journal cited) and ' : 'The kubelet '}cannot start its ContainerManager until the cgroup exists in every controller.`,
      };
      return outcome;
    }
    if (hits.count > 0) {
      // journal only: say whether the node looks fixed now
      const ok = cg?.reserved.filter((r) => r.enforced && r.complete) ?? [];
      const notes: Citation[] = ok.map((r) => ({ kind: 'node', source: r.present[0] ?? r.path, text: `${r.name} exists now in every hierarchy checked (${r.present.length} paths)`, note: 'the node may have been fixed since the logged failure' }));
      return { evidence: notes };
    }
    if (cg && cg.settings.from === 'defaults') return { skip: `no journal match, and ${cg.settings.note ?? 'the kubelet configuration is unavailable'}` };
    return undefined;
  },
});
