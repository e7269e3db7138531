// Findings the lab machine itself gives every recording, healthy node included: true of this machine, not
// injected by the scenario. record.mjs writes the ones a recording has into its fixture.yaml (`machine`),
// so that its `expect` says why they are there; test/lab.test.ts holds the healthy node to them.
export const MACHINE_FINDINGS = {
  'cgroup-hierarchy-not-unified':
    'true on this machine: its session machinery keeps every process in memory cgroup /process_api/<id> while the ' +
    'other v1 controllers are at /, so the kubelet (and containerd) really are in different cpu and memory cgroups; ' +
    'a kubelet that gets that far says so itself ("Failed to get the kubelet\'s cgroup. Kubelet system container metrics may be ' +
    'missing." … cpu: /, memory: /process_api/…). Not the empty cgroup2 mount at /sys/fs/cgroup/unified, which ' +
    'the cgroup v1 lines of /proc/<pid>/cgroup do not involve. A warning, as on any v1 node with accounting off.',
  'image-fs-stats-not-ready':
    'benign (info): the image garbage collector runs before cAdvisor has stats, on every kubelet start',
};

/** The machine's findings among `expect`, with why (undefined when there are none). */
export function machineFindings(expect) {
  const out = Object.fromEntries(expect.filter((id) => id in MACHINE_FINDINGS).map((id) => [id, MACHINE_FINDINGS[id]]));
  return Object.keys(out).length ? out : undefined;
}
