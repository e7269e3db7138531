# containerd is not running: its socket does not exist.
DESCRIPTION="containerd is not running (no socket at /run/containerd/containerd.sock)"
CAUSE=cri-endpoint-unreachable
NEEDS_CONTAINERD=0
WAIT_FOR='containerd.sock'
