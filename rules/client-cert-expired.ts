// The kubelet's client certificate has expired (or expires within 30 days): from the certificate in
// its kubeconfig measured against ctx.now, and from the kubelet's own complaint in the journal.

import { certCitation, daysLeft, defineRule, type CheckResult } from '../src/rules/kit.js';

export default defineRule({
  id: 'client-cert-expired',
  title: "The kubelet's client certificate has expired",
  severity: 'error',
  category: 'certificates',
  evidence: ['kubeconfig', 'journal'],
  priority: 20,
  // an expired client certificate sends the kubelet back to its bootstrap token, often long expired as well: the
  // token's 401 is part of this story, and this fix (a new join token) covers it
  // token's 401 is part of this story, and this fix (a new join token) covers it. The exit it leads to (the
  // bootstrap fallback failing, or transport.go's "…has expired and the server is responsive, exiting") is its exit.
  explains: ['bootstrap-kubeconfig-missing', 'bootstrap-token-rejected', 'node-registration-unauthorized', 'node-not-found', 'kubelet-exit-unexplained'],
  match: {
    journal: [
      // F9.1: oldest / middle / newer wordings (the newer names the kubeconfig)
      { pattern: 'part of the existing bootstrap client certificate (?:in (?<file>\\S+) )?is expired: (?<expiry>[^"]+)' },
      { pattern: 'No valid client certificate is found but the server is not responsive' },
      // F13: Go's x509 wording with no request URL to tell the peer. In a client-go call (`<verb> "https://…": [tls:
      // failed to verify certificate: ]x509: certificate has expired…`) the certificate the kubelet rejected is the
      // API server's (an expired client certificate gets 401 Unauthorized instead): apiserver-cert-expired.
      { pattern: '^(?!.*https?://[^"\\s]+"?: (?:tls: failed to verify certificate: )?x509: certificate has expired).*?x509: certificate has expired or is not yet valid(?:: current time (?<current>\\S+) is (?<direction>after|before) (?<notAfter>[^"\\s]+))?' },
      // Harvested (docs/catalogue/wordings.yaml): pkg/kubelet/certificate/transport.go addCertRotation, the kubelet's
      // own verdict on an expired client certificate: `The currently active client certificate has expired and the server
      // is responsive, exiting.` (F v1.10-v1.20, E + exit v1.21+), `…has expired, but the server is not responsive. A
      // restart may be necessary…` (v1.10+), `It has been %s since a valid client cert was found and the server is
      // responsive, exiting.` / `…, but the server is not responsive…` (v1.10-v1.20), `No valid client certificate is
      // found and the server is responsive, exiting.` (v1.21+).
      { pattern: '(?:The currently active client certificate has expired,? (?:and|but) the server is|It has been \\S+ since a valid client cert was found,? (?:and|but) the server is|No valid client certificate is found and the server is responsive, exiting)', versions: '>=1.10' },
    ],
  },
  message: "The kubelet's client certificate expired ({{expiry|notAfter|'see the cited lines'}}); the API server rejects it and the kubelet cannot renew it by itself.",
  why:
    'The kubelet authenticates to the API server with the client certificate in its kubeconfig (kubeadm: /var/lib/kubelet/pki/kubelet-client-current.pem). It renews it before expiry only while it runs with rotateCertificates and can reach the API server; a node that was off, or a cluster whose rotation was disabled, ends up with an expired certificate. The kubelet then falls back to the bootstrap kubeconfig, which kubeadm deletes after join, and exits.',
  remediation: {
    summary: 'Issue the node a new client certificate and keep rotateCertificates: true.',
    steps: [
      { text: 'Check the dates of the certificate the kubelet uses', command: 'openssl x509 -noout -subject -dates -in /var/lib/kubelet/pki/kubelet-client-current.pem' },
      { text: 'kubeadm control-plane node: regenerate kubelet.conf (points it at a fresh certificate)', command: 'kubeadm init phase kubeconfig kubelet --config kubeadm.yaml   # on newer kubeadm: kubeadm certs renew ... does not cover kubelet.conf' },
      { text: 'kubeadm worker: create a join token on a control-plane node and re-join (or write a bootstrap-kubelet.conf with that token, delete the expired kubelet-client-* and restart the kubelet)', command: 'kubeadm token create --print-join-command' },
      { text: 'Make sure rotation stays on in /var/lib/kubelet/config.yaml', command: 'rotateCertificates: true' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/#kubelet-client-cert',
    'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
  ],
  check(ctx): CheckResult {
    const kube = ctx.evidence.kubeconfig?.kubeconfig;
    const cert = kube?.clientCert?.cert;
    const h = ctx.hits;
    if (cert) {
      const days = daysLeft(cert, ctx.now);
      const notYet = Date.parse(cert.notBefore) > ctx.now.getTime();
      const where = `${kube!.clientCert!.display}${kube!.clientCert!.linkTarget ? ` -> ${kube!.clientCert!.linkTarget}` : ''}`;
      if (days < 0 || notYet) {
        return {
          message: notYet
            ? `The kubelet's client certificate (${where}) is not valid before ${cert.notBefore}; it is ${ctx.now.toISOString()} now — check the node's clock.`
            : `The kubelet's client certificate (${where}, ${cert.subject}) expired on ${cert.notAfter.slice(0, 10)}, ${-days} days ago.`,
          vars: { expiry: cert.notAfter },
          evidence: [certCitation(cert, 'notAfter', notYet ? 'not yet valid' : `expired ${-days} days ago`)],
          current: true,
        };
      }
      if (days <= 30) {
        return {
          severity: 'warning',
          message: `The kubelet's client certificate (${where}) expires in ${days} days (${cert.notAfter.slice(0, 10)}); make sure rotation works before then.`,
          vars: { expiry: cert.notAfter },
          evidence: [certCitation(cert, 'notAfter', `expires in ${days} days`)],
          current: true,
        };
      }
      if (h.count > 0) {
        // the certificate on disk is valid now: the journal's complaint is older, or is about another peer
        const onlyX509 = h.byPattern[0] === 0 && h.byPattern[1] === 0 && (h.byPattern[3] ?? 0) === 0;
        return {
          message: onlyX509
            ? `A certificate on the kubelet's TLS path has expired or is not yet valid; the kubelet's own client certificate is valid until ${cert.notAfter.slice(0, 10)}, so check the API server's serving certificate and the node's clock.`
            : undefined,
          evidence: [certCitation(cert, 'notAfter', `the current certificate is valid until ${cert.notAfter.slice(0, 10)}`)],
        };
      }
      return undefined;
    }
    if (h.count > 0) return { evidence: [] };
    return { skip: kube ? `no client certificate in ${kube.display}${kube.clientCert?.problem ? ` (${kube.clientCert.problem})` : ''}` : 'no kubelet kubeconfig with a client certificate' };
  },
});
