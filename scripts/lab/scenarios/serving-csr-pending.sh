# serverTLSBootstrap: true, but nothing approves kubelet-serving CSRs (kubeadm does not): the CSR stays Pending.
DESCRIPTION="serverTLSBootstrap is on and no one approves the kubelet-serving CSR: it stays Pending"
CAUSE=serving-cert-csr-pending
WAIT_FOR='kubelet-serving|Rotating certificates'
SETTLE=30
inject() { echo "serverTLSBootstrap: true" >>/var/lib/kubelet/config.yaml; }
