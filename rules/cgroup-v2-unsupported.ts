// A kubelet older than v1.19 (no cgroup v2 support) on a host that boots the unified hierarchy. Old kubelets
// look for v1 controller mounts and their own cpu/memory cgroup lines, find none, and exit with a terse
// `mountpoint for cpu not found`. The same words on a v1.19+ kubelet, or on a host known to be v1, are a
// controller that is not mounted: cgroup-controller-missing reports those.

import { defineRule, versionAtLeast, type Citation } from '../src/rules/kit.js';

/** Kubelets below this minor do not know the unified hierarchy (validateSystemRequirements learnt it in v1.19). */
const FIRST_V2 = '1.19';

export default defineRule({
  id: 'cgroup-v2-unsupported',
  title: 'The kubelet is too old for the host\'s cgroup v2 (unified) hierarchy',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  fatal: true,
  priority: 8,
  explains: ['cgroup-controller-missing', 'node-not-found', 'cni-config-missing'],
  match: {
    journal: [
      // pkg/kubelet/cm/container_manager_linux.go validateSystemRequirements (v1.10-v1.18 have no unified-mode
      // check): on a v2 host every v1 controller is missing, sorted — `system validation failed - Following Cgroup
      // subsystem not mounted: [cpu cpuacct cpuset memory]` under `Failed to start ContainerManager`.
      { pattern: 'Cgroup subsystem not mounted: \\[cpu cpuacct cpuset memory\\]', versions: '<1.19' },
      // runc libcontainer/cgroups NotFoundError `mountpoint for %s not found`, from the kubelet's getContainer (its
      // own /proc/self/cgroup has no cpu/memory line on v2): `failed to run Kubelet: mountpoint for cpu not found`
      // (v1.10-v1.18). Only a v2 finding when the kubelet is < v1.19 or the host is known to be v2 (see check).
      { pattern: 'mountpoint for (?<controller>[\\w=]+) not found', versions: '>=1.5' },
      // GetCgroupSubsystems (pkg/kubelet/cm/helpers_linux.go): no v1 cgroup mount at all
      { pattern: 'failed to (?:find cgroup mounts|get cgroup subsystems)', versions: '>=1.10' },
    ],
  },
  message:
    'The kubelet ({{kubeletVersion|\'an old release\'}}) cannot use this host\'s cgroup v2 hierarchy: it looks for cgroup v1 controller mounts ({{controller|\'cpu, memory\'}}) that a unified host does not have, and exits. Kubelets support cgroup v2 from v1.19 (GA in v1.25).',
  why:
    'Distributions switched to the unified cgroup hierarchy by default (Fedora 31, Debian 11, Ubuntu 21.10, RHEL 9). A kubelet older than v1.19 only understands cgroup v1: it finds no cpu/memory controller mounts nor v1 lines in /proc/self/cgroup and refuses to start its container manager, on every restart.',
  remediation: {
    summary: 'Upgrade the kubelet (and runtime) to a release that supports cgroup v2, or boot the host with cgroup v1.',
    steps: [
      { text: 'Confirm the hierarchy (cgroup2fs means the unified v2 hierarchy)', command: 'stat -fc %T /sys/fs/cgroup/; kubelet --version' },
      { text: 'Lasting fix: upgrade to kubelet v1.25 or later (cgroup v2 GA) with containerd >= 1.4 / CRI-O >= 1.20, following the version skew policy', command: 'kubeadm upgrade plan' },
      {
        text: 'Stop-gap: boot with the legacy hierarchy (GRUB-based distributions; reboot required)',
        command: "grubby --update-kernel=ALL --args='systemd.unified_cgroup_hierarchy=0' || (cp -a /etc/default/grub /etc/default/grub.bak && sed -i 's/GRUB_CMDLINE_LINUX=\"/&systemd.unified_cgroup_hierarchy=0 /' /etc/default/grub && update-grub)",
      },
    ],
  },
  references: [
    'https://kubernetes.io/docs/concepts/architecture/cgroups/',
    'https://kubernetes.io/blog/2022/08/31/cgroupv2-ga-1-25/',
  ],
  check({ evidence, hits }) {
    if (hits.count === 0) return undefined;
    const allV1Missing = (hits.byPattern[0] ?? 0) > 0;
    const oldKubelet = versionAtLeast(evidence.journal?.facts.kubeletVersion, FIRST_V2) === false;
    const cg = evidence.cgroups;
    const hostV2 = cg?.version === 'v2';
    if (cg && (cg.version === 'v1' || cg.version === 'hybrid') && !allV1Missing) return undefined;
    if (!allV1Missing && !oldKubelet && !hostV2) return undefined;
    const cites: Citation[] = [];
    if (hostV2 && cg?.versionCite) cites.push(cg.versionCite);
    return { evidence: cites };
  },
});
