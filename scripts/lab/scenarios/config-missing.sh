# The KubeletConfiguration file named by --config does not exist (kubeadm join never ran, or it was deleted).
DESCRIPTION="--config names /var/lib/kubelet/config.yaml, which does not exist: the kubelet exits"
CAUSE=config-file-missing
NEEDS_API=0
inject() { rm -f /var/lib/kubelet/config.yaml; }
