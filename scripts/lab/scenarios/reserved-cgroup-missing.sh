# Seed 000: kubeReservedCgroup /kube.slice is enforced, but the slice exists only in some controllers.
DESCRIPTION="kubeReservedCgroup /kube.slice is enforced but exists only in the cpu and cpuacct hierarchies: the kubelet exits"
CAUSE=cgroup-missing-paths
inject() {
  cat >>/var/lib/kubelet/config.yaml <<'EOT'
kubeReservedCgroup: /kube.slice
kubeReserved:
  cpu: 100m
  memory: 256Mi
enforceNodeAllocatable:
- pods
- kube-reserved
EOT
  mkdir -p /sys/fs/cgroup/cpu/kube.slice /sys/fs/cgroup/cpuacct/kube.slice
}
WAIT_FOR='missing paths|Failed to enforce'
