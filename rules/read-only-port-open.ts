import { defineRule, settingCitation, type CheckResult, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'read-only-port-open',
  title: "The kubelet's unauthenticated read-only port is open",
  severity: 'warning',
  category: 'security',
  evidence: ['kubeletConfig'],
  message: 'The kubelet serves its read-only API without authentication on port {{port|10255}}.',
  why:
    'The read-only port (plain HTTP, no authentication or authorization) exposes /pods, /spec and /stats: pod specs with their environment variables, node details and metrics, to anyone who can reach it. It is 10255 by default without a config file and 0 (off) in a KubeletConfiguration unless set.',
  remediation: {
    summary: 'Close it: readOnlyPort: 0 (scrape metrics through the authenticated :10250 instead).',
    steps: [
      { text: 'In the KubeletConfiguration', command: 'readOnlyPort: 0' },
      { text: 'and remove any --read-only-port flag from the unit or environment files, then restart', command: "grep -rn -- '--read-only-port' /etc/systemd/system/kubelet.service* /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet 2>/dev/null; systemctl daemon-reload && systemctl restart kubelet" },
    ],
  },
  references: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/', 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/'],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const s = ctx.evidence.kubeletConfig?.settings;
    if (!s) return { skip: 'kubelet configuration unknown' };
    const port = Number(s.readOnlyPort.value);
    if (!(port > 0)) return undefined;
    const overrides = ctx.evidence.kubeletConfig?.configFields.readOnlyPort;
    return {
      message: `The kubelet serves its unauthenticated read-only API on port ${port} (${s.readOnlyPort.origin === 'default' ? 'not set: the command-line default' : `${s.readOnlyPort.field} in ${s.readOnlyPort.source}${s.readOnlyPort.line ? `:${s.readOnlyPort.line}` : ''}`}${overrides && s.readOnlyPort.origin === 'flag' ? `, overriding readOnlyPort: ${String(overrides.value)} in ${overrides.source}` : ''}).`,
      vars: { port: String(port) },
      evidence: [settingCitation(s.readOnlyPort), ...(overrides && s.readOnlyPort.origin === 'flag' ? [settingCitation(overrides, 'overridden by the flag')] : [])],
      current: true,
    };
  },
});
