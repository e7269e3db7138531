# A unit file kept a flag the new kubelet no longer has: --network-plugin (gone in 1.24) on a 1.24 kubelet,
# --container-runtime (gone in 1.27) on later ones.
DESCRIPTION="a flag removed from this kubelet version is still on its command line: the kubelet exits"
CAUSE=removed-flag
NEEDS_API=0
inject() { if [ "$minor" -lt 27 ]; then KUBELET_FLAGS+=(--network-plugin=cni); else KUBELET_FLAGS+=(--container-runtime=remote); fi; }
