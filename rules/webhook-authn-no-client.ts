// F5: webhook authentication/authorization is on (kubeadm configs and the v1beta1 defaults turn it on)
// but the kubelet has no API client: neither --kubeconfig nor --bootstrap-kubeconfig (it runs "standalone").

import { defineRule, settingCitation, type CheckResult, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'webhook-authn-no-client',
  title: 'Webhook authentication is on but the kubelet has no API client',
  severity: 'error',
  category: 'configuration',
  evidence: ['kubeletConfig', 'kubeconfig', 'journal'],
  fatal: true,
  priority: 20,
  match: {
    journal: [{ pattern: 'no client provided, cannot use webhook (?<what>authentication|authorization)', fatal: true }],
  },
  message: 'The kubelet exits: webhook {{what|\'authentication\'}} needs the API server, but the kubelet runs without a kubeconfig ("no client provided").',
  why:
    'With authentication.webhook.enabled (TokenReview) or authorization.mode: Webhook (SubjectAccessReview) the kubelet asks the API server about every caller of :10250. Both are the defaults of a KubeletConfiguration file. Without --kubeconfig (or a --bootstrap-kubeconfig to obtain one) the kubelet runs "standalone" with no API client, cannot build those authenticators and exits.',
  remediation: {
    summary: 'Give the kubelet a working --kubeconfig (or --bootstrap-kubeconfig), or — for a true standalone kubelet — turn the webhooks off.',
    steps: [
      { text: 'Joined node: pass the kubeconfig (kubeadm: finish kubeadm init/join, which writes /etc/kubernetes/kubelet.conf)', command: '--kubeconfig=/etc/kubernetes/kubelet.conf   # in the ExecStart= of kubelet.service or KUBELET_KUBECONFIG_ARGS' },
      { text: 'Standalone kubelet (static pods only): disable the webhooks in the KubeletConfiguration', command: 'authentication:\n  webhook:\n    enabled: false\nauthorization:\n  mode: AlwaysAllow   # and keep :10250 unreachable from outside, anonymous: enabled: false' },
      { text: 'Reload and restart', command: 'systemctl daemon-reload && systemctl restart kubelet' },
    ],
  },
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/', 'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/'],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const kc = ctx.evidence.kubeletConfig;
    const kube = ctx.evidence.kubeconfig;
    if (!kc) return ctx.hits.count > 0 ? { evidence: [] } : { skip: 'kubelet configuration unknown' };
    const s = kc.settings;
    const webhook = s.webhookAuthn.value === true;
    const authz = String(s.authorizationMode.value).split(',').includes('Webhook');
    if (!webhook && !authz) return ctx.hits.count > 0 ? { evidence: [settingCitation(s.webhookAuthn), settingCitation(s.authorizationMode)] } : undefined;
    const cites: Citation[] = [];
    if (webhook) cites.push(settingCitation(s.webhookAuthn));
    if (authz) cites.push(settingCitation(s.authorizationMode));
    const what = webhook ? 'authentication' : 'authorization';
    const exec = kc.unit?.execStart;
    const cmdSource = kc.process ? { source: kc.process.source } : exec ? { source: exec.source, line: exec.line, endLine: exec.endLine } : { source: 'kubelet command line' };
    if (kube?.standalone || (!s.kubeconfig && !s.bootstrapKubeconfig)) {
      cites.push({ kind: 'absent', ...cmdSource, field: '--kubeconfig', text: 'no --kubeconfig and no --bootstrap-kubeconfig on the kubelet command line' });
      return {
        message: `The kubelet has webhook ${what} on (${cites.map((c) => `${c.field} = ${c.value}`).join(', ')}) but no --kubeconfig or --bootstrap-kubeconfig: it exits with "no client provided, cannot use webhook ${what}".`,
        vars: { what },
        evidence: cites,
        current: true,
      };
    }
    // --kubeconfig given but unusable is a different failure (the kubelet does not get as far as this check)
    return ctx.hits.count > 0 ? { evidence: cites } : undefined;
  },
});
