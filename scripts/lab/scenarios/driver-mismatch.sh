# containerd runs runc with the systemd cgroup driver (SystemdCgroup = true) while the kubelet uses cgroupfs.
DESCRIPTION="containerd's runc uses the systemd cgroup driver, the kubelet cgroupfs: pod sandboxes fail"
CAUSE=cgroup-driver-mismatch
WAIT_FOR='RunPodSandbox|CreatePodSandbox|cgroupsPath'
SETTLE=15
inject() {
  sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml
  kill "$CONTAINERD_PID"; wait "$CONTAINERD_PID" 2>/dev/null || true
  start_containerd
}
