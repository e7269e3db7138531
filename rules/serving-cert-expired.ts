// The certificate the kubelet serves :10250 with has expired (or is not yet valid, or expires within 30
// days): read from tlsCertFile, kubelet-server-current.pem (serverTLSBootstrap) or the self-signed
// kubelet.crt in the cert dir, measured against ctx.now. The kubelet never logs this itself; its clients do
// (the kubelet only sees their TLS alert: serving-cert-rejected).

import { certCitation, daysLeft, defineRule, settingCitation, type CheckResult, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'serving-cert-expired',
  title: "The kubelet's serving certificate has expired",
  severity: 'error',
  category: 'certificates',
  evidence: ['kubeconfig', 'kubeletConfig'],
  priority: 10,
  explains: ['serving-cert-rejected'],
  message: "The kubelet's serving certificate has expired ({{expiry|'see the cited certificate'}}); clients that verify it refuse the kubelet's :10250.",
  why:
    "The kubelet serves its API on :10250 (kubectl logs/exec/port-forward through the API server, metrics-server, Prometheus) with one certificate: the file named by tlsCertFile, the rotated kubelet-server-current.pem when serverTLSBootstrap is on, or else a self-signed kubelet.crt it makes at its first start, valid for one year and never renewed. Rotation renews kubelet-server-current.pem only when its CSR is approved; a hand-issued tlsCertFile is renewed by nobody. Once it has expired, every client that verifies it aborts the handshake.",
  remediation: {
    summary: 'Give the kubelet a current serving certificate: let rotation renew it (approve its CSR), or replace the file and restart the kubelet.',
    steps: [
      { text: 'Check the dates and names of the certificate the kubelet serves', command: "openssl x509 -noout -subject -issuer -dates -ext subjectAltName -in {{servingPath|'/var/lib/kubelet/pki/kubelet.crt'}}" },
      { text: 'serverTLSBootstrap (kubelet-server-current.pem): approve the pending kubelet-serving CSR; the kubelet picks up the new certificate', command: 'kubectl get csr --field-selector spec.signerName=kubernetes.io/kubelet-serving\nkubectl certificate approve <csr-name>' },
      { text: 'Self-signed kubelet.crt: move the pair aside and restart, the kubelet makes a new one (better: serverTLSBootstrap: true, so the cluster signs and rotates it)', command: 'mkdir -p /root/kubelet-pki-backup && mv /var/lib/kubelet/pki/kubelet.crt /var/lib/kubelet/pki/kubelet.key /root/kubelet-pki-backup/\nsystemctl restart kubelet' },
      {
        text: 'tlsCertFile issued by your own CA (hand-made PKI): issue a new certificate for the same key and names with that CA, replace the file, restart',
        command:
          "openssl req -new -key {{keyPath|'/var/lib/kubelet/pki/kubelet.key'}} -subj \"/O=system:nodes/CN=system:node:$(hostname)\" -out kubelet-serving.csr\nopenssl x509 -req -in kubelet-serving.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 365 -extfile <(printf 'subjectAltName=DNS:%s,IP:%s' \"$(hostname)\" \"$(hostname -I | cut -d' ' -f1)\") -out {{servingPath|'/var/lib/kubelet/pki/kubelet.crt'}}\nsystemctl restart kubelet",
      },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-serving-certs',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  check(given): CheckResult {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const ctx = withKnownSettings(given);
    if ('skip' in ctx) return ctx;
    const s = ctx.evidence.kubeconfig?.serving;
    const cert = s?.cert;
    if (!s?.found || !cert) return undefined; // no serving certificate on disk: serving-cert-csr-pending / kubelet-dependencies-failed
    const days = daysLeft(cert, ctx.now);
    const notYet = Date.parse(cert.notBefore) > ctx.now.getTime();
    // the one-year pair the kubelet makes for itself: no client can verify it anyway, so its expiry is a warning
    const selfMade = s.from === 'cert-dir' && /(^|\/)kubelet\.crt$/.test(s.path);
    const rotated = s.from === 'cert-dir' && /kubelet-server-current\.pem$/.test(s.path);
    if (days > 30 && !notYet) return undefined;
    if (days >= 0 && !notYet && selfMade) return undefined;
    const where = `${s.display}${s.linkTarget ? ` -> ${s.linkTarget}` : ''}`;
    const cites: Citation[] = [certCitation(cert, 'notAfter', notYet ? 'not yet valid' : days < 0 ? `expired ${-days} days ago` : `expires in ${days} days`)];
    const tls = ctx.evidence.kubeletConfig?.settings.tlsCertFile;
    if (s.from === 'tlsCertFile' && tls) cites.push(settingCitation(tls));
    const vars = { servingPath: s.path, keyPath: s.keyPath ?? ctx.evidence.kubeletConfig?.settings.tlsPrivateKeyFile?.value ?? '/var/lib/kubelet/pki/kubelet.key', expiry: cert.notAfter };
    const how = selfMade
      ? ' It is the self-signed kubelet.crt the kubelet made at its first start; the kubelet never renews it.'
      : rotated
        ? ' Rotation (serverTLSBootstrap) did not renew it: look for a Pending kubelet-serving CSR.'
        : s.from === 'tlsCertFile'
          ? ' It is the file named by tlsCertFile: nobody renews it but you.'
          : '';
    if (notYet)
      return { severity: selfMade ? 'warning' : 'error', message: `The kubelet's serving certificate (${where}) is not valid before ${cert.notBefore}; it is ${ctx.now.toISOString()} now — check the node's clock.`, vars, evidence: cites, current: true };
    if (days < 0)
      return {
        severity: selfMade ? 'warning' : 'error',
        message: `The kubelet's serving certificate (${where}, ${cert.subject}) expired on ${cert.notAfter.slice(0, 10)}, ${-days} days ago: clients that verify it (the API server for logs/exec, metrics-server, Prometheus) refuse :10250.${how}`,
        vars,
        evidence: cites,
        current: true,
      };
    return { severity: 'warning', message: `The kubelet's serving certificate (${where}) expires in ${days} days (${cert.notAfter.slice(0, 10)}).${how}`, vars, evidence: cites, current: true };
  },
});
