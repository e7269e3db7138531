// authentication.x509.clientCAFile (--client-ca-file) names a file that is missing or holds no
// certificate: the kubelet refuses to start ("failed to construct kubelet dependencies"). Node state
// only: the journal line (`unable to load client CA file …`) belongs to kubelet-dependencies-failed,
// which this rule explains when both fire.

import { defineRule, settingCitation, type CheckResult, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'client-ca-file-invalid',
  title: "The kubelet's client CA file is missing or unreadable",
  severity: 'error',
  category: 'certificates',
  evidence: ['kubeletConfig', 'kubeconfig'],
  priority: 15,
  explains: ['kubelet-dependencies-failed', 'node-not-found'],
  message: 'The kubelet cannot load its client CA file {{file|\'(authentication.x509.clientCAFile)\'}}.',
  why:
    'The kubelet verifies client certificates presented to its :10250 API (the API server\'s kubelet client certificate for logs/exec/port-forward, metrics scrapers) against authentication.x509.clientCAFile. It loads the file at start-up; if it is missing or holds no PEM certificate the kubelet exits with "failed to construct kubelet dependencies".',
  remediation: {
    summary: 'Point clientCAFile at the cluster CA certificate (kubeadm: /etc/kubernetes/pki/ca.crt) and make sure the file is there.',
    steps: [
      { text: 'Check the file', command: "openssl x509 -noout -subject -in {{file|'/etc/kubernetes/pki/ca.crt'}}" },
      { text: 'kubeadm worker: the CA is in the kubelet kubeconfig; write it out (an existing file is backed up first)', command: "[ -e {{file|'/etc/kubernetes/pki/ca.crt'}} ] && cp -a {{file|'/etc/kubernetes/pki/ca.crt'}} /root/client-ca.crt.bak.$(date +%s)\nkubectl config view --raw --kubeconfig /etc/kubernetes/kubelet.conf -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > {{file|'/etc/kubernetes/pki/ca.crt'}}" },
      { text: 'Restart the kubelet', command: 'systemctl restart kubelet' },
    ],
  },
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/', 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const ca = ctx.evidence.kubeconfig?.clientCA;
    const setting = ctx.evidence.kubeletConfig?.settings.clientCAFile;
    if (ca && !ca.found && !ca.captured) return { skip: `${ca.display}: its folder is not in the captured tree (not captured, or missing with its folder)` };
    if (ca?.problem && (!ca.found || !ca.certs.length)) {
      return {
        message: `The kubelet's client CA file ${ca.display} ${ca.found ? `holds no usable certificate (${ca.problem})` : 'does not exist'}; the kubelet exits at start-up.`,
        vars: { file: ca.path },
        evidence: [settingCitation(ca.setting), { kind: ca.found ? 'file' : 'absent', source: ca.display, text: ca.problem }],
        current: true,
      };
    }
    void setting;
    return undefined;
  },
});
