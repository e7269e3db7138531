// filesystem-full names ENOSPC on a node path (Go's os.PathError `<op> <path>: no space left on device`), and only
// there: ENOSPC under /sys (a cgroup cpuset with no CPUs or memory nodes) or from inotify_add_watch is no full disk.

import { describe, expect, it } from 'vitest';
import { scanText } from './helpers.js';

const P = 'May 02 04:40:00.139179 worker-17 kubelet[2210]: ';
const ids = async (line: string) => (await scanText(`${P}${line}\n`)).findings.map((f) => f.ruleId);

describe('filesystem-full', () => {
  it('a sandbox, container or layer write that hits ENOSPC', async () => {
    // pkg/kubelet/cri/remote/remote_runtime.go RunPodSandbox; containerd: "failed to create containerd container: %w"
    expect(await ids('E0502 04:40:00.139179    2210 remote_runtime.go:193] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = failed to create containerd container: mkdir /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/ab12: no space left on device"')).toContain('filesystem-full');
    // printf-era kubelet (<= v1.20): the same error in a plain sentence
    expect(await ids('E0502 04:40:00.139179    2210 kuberuntime_manager.go:755] createPodSandbox for pod "web_default(1)" failed: rpc error: code = Unknown desc = write /var/lib/docker/overlay2/abc/committed: no space left on device')).toContain('filesystem-full');
  });

  it('stays quiet on ENOSPC that is no full disk', async () => {
    // cgroup v1 cpuset: mkdir of a child cgroup whose parent has no cpus/mems returns ENOSPC
    expect(await ids('E0502 04:40:00.139179    2210 cgroup_manager_linux.go:476] "Failed to create cgroup" err="mkdir /sys/fs/cgroup/cpuset/kubepods/pod1: no space left on device"')).not.toContain('filesystem-full');
    // inotify watches exhausted (inotify-limit's)
    const inotify = await ids('E0502 04:40:00.139179    2210 raw.go:146] Failed to watch directory "/sys/fs/cgroup/memory/kubepods": inotify_add_watch /sys/fs/cgroup/memory/kubepods: no space left on device');
    expect(inotify).not.toContain('filesystem-full');
    expect(inotify).toContain('inotify-limit');
  });
});
