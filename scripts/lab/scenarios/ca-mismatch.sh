# kubelet.conf trusts another CA (a cluster rebuilt with a new CA; the node kept the old kubeconfig).
DESCRIPTION="kubelet.conf's certificate-authority-data is another CA: the API server's certificate is not trusted"
CAUSE=ca-unknown-authority
WAIT_FOR='unknown authority'
SETTLE=15
inject() {
  kubeconfig /etc/kubernetes/kubelet.conf "system:node:$NODE" /var/lib/kubelet/pki/kubelet-client-current.pem \
    /var/lib/kubelet/pki/kubelet-client-current.pem "https://$NODE_IP:6443" "$PKI/other-ca.crt"
}
