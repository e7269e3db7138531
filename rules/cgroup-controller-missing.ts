// A cgroup controller the kubelet (or the k3s/KubeEdge agent around it) needs — memory, cpu, cpuset, pids,
// hugetlb — is not mounted (v1) or not enabled (v2) on the host: Raspberry Pi kernels ship the memory
// controller disabled, LXC containers and minimal images mount only some hierarchies. `mountpoint for X not
// found` from a kubelet older than v1.19, or on a host known to be v2, is left to cgroup-v2-unsupported.

import { defineRule, versionAtLeast } from '../src/rules/kit.js';

export default defineRule({
  id: 'cgroup-controller-missing',
  title: 'A cgroup controller the kubelet needs is not mounted or not enabled',
  severity: 'error',
  category: 'cgroups',
  evidence: ['journal', 'cgroups'],
  fatal: true,
  priority: 8,
  explains: ['node-not-found', 'cni-config-missing'],
  match: {
    journal: [
      // pkg/kubelet/cm/container_manager_linux.go validateSystemRequirements (v1 hosts; every release, embedded
      // kubelets such as KubeEdge's edged too): `%s - Following Cgroup subsystem not mounted: %v` with localErr
      // `system validation failed`, under `Failed to start ContainerManager` / `Failed to start container manager`.
      // The full v1 set [cpu cpuacct cpuset memory] is an old kubelet on a v2 host (cgroup-v2-unsupported).
      { pattern: 'Cgroup subsystem not mounted(?!: \\[cpu cpuacct cpuset memory\\])(?:: \\[(?<controllers>[^\\]]*))?', versions: '>=1.5' },
      // k3s pkg/cgroups Validate (k3s checks before it starts its embedded kubelet; logrus `level=fatal msg=…`):
      // v2 `failed to find %s cgroup (v2)` (cpu, cpuset, memory); v1 `failed to find memory cgroup, you may need to
      // add "cgroup_memory=1 cgroup_enable=memory" to your linux cmdline (/boot/cmdline.txt on a Raspberry Pi)`.
      { pattern: 'failed to find (?:(?<controller2>cpu|cpuset|memory) cgroup \\(v2\\)|memory cgroup, you may need to add)', processes: 'any' },
      // pkg/kubelet/cm/cgroup_manager_linux.go setSupportedSubsystems(V1) (v1 hosts): `Failed to find subsystem mount for
      // required subsystem: %v` (v1.10-v1.15), lower-case v1.16-v1.21, under `failed to set supported cgroup subsystems
      // for cgroup [kubepods burstable]` / `failed to initialize top level QOS containers` (`Failed to start
      // ContainerManager`): a controller the QOS cgroups need (pids, hugetlb, cpu, memory) has no hierarchy on the host.
      { pattern: '[Ff]ailed to find subsystem mount for required subsystem:? (?<controller3>[\\w=]+)', versions: '>=1.10 <1.22' },
      // runc libcontainer/cgroups NotFoundError `mountpoint for %s not found`: the kubelet's own cgroup has no line
      // for the controller (getContainer), v1.19+ on a v1 host. Kept out when cgroup-v2-unsupported applies.
      { pattern: 'mountpoint for (?<controller>[\\w=]+) not found', versions: '>=1.5' },
    ],
  },
  message:
    'The {{controllers|controller2|controller3|controller|\'memory\'}} cgroup controller is not available on this host, and the kubelet cannot enforce pod limits without it, so it exits.',
  why:
    'The kubelet puts every pod under cgroups for cpu, cpuacct, cpuset, memory (and pids, hugetlb) and checks at start-up that they are mounted (cgroup v1) or enabled (cgroup v2). Raspberry Pi and some ARM kernels disable the memory controller unless the kernel command line enables it; minimal containers (LXC, some CI sandboxes) mount only a few hierarchies. Without them the container manager refuses to start.',
  remediation: {
    summary: 'Enable the missing controller on the kernel command line (or mount/delegate it), reboot, then start the kubelet.',
    steps: [
      { text: 'See which controllers the kernel has and which are enabled (v1: /proc/cgroups column 4; v2: cgroup.controllers)', command: 'cat /proc/cgroups; stat -fc %T /sys/fs/cgroup/; cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null; cat /proc/cmdline' },
      {
        text: 'Raspberry Pi / ARM boards: append the cgroup options to the single line of the boot command line (Raspberry Pi OS: /boot/firmware/cmdline.txt or /boot/cmdline.txt; Ubuntu on Pi: /boot/firmware/cmdline.txt), keep a copy, then reboot',
        command: "f=/boot/firmware/cmdline.txt; [ -f $f ] || f=/boot/cmdline.txt; cp -a $f $f.bak && sed -i '1 s/$/ cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1/' $f && reboot",
      },
      {
        text: 'GRUB-based hosts: add the same options to GRUB_CMDLINE_LINUX (back up /etc/default/grub first), regenerate and reboot',
        command: "cp -a /etc/default/grub /etc/default/grub.bak && sed -i 's/GRUB_CMDLINE_LINUX=\"/&cgroup_enable=memory /' /etc/default/grub && (update-grub || grub2-mkconfig -o /boot/grub2/grub.cfg)",
      },
      { text: 'cgroup v2 inside a container (nested k3s/kind): enable the controllers for child cgroups', command: "sed -e 's/ / +/g' -e 's/^/+/' /sys/fs/cgroup/cgroup.controllers > /sys/fs/cgroup/cgroup.subtree_control" },
    ],
  },
  references: [
    'https://kubernetes.io/docs/concepts/architecture/cgroups/',
    'https://docs.k3s.io/installation/requirements?os=pi',
    'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#cgroup-drivers',
  ],
  check({ evidence, hits }) {
    if (hits.count === 0) return undefined;
    const onlyMountpoint = [0, 1, 2].every((i) => (hits.byPattern[i] ?? 0) === 0);
    if (onlyMountpoint) {
      // `mountpoint for X not found` from a kubelet without cgroup v2 support, or on a v2 host: not this rule
      if (versionAtLeast(evidence.journal?.facts.kubeletVersion, '1.19') === false) return undefined;
      if (evidence.cgroups?.version === 'v2') return undefined;
    }
    return { evidence: [] };
  },
});
