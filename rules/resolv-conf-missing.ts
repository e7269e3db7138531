// The resolv.conf the kubelet hands to pods (resolvConf, default /etc/resolv.conf; kubeadm on
// systemd-resolved hosts uses /run/systemd/resolve/resolv.conf) does not exist, so every pod sandbox
// creation fails (`Failed to generate sandbox config for pod …: open …: no such file or directory`).

import { defineRule, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'resolv-conf-missing',
  title: "The kubelet's resolv.conf does not exist",
  severity: 'error',
  category: 'network',
  evidence: ['journal', 'system'],
  priority: 3,
  match: {
    journal: [
      // printf `Failed to generate sandbox config for pod "x": open /run/systemd/resolve/resolv.conf: no such file or directory`,
      // structured `"Failed to generate sandbox config for pod" err="open …: no such file or directory" pod="…"`
      { pattern: 'open (?<path>/[^\\s:"]*resolv\\.conf): no such file or directory' },
      { pattern: 'could not open resolv conf file(?!.*resolv\\.conf: no such file or directory)' },
    ],
  },
  message: 'The kubelet builds every pod sandbox from {{path|\'its resolv.conf\'}}, which does not exist; pods cannot start.',
  why:
    "The kubelet reads the node's resolver configuration (resolvConf) to build each pod's DNS settings; if the file cannot be opened the sandbox config is not generated and no pod starts. kubeadm points resolvConf at /run/systemd/resolve/resolv.conf when systemd-resolved is in use: that file disappears when systemd-resolved is stopped or removed.",
  remediation: {
    summary: 'Make the file exist again, or point resolvConf at a file that exists.',
    steps: [
      { text: 'If the host uses systemd-resolved, start it (it writes /run/systemd/resolve/resolv.conf)', command: 'systemctl enable --now systemd-resolved\nls -l /run/systemd/resolve/resolv.conf' },
      { text: 'Or point the kubelet at the real file in the KubeletConfiguration (/var/lib/kubelet/config.yaml), then restart it', command: 'resolvConf: /etc/resolv.conf\n# then: systemctl restart kubelet' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/#known-issues',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const sys = evidence.system;
    const rc = sys?.resolvConf;
    if (rc && !rc.exists && rc.reason && !/unknown/.test(rc.reason)) {
      const citations: Citation[] = [rc.cite, { kind: 'absent', source: rc.path, text: rc.reason }];
      const hint = rc.path.startsWith('/run/systemd/resolve/')
        ? ' (written by systemd-resolved, which is not running)'
        : rc.etcTarget
          ? ` (/etc/resolv.conf is a dangling link to ${rc.etcTarget})`
          : '';
      return {
        evidence: citations,
        current: true,
        vars: { path: rc.path },
        message: `resolvConf ${rc.path} does not exist${hint}: the kubelet cannot generate sandbox configs, so ${hits.count ? 'pods fail as the journal shows' : 'no pod can start'}.`,
      };
    }
    if (hits.count > 0) return { evidence: [] };
    return undefined;
  },
});
