// F9.3: serverTLSBootstrap makes the kubelet request a kubernetes.io/kubelet-serving certificate that
// kube-controller-manager never approves by itself; until someone does, :10250 has no certificate.

import { defineRule, settingCitation, type CheckResult, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'serving-cert-csr-pending',
  title: "The kubelet's serving certificate request is waiting for approval",
  severity: 'error',
  category: 'certificates',
  evidence: ['node', 'kubeletConfig', 'kubeconfig', 'journal'],
  priority: 10,
  match: {
    journal: [
      // F9.3: served to every TLS client of :10250, logged through net/http at I level
      { pattern: 'no serving certificate available for the kubelet' },
      // F9.2 for the serving manager: `kubernetes.io/kubelet-serving: certificate request was not signed: …` (1.22-1.32)
      { pattern: 'kubelet-serving"?:? ?(?:certificate request was not signed|"Certificate request was not signed")(?:: |" err=")?(?<reason>[^"]*)' },
      { pattern: '"Certificate request was not signed" err="(?<reason>[^"]*)".*logger="kubernetes\\.io/kubelet-serving' },
      // F9.2: the serving manager gives up after its backoff (`kubernetes.io/kubelet-serving: Reached backoff limit, …` in
      // v1.22-v1.32, structured with the manager as logger in v1.33+); the client manager's line is client-csr-not-approved's
      { pattern: 'kubelet-serving"?:? ?"?Reached backoff limit, still unable to rotate certs|"Reached backoff limit, still unable to rotate certs".*logger="kubernetes\\.io/kubelet-serving' },
    ],
  },
  message: 'The kubelet has no serving certificate: its kubernetes.io/kubelet-serving CSR is not approved, so kubectl logs/exec and metrics-server fail against this node.',
  why:
    'With serverTLSBootstrap: true (--rotate-server-certificates) the kubelet does not make a self-signed serving certificate; it asks the API server for one with a CSR signed by kubernetes.io/kubelet-serving. kube-controller-manager auto-approves client CSRs only: serving CSRs wait until an administrator or an approver (e.g. kubelet-serving-cert-approver) approves them. Until then every TLS handshake on :10250 fails with "no serving certificate available for the kubelet".',
  remediation: {
    summary: "Approve this node's pending kubelet-serving CSR (after checking it), or deploy an approver.",
    steps: [
      { text: 'List pending serving CSRs', command: "kubectl get csr --field-selector spec.signerName=kubernetes.io/kubelet-serving | grep Pending" },
      { text: "Check the requested names, then approve", command: "kubectl get csr {{csr|'CSR_NAME'}} -o jsonpath='{.spec.request}' | base64 -d | openssl req -noout -text | grep -A1 'Subject Alternative Name'\nkubectl certificate approve {{csr|'CSR_NAME'}}" },
      { text: 'For many nodes, run an approver that checks the node\'s addresses (e.g. kubelet-serving-cert-approver) instead of approving by hand' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation',
    'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
    'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers',
  ],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const node = ctx.evidence.node;
    const kc = ctx.evidence.kubeletConfig;
    const serving = ctx.evidence.kubeconfig?.serving;
    const bootstrapOn = kc?.settings.serverTLSBootstrap.value === true;
    const name = node?.name ?? kc?.settings.nodeName?.value;
    const pending = (node?.csrs ?? []).filter((c) => c.state === 'Pending' && c.signerName === 'kubernetes.io/kubelet-serving' && (!name || c.node === name));
    const cites: Citation[] = [];
    if (kc && bootstrapOn) cites.push(settingCitation(kc.settings.serverTLSBootstrap));
    if (bootstrapOn && !serving?.found && ctx.evidence.kubeconfig?.certDirCaptured !== false) cites.push({ kind: 'absent', source: `${kc!.settings.certDir.value.replace(/^\//, '')}/kubelet-server-current.pem`, text: 'no kubelet-server-*.pem in the cert dir: no serving certificate was ever issued', field: '--cert-dir', value: kc!.settings.certDir.value });
    if (pending.length) {
      cites.unshift(
        ...pending.map((c) => ({ kind: 'node' as const, source: node!.source, field: `certificatesigningrequests/${c.name}`, value: c.state, text: `${c.name}  ${c.signerName}  ${c.username}  ${c.state}${c.created ? ` since ${c.created}` : ''}` })),
      );
      return {
        message: `${pending.length === 1 ? `CSR ${pending[0]!.name}` : `${pending.length} CSRs (${pending.map((c) => c.name).join(', ')})`} for the serving certificate of node ${name} ${pending.length === 1 ? 'is' : 'are'} Pending; until approved the kubelet has no serving certificate.`,
        vars: { csr: pending[0]!.name },
        evidence: cites,
        current: true,
      };
    }
    if (ctx.hits.count > 0) return { evidence: cites };
    if (bootstrapOn && serving && !serving.found) return undefined;
    if (bootstrapOn && !serving?.found && node?.csrs === undefined && ctx.evidence.kubeconfig?.certDirCaptured) {
      return {
        severity: 'warning',
        message: 'serverTLSBootstrap is on and the kubelet has no serving certificate on disk; check for a Pending kubernetes.io/kubelet-serving CSR (kubectl get csr).',
        evidence: cites,
        current: true,
      };
    }
    return node || kc ? undefined : { skip: 'needs the Node object with CSRs (--node FILE / --api) or the kubelet configuration' };
  },
});
