# TLS bootstrap with a token the cluster does not know (a token from another cluster, or one already deleted).
DESCRIPTION="the bootstrap kubeconfig carries a token the API server does not know: the bootstrap CSR is Unauthorized"
CAUSE=bootstrap-token-rejected
WAIT_FOR='Unauthorized'
SETTLE=10
inject() { bootstrap_kubeconfig "abcdef.0123456789abcdef"; }
