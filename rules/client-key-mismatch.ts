// The private key does not belong to the certificate next to it: for the kubelet's client credential
// (kubeconfig) or its serving certificate. The kubelet cannot complete a TLS handshake with such a pair.

import { certCitation, defineRule, type CheckResult, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'client-key-mismatch',
  title: 'A certificate and its private key do not match',
  severity: 'error',
  category: 'certificates',
  evidence: ['kubeconfig'],
  priority: 15,
  explains: ['node-registration-unauthorized', 'node-not-found'],
  message: "The private key does not belong to the kubelet's certificate.",
  why:
    'A TLS client or server proves it owns a certificate by signing with the matching private key. When the key file holds a different key (a certificate replaced by hand, a key regenerated after the CSR was signed, files from two nodes mixed), the kubelet fails to load the pair ("tls: private key does not match public key") and cannot authenticate to the API server or serve :10250.',
  remediation: {
    summary: 'Put the key that was used for the certificate next to it, or issue a new certificate for the key you have.',
    steps: [
      { text: 'Compare the public keys of certificate and key (the two hashes must be equal)', command: 'openssl x509 -noout -pubkey -in CERT | openssl sha256; openssl pkey -pubout -in KEY | openssl sha256' },
      { text: 'kubeadm nodes: delete the mixed files and let the kubelet bootstrap again (re-join), or restore kubelet-client-current.pem from backup', command: 'ls -l /var/lib/kubelet/pki/' },
    ],
  },
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/certificates/', 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/'],
  check(ctx): CheckResult {
    const ev = ctx.evidence.kubeconfig;
    if (!ev) return { skip: 'no kubeconfig evidence' };
    const out: { message: string; evidence: Citation[] }[] = [];
    for (const k of [ev.kubeconfig, ev.bootstrap]) {
      if (!k || k.keyMatchesCert !== false || !k.clientCert?.cert) continue;
      out.push({
        message: `The client key ${k.clientKey?.display ?? '?'} does not belong to the client certificate ${k.clientCert.display} (used by ${k.display}).`,
        evidence: [
          certCitation(k.clientCert.cert, 'subject', 'client certificate'),
          { kind: 'file', source: k.clientKey?.display ?? k.display, field: 'client-key', text: `private key (${k.clientKey?.from === 'embedded' ? 'client-key-data' : 'client-key file'}) whose public key differs from the certificate's` },
        ],
      });
    }
    const s = ev.serving;
    if (s?.cert && s.keyMatchesCert === false)
      out.push({
        message: `The serving key ${s.keyPath ?? s.display} does not belong to the kubelet's serving certificate ${s.display}.`,
        evidence: [certCitation(s.cert, 'subject', 'serving certificate'), { kind: 'file', source: s.keyPath ?? s.display, field: 'tlsPrivateKeyFile', text: 'private key whose public key differs from the certificate\'s' }],
      });
    return out.map((o) => ({ ...o, current: true }));
  },
});
