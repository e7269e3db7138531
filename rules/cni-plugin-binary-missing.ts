// The CNI config names a plugin (`type`) with no executable in the runtime's bin dir(s): pod
// sandboxes fail with `failed to find plugin "x" in path [...]`.

import { defineRule, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'cni-plugin-binary-missing',
  title: 'A CNI plugin binary is missing',
  severity: 'error',
  category: 'network',
  evidence: ['journal', 'cni'],
  priority: 4,
  match: {
    journal: [
      // libcni FindInPath, wrapped in sandbox errors (`Failed to create pod sandbox … plugin type="flannel" failed (add): failed to find plugin "flannel" in path [/opt/cni/bin]`)
      { pattern: 'failed to find plugin "(?<plugin>[^"]+)" in path \\[(?<path>[^\\]]*)\\]', processes: 'any' },
    ],
  },
  message: 'The CNI config uses plugin {{plugin|\'?\'}} but there is no such binary in {{path|\'the CNI bin dir\'}}; pod sandboxes cannot get a network.',
  why:
    'For every pod sandbox the runtime executes each plugin of the CNI config by its "type" name from the CNI bin dir(s) (/opt/cni/bin by default). If one is missing, sandbox creation fails and pods stay ContainerCreating; CRI-O additionally ignores such a config, leaving the network not ready.',
  remediation: {
    summary: 'Install the missing plugin binaries into the bin dir the runtime uses.',
    steps: [
      { text: 'See what is there', command: 'ls -l {{path|\'/opt/cni/bin\'}}' },
      {
        text: 'Install the reference plugins (bridge, host-local, loopback, portmap, …) — the add-on installs its own (flannel, calico) from its DaemonSet',
        command: 'mkdir -p /opt/cni/bin\ncurl -fsSL https://github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-amd64-v1.6.2.tgz | tar -xz -C /opt/cni/bin',
      },
      { text: 'If the binaries live elsewhere, point the runtime at that dir (containerd cni bin_dir(s), CRI-O plugin_dirs) and restart it' },
    ],
  },
  references: ['https://github.com/containernetworking/plugins/releases', 'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/'],
  explains: ['cni-config-missing'],
  check({ evidence, hits }) {
    const cni = evidence.cni;
    const missing = cni?.plugins.filter((p) => !p.found) ?? [];
    if (cni && missing.length) {
      const citations: Citation[] = [
        ...missing.map((p): Citation => ({ kind: 'absent', source: p.checked.join(', '), text: `no "${p.type}" binary in ${cni.binDirs.paths.join(', ')}`, note: `needed by ${p.file}` })),
        cni.files.find((f) => f.path === cni.selected)?.cite ?? cni.confDirCite,
      ];
      if (cni.binDirs.from !== 'default') citations.push(cni.binDirs.cite);
      return {
        evidence: citations,
        current: true,
        vars: { plugin: missing.map((p) => p.type).join(', '), path: cni.binDirs.paths.join(' ') },
        message: `${cni.selected} uses ${missing.map((p) => `"${p.type}"`).join(', ')} but ${missing.length > 1 ? 'those binaries are' : 'that binary is'} not in ${cni.binDirs.paths.join(', ')}: pod sandboxes fail to get a network.`,
      };
    }
    if (hits.count > 0) return { evidence: [] };
    return undefined;
  },
});
