# The kubelet's client certificate expired (openssl with dates in the past) and was never rotated.
DESCRIPTION="the kubelet's client certificate expired in 2025: the API server answers Unauthorized"
CAUSE=client-cert-expired
WAIT_FOR='Unauthorized|expired'
SETTLE=15
inject() { install_node_client node-expired; }
