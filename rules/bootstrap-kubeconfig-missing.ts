// The bootstrap kubeconfig cannot be loaded. On its own this is the cause (a node that never joined, or whose
// bootstrap-kubelet.conf was removed). When the same runs hold the kubelet's own complaint that its client
// certificate expired, the kubelet only fell back to the bootstrap file because of that: the line is a consequence of
// client-cert-expired (which explains it), reported at info severity so it is not a second error.

import { defineRule, type CheckResult } from '../src/rules/kit.js';

export default defineRule({
  id: "bootstrap-kubeconfig-missing",
  title: "The bootstrap kubeconfig cannot be loaded",
  severity: "error",
  category: "tls-bootstrap",
  evidence: ["journal"],
  fatal: true,
  priority: 5,
  match: {
    journal: [
      // F9.1 pkg/kubelet/certificate/bootstrap/bootstrap.go LoadClientCert, every era:
      // <=v1.20 `F… server.go:274] failed to run Kubelet: unable to load bootstrap kubeconfig: …` (status 255);
      // v1.21-v1.23 `"Failed to run kubelet" err="failed to run Kubelet: unable to load bootstrap kubeconfig: …"`;
      // v1.24+ `"command failed" err="failed to run Kubelet: unable to load bootstrap kubeconfig: …"` (status 1).
      { pattern: "unable to load bootstrap kubeconfig: (?:stat (?<path>[^:\\s]+): (?<reason>no such file or directory|permission denied)|(?<detail>.+?))\"?$", versions: ">=1.4" },
      // same file: a bootstrap kubeconfig that loads but cannot build a client
      { pattern: "unable to create certificates signing request client: (?<clientErr>.+?)\"?$" },
    ],
  },
  message: "The kubelet has no valid client certificate and cannot load its bootstrap kubeconfig ({{path|'the --bootstrap-kubeconfig file'}}: {{reason|detail|clientErr|'see the cited line'}}), so it exits.",
  why: "When kubelet.conf (--kubeconfig) has no usable client certificate (never bootstrapped, deleted, or the client certificate expired), the kubelet falls back to the one-time bootstrap kubeconfig to request a new certificate. kubeadm deletes /etc/kubernetes/bootstrap-kubelet.conf after a successful join, so a node whose credential later expires or is removed has nothing to fall back to and crash-loops. A bootstrap kubeconfig without a server or cluster entry fails the same way.",
  remediation: {"summary": "Give the kubelet a working credential again, either a fresh bootstrap kubeconfig or a regenerated kubelet.conf.", "steps": [{"text": "See which credential is missing or expired", "command": "ls -l /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /var/lib/kubelet/pki/; openssl x509 -noout -subject -enddate -in /var/lib/kubelet/pki/kubelet-client-current.pem"}, {"text": "On a worker, create a new join token on a control-plane node, then re-join (this writes a new bootstrap-kubelet.conf)", "command": "kubeadm token create --print-join-command"}, {"text": "On a kubeadm control-plane node, regenerate kubelet.conf for this node instead", "command": "kubeadm init phase kubeconfig kubelet --node-name {{node|'<node-name>'}}\nsystemctl restart kubelet"}, {"text": "Keep client certificate rotation on so this does not happen again (KubeletConfiguration)", "command": "rotateCertificates: true"}]},
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/", "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/", "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/#kubelet-client-cert"],
  explains: ["node-not-found"],
  check(ctx): CheckResult {
    const h = ctx.hits;
    if (h.count === 0) return undefined;
    const expired = ctx.hitsOf('client-cert-expired');
    const sameRuns = !!expired && expired.count > 0 && h.runs.some((r) => expired.runs.includes(r));
    return sameRuns ? { evidence: [], severity: 'info' } : { evidence: [] };
  },
});
