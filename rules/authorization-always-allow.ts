import { defineRule, settingCitation, type CheckResult, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'authorization-always-allow',
  title: 'The kubelet authorizes every request (AlwaysAllow)',
  severity: 'warning',
  category: 'security',
  evidence: ['kubeletConfig'],
  message: 'authorization.mode is AlwaysAllow: every authenticated (or anonymous) caller may use the whole kubelet API.',
  why:
    'With AlwaysAllow the kubelet does not ask the API server (SubjectAccessReview) whether a caller may read logs, exec into containers or read metrics; any identity the kubelet accepts gets everything. It is the default without a config file. Webhook mode delegates the decision to RBAC (system:kubelet-api-admin and friends).',
  remediation: {
    summary: 'Use Webhook authorization (it needs a --kubeconfig to reach the API server).',
    steps: [
      { text: 'In the KubeletConfiguration', command: 'authorization:\n  mode: Webhook' },
      { text: 'or on the command line', command: '--authorization-mode=Webhook' },
      { text: 'Let the API server call the kubelet (kube-apiserver\'s client identity needs system:kubelet-api-admin)', command: 'kubectl create clusterrolebinding apiserver-kubelet-api-admin --clusterrole=system:kubelet-api-admin --user=kube-apiserver-kubelet-client' },
    ],
  },
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization'],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const s = ctx.evidence.kubeletConfig?.settings;
    if (!s) return { skip: 'kubelet configuration unknown' };
    if (String(s.authorizationMode.value) !== 'AlwaysAllow') return undefined;
    return {
      message: `authorization.mode is AlwaysAllow (${s.authorizationMode.origin === 'default' ? 'not set: the command-line default' : `${s.authorizationMode.source}${s.authorizationMode.line ? `:${s.authorizationMode.line}` : ''}`}): every caller the kubelet authenticates may exec, read logs and port-forward.`,
      evidence: [settingCitation(s.authorizationMode)],
      current: true,
    };
  },
});
