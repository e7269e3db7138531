# 1.35+: failCgroupV1 defaults to true and this host is cgroup v1 (hybrid: v1 controllers, empty cgroup2).
DESCRIPTION="the kubelet refuses to run on a cgroup v1 host (failCgroupV1 defaults to true since 1.35)"
CAUSE=cgroup-v1-refused
NEEDS_API=0
applies() { [ "$1" -ge 35 ]; }
inject() { sed -i '/^failCgroupV1:/d' /var/lib/kubelet/config.yaml; }
