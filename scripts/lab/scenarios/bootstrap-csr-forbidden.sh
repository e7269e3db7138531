# TLS bootstrap with a valid token, but the binding that lets system:bootstrappers create CSRs is missing.
DESCRIPTION="the kubeadm:kubelet-bootstrap ClusterRoleBinding is missing: the bootstrap token may not create a CSR"
CAUSE=bootstrap-csr-forbidden
WAIT_FOR='forbidden'
SETTLE=10
inject() {
  kubectl_admin delete clusterrolebinding kubeadm:kubelet-bootstrap >/dev/null
  bootstrap_kubeconfig "$(cat "$PKI/token-id").$(cat "$PKI/token-secret")"
}
