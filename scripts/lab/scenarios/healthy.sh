# A healthy node: the kubelet registers and runs the static pod lab-pause on the lab's own pause image.
DESCRIPTION="healthy node: the kubelet registers with the API server and runs a static pod"
CAUSE=""
