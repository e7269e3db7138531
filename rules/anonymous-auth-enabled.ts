import { defineRule, settingCitation, type CheckResult, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'anonymous-auth-enabled',
  title: "Anonymous requests to the kubelet's API are allowed",
  severity: 'warning',
  category: 'security',
  evidence: ['kubeletConfig'],
  message: 'The kubelet accepts anonymous requests on :10250 (authentication.anonymous.enabled = true).',
  why:
    'With anonymous authentication on, a request without credentials to the kubelet\'s HTTPS port is served as system:anonymous. Combined with authorization.mode AlwaysAllow that is full control of the node\'s pods (exec, logs, port-forward) for anyone who can reach :10250. It is the default when the kubelet runs without a config file.',
  remediation: {
    summary: 'Turn anonymous authentication off (and use Webhook authorization).',
    steps: [
      { text: 'In the KubeletConfiguration', command: 'authentication:\n  anonymous:\n    enabled: false' },
      { text: 'or on the command line', command: '--anonymous-auth=false' },
      { text: 'Restart the kubelet', command: 'systemctl restart kubelet' },
    ],
  },
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/', 'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/#controlling-access-to-the-kubelet'],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const s = ctx.evidence.kubeletConfig?.settings;
    if (!s) return { skip: 'kubelet configuration unknown' };
    if (s.anonymousAuth.value !== true) return undefined;
    const open = s.authorizationMode.value === 'AlwaysAllow';
    return {
      message: `The kubelet accepts anonymous requests on :10250 (${s.anonymousAuth.origin === 'default' ? 'not set: the command-line default is true' : `set in ${s.anonymousAuth.source}${s.anonymousAuth.line ? `:${s.anonymousAuth.line}` : ''}`})${open ? ' and authorizes everything (AlwaysAllow): anyone who reaches the port can exec into pods' : ''}.`,
      evidence: [settingCitation(s.anonymousAuth), ...(open ? [settingCitation(s.authorizationMode)] : [])],
      current: true,
    };
  },
});
