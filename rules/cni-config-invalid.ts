// A CNI config file in the conf dir cannot be loaded: JSON syntax error (cited at file:line), or
// missing cniVersion / type / name / plugins. containerd stops at the first broken file; dockershim
// and CRI-O skip it and use the next valid one.

import { defineRule, type Citation, type Severity } from '../src/rules/kit.js';

export default defineRule({
  id: 'cni-config-invalid',
  title: 'A CNI network config file is invalid',
  severity: 'error',
  category: 'network',
  evidence: ['journal', 'cni'],
  priority: 4,
  match: {
    journal: [
      // containerd go-cni: `failed to load CNI config list file /etc/cni/net.d/10-x.conflist: error parsing configuration list: …`
      { pattern: 'failed to load CNI config (?:list )?file (?<file>[^\\s:"]+):? ?(?<err>[^\\n"]{0,200})', processes: 'any' },
      // dockershim / ocicni (W): `Error loading CNI config list file /etc/cni/net.d/x.conflist: …`
      { pattern: 'Error loading CNI config (?:list )?file (?<file>[^\\s:"]+):? ?(?<err>[^\\n"]{0,200})', processes: 'any' },
      // libcni's own errors, wherever they are wrapped
      { pattern: '^(?!.*(?:failed to load CNI config|Error loading CNI config)).*?error parsing configuration(?: list)?: (?<err>[^\\n"]{1,200})', processes: 'any' },
    ],
  },
  message: 'CNI config {{file|\'in the conf dir\'}} cannot be loaded: {{err|\'see the cited line\'}}.',
  why:
    'The runtime loads the CNI configs in its conf dir in name order. A file that is not valid JSON or lacks cniVersion, type (or a conflist name/plugins) cannot be loaded: containerd refuses the whole directory ("cni plugin not initialized"), dockershim and CRI-O skip the file and fall back to the next one — or to none, leaving the node NotReady.',
  remediation: {
    summary: 'Fix or remove the broken file, then restart the runtime.',
    steps: [
      { text: 'Validate the file', command: 'python3 -m json.tool {{file|\'/etc/cni/net.d/<file>\'}}' },
      { text: 'Fix it (or move it out of the conf dir if it is a leftover), then restart the runtime so it reloads', command: 'systemctl restart containerd   # or crio' },
      { text: 'A conflist needs "cniVersion", "name" and "plugins" (each with "type"); a .conf needs "cniVersion", "name" and "type"' },
    ],
  },
  references: ['https://www.cni.dev/docs/spec/#configuration-format', 'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/'],
  explains: ['cni-config-missing'],
  check({ evidence, hits }) {
    const cni = evidence.cni;
    const bad = cni?.files.filter((f) => !f.valid) ?? [];
    if (cni && bad.length) {
      const selectedIdx = cni.files.findIndex((f) => f.valid);
      const firstBad = cni.files.indexOf(bad[0]!);
      // fatal when no valid config is used, or containerd meets the broken file first
      const blocking = selectedIdx < 0 || (cni.runtime === 'containerd' && firstBad < selectedIdx);
      const severity: Severity = blocking ? 'error' : 'warning';
      const citations: Citation[] = bad.map((f) => f.cite);
      const f = bad[0]!;
      return {
        evidence: citations,
        current: true,
        severity,
        vars: { file: f.nodePath ?? f.path, err: f.problems.join('; ') },
        message: `${bad.map((b) => `${b.path}: ${b.problems.join('; ')}`).join(' — ')}.${blocking ? ' No valid CNI config is usable, so the network stays not ready.' : ` ${cni.selected} is used instead.`}`,
      };
    }
    if (hits.count > 0) return { evidence: [] };
    return undefined;
  },
});
