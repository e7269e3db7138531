#!/usr/bin/env python3
# Usage: python3 scripts/node-tree-fixtures.py fixtures/nodes   (rewrites the cgroup-*, swap-*, cni-*, runtime-*, sysctl-*, healthy-cgroup*, serving-* trees)
#        python3 scripts/node-tree-fixtures.py fixtures/nodes serving-cert-expired   (only the trees named; each run makes new test keys)
# Generates the node-tree fixtures under fixtures/nodes/ (cgroup-*, swap-*, cni-*, runtime-*, sysctl-*,
# healthy-*). Layouts follow /work/shared/reference/environment.md section 5; journal lines are composed
# from the message strings of kubelet-signatures.md.
import os, shutil, sys

OUT = sys.argv[1]
ONLY = set(sys.argv[2:])

def w(root, path, text='', mode=None):
    p = os.path.join(root, path.lstrip('/'))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w' if isinstance(text, str) else 'wb') as f:
        f.write(text)

def d(root, path):
    # a directory git can track: cgroup dirs hold cgroup.procs, others a .gitkeep
    p = os.path.join(root, path.lstrip('/'))
    os.makedirs(p, exist_ok=True)
    if '/sys/fs/cgroup' in '/' + path.lstrip('/'):
        open(os.path.join(p, 'cgroup.procs'), 'a').close()
    else:
        open(os.path.join(p, '.gitkeep'), 'a').close()

def ln(root, path, target):
    p = os.path.join(root, path.lstrip('/'))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if os.path.lexists(p): os.remove(p)
    os.symlink(target, p)

def cmdline(argv):
    return '\0'.join(argv) + '\0'

# ---------------------------------------------------------------- common pieces

def kernel_net(root, bridge='1', forward='1', br_netfilter=True):
    if br_netfilter:
        w(root, 'proc/sys/net/bridge/bridge-nf-call-iptables', bridge + '\n')
        w(root, 'proc/sys/net/bridge/bridge-nf-call-ip6tables', bridge + '\n')
    w(root, 'proc/sys/net/ipv4/ip_forward', forward + '\n')
    mods = []
    if br_netfilter:
        mods.append('br_netfilter 32768 0 - Live 0x0000000000000000')
        mods.append('bridge 307200 1 br_netfilter, Live 0x0000000000000000')
    mods += ['overlay 151552 10 - Live 0x0000000000000000',
             'nf_conntrack 172032 5 xt_conntrack,nf_nat,xt_MASQUERADE, Live 0x0000000000000000',
             'ip_tables 32768 2 iptable_filter,iptable_nat, Live 0x0000000000000000']
    w(root, 'proc/modules', '\n'.join(mods) + '\n')

def swaps(root, devices=()):
    t = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'
    for dv in devices:
        t += dv + '\n'
    w(root, 'proc/swaps', t)

def meminfo(root, total_kb=8006524, swap_kb=0):
    w(root, 'proc/meminfo', f"""MemTotal:        {total_kb} kB
MemFree:         {total_kb // 3} kB
MemAvailable:    {total_kb // 2} kB
Buffers:          102400 kB
Cached:          2048000 kB
SwapCached:            0 kB
SwapTotal:       {swap_kb} kB
SwapFree:        {swap_kb} kB
""")

def host(root, name):
    w(root, 'etc/hostname', name + '\n')
    w(root, 'proc/sys/kernel/hostname', name + '\n')

V1_CONTROLLERS_CENTOS = ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'perf_event', 'pids', 'systemd']

def v1_mounts(root, controllers, hybrid=False):
    lines = ['sysfs /sys sysfs rw,seclabel,nosuid,nodev,noexec,relatime 0 0',
             'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
             '/dev/sda1 / xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0',
             'tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0']
    if hybrid:
        lines.append('cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0')
    for c in controllers:
        if c == 'systemd':
            opts = 'rw,nosuid,nodev,noexec,relatime,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd'
        else:
            subs = c.split(',')
            opts = 'rw,nosuid,nodev,noexec,relatime,' + ','.join(reversed(subs))
        lines.append(f'cgroup /sys/fs/cgroup/{c} cgroup {opts} 0 0')
    lines.append('tmpfs /run tmpfs rw,nosuid,nodev,mode=755 0 0')
    w(root, 'proc/mounts', '\n'.join(lines) + '\n')
    rows = ['#subsys_name\thierarchy\tnum_cgroups\tenabled']
    hid = {}
    for i, c in enumerate([c for c in controllers if c != 'systemd']):
        for s in c.split(','):
            hid[s] = i + 2
    for s in ['cpuset', 'cpu', 'cpuacct', 'memory', 'devices', 'freezer', 'net_cls', 'blkio', 'perf_event', 'hugetlb', 'pids', 'net_prio']:
        rows.append(f'{s}\t{hid.get(s, 0)}\t{40 if s in hid else 1}\t1')
    w(root, 'proc/cgroups', '\n'.join(rows) + '\n')
    w(root, 'proc/filesystems', 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tcgroup\n' + ('nodev\tcgroup2\n' if hybrid else '') + '\txfs\n\text4\n')
    for c in controllers:
        d(root, f'sys/fs/cgroup/{c}')
        if ',' in c:
            for s in c.split(','):
                ln(root, f'sys/fs/cgroup/{s}', c)
    if hybrid:
        w(root, 'sys/fs/cgroup/unified/cgroup.controllers', '')
        w(root, 'sys/fs/cgroup/unified/cgroup.subtree_control', '')

def v1_cgroup(root, controllers, path, skip=()):
    for c in controllers:
        if c in skip: continue
        d(root, f'sys/fs/cgroup/{c}{path}')

def v2_mounts(root):
    w(root, 'proc/mounts', '\n'.join([
        'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
        'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
        '/dev/sda1 / ext4 rw,relatime 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0',
        'tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=812304k,mode=755,inode64 0 0',
    ]) + '\n')
    rows = ['#subsys_name\thierarchy\tnum_cgroups\tenabled']
    for s in ['cpuset', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc']:
        rows.append(f'{s}\t0\t120\t1')
    w(root, 'proc/cgroups', '\n'.join(rows) + '\n')
    w(root, 'proc/filesystems', 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tcgroup\nnodev\tcgroup2\n\text4\n')
    ctrls = 'cpuset cpu io memory hugetlb pids rdma misc\n'
    w(root, 'sys/fs/cgroup/cgroup.controllers', ctrls)
    w(root, 'sys/fs/cgroup/cgroup.subtree_control', ctrls)
    for f in ['cgroup.procs', 'cgroup.max.depth', 'cpu.pressure', 'memory.pressure', 'io.pressure']:
        w(root, f'sys/fs/cgroup/{f}', '')

def v2_cgroup(root, path, controllers='cpuset cpu io memory hugetlb pids rdma misc', usage=None):
    w(root, f'sys/fs/cgroup{path}/cgroup.controllers', controllers + '\n')
    w(root, f'sys/fs/cgroup{path}/cgroup.procs', '')
    if usage is not None:
        w(root, f'sys/fs/cgroup{path}/memory.current', f'{usage}\n')
        w(root, f'sys/fs/cgroup{path}/memory.max', 'max\n')

def kubeadm_unit(root, unitdir='/usr/lib/systemd/system', dropdir=None):
    w(root, f'{unitdir}/kubelet.service', """[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
""")
    w(root, f'{dropdir or unitdir}/kubelet.service.d/10-kubeadm.conf', """# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should
# use the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/sysconfig/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
""")

def kubeadm_flags(root, flags):
    w(root, 'var/lib/kubelet/kubeadm-flags.env', f'KUBELET_KUBEADM_ARGS="{flags}"\n')

def kubelet_config(root, extra='', driver='systemd', resolv='/etc/resolv.conf', path='var/lib/kubelet/config.yaml'):
    w(root, path, f"""apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: {driver}
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {{}}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
resolvConf: {resolv}
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
{extra}""")

def containerd(root, systemd=True, version=2, disabled=None, sock=True, conf_dir=None):
    if version == 2:
        t = f"""version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
{'disabled_plugins = ' + disabled if disabled else 'disabled_plugins = []'}

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.9"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/opt/cni/bin"
      conf_dir = "{conf_dir or '/etc/cni/net.d'}"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            BinaryName = ""
            SystemdCgroup = {'true' if systemd else 'false'}
"""
    else:
        t = f"""#   Copyright The containerd Authors.
#   Licensed under the Apache License, Version 2.0

#disabled_plugins = ["cri"]
{'disabled_plugins = ' + disabled if disabled else ''}
#root = "/var/lib/containerd"
#state = "/run/containerd"
"""
    w(root, 'etc/containerd/config.toml', t)
    if sock:
        w(root, 'run/containerd/containerd.sock', '')

def cni_flannel(root, broken=False):
    t = """{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }%s
  ]
}
""" % (',' if broken else '')
    w(root, 'etc/cni/net.d/10-flannel.conflist', t)

def cni_bins(root, names=('bandwidth', 'bridge', 'dhcp', 'firewall', 'flannel', 'host-device', 'host-local', 'ipvlan', 'loopback', 'macvlan', 'portmap', 'ptp', 'sbr', 'static', 'tuning', 'vlan', 'vrf')):
    for n in names:
        w(root, f'opt/cni/bin/{n}', '')

def proc_pid(root, pid, argv, cgroup):
    w(root, f'proc/{pid}/cmdline', cmdline(argv))
    w(root, f'proc/{pid}/cgroup', cgroup)
    w(root, f'proc/{pid}/comm', os.path.basename(argv[0]) + '\n')

def systemd_pid1(root, v2):
    proc_pid(root, 1, ['/sbin/init', 'splash'] if v2 else ['/usr/lib/systemd/systemd', '--switched-root', '--system', '--deserialize', '22'], '0::/init.scope\n' if v2 else '1:name=systemd:/\n')

def kubeadm_worker_files(root):
    w(root, 'etc/kubernetes/manifests/.gitkeep', '')

def ubuntu_base(root, name):
    host(root, name)
    w(root, 'etc/os-release', 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n')
    w(root, 'proc/cmdline', 'BOOT_IMAGE=/vmlinuz-5.15.0-105-generic root=/dev/mapper/ubuntu--vg-ubuntu--lv ro\n')
    w(root, 'etc/selinux/.gitkeep', '') if False else None
    # systemd-resolved
    w(root, 'run/systemd/resolve/resolv.conf', 'nameserver 192.168.122.1\nsearch lan\n')
    w(root, 'run/systemd/resolve/stub-resolv.conf', 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n')
    ln(root, 'etc/resolv.conf', '../run/systemd/resolve/stub-resolv.conf')
    ln(root, 'var/run', '../run')

def centos_base(root, name, selinux='permissive'):
    host(root, name)
    w(root, 'etc/os-release', 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n')
    w(root, 'etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n')
    w(root, 'proc/cmdline', 'BOOT_IMAGE=/vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/centos-root ro crashkernel=auto rd.lvm.lv=centos/root rd.lvm.lv=centos/swap rhgb quiet LANG=en_US.UTF-8\n')
    w(root, 'etc/selinux/config', f'# This file controls the state of SELinux on the system.\nSELINUX={selinux}\nSELINUXTYPE=targeted\n')
    w(root, 'sys/fs/selinux/enforce', '1' if selinux == 'enforcing' else '0')
    w(root, 'etc/resolv.conf', '# Generated by NetworkManager\nsearch example.internal\nnameserver 10.0.0.2\n')
    ln(root, 'var/run', '../run')

def journal(root, name, lines):
    w(root, name, '\n'.join(lines) + '\n')

PKI = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'node-tree-pki.sh')

def fixture(root, text, pki_args=()):
    w(root, 'fixture.yaml', text)
    # beside the files it made, a one-line record of the command that made this tree's PKI (the shared
    # script, for this tree's host, plus e.g. the serving certificate's dates); it runs that command now
    hostname = open(os.path.join(root, 'etc/hostname')).read().strip()
    extra = ''.join(f' {a}' for a in pki_args)
    w(root, 'make-pki.sh', '#!/usr/bin/env bash\n# Regenerates this fixture\'s test PKI (TEST KEYS ONLY) with the shared openssl recipe.\n'
      f'exec bash "$(dirname "$0")/../../../scripts/node-tree-pki.sh" "$(cd "$(dirname "$0")" && pwd)" {hostname}{extra}\n')
    import subprocess
    subprocess.run(['bash', os.path.join(root, 'make-pki.sh')], check=True)

def fresh(name):
    root = os.path.join(OUT, name)
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    return root

KUBELET_128 = ['/usr/bin/kubelet', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf',
               '--config=/var/lib/kubelet/config.yaml', '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock']
FLAGS_128 = '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock'
CONTAINERD_ARGV = ['/usr/bin/containerd']

def v2_ubuntu_healthy_parts(root, name, kubelet_running=True):
    ubuntu_base(root, name)
    v2_mounts(root)
    for p in ['/init.scope', '/system.slice', '/system.slice/kubelet.service', '/system.slice/containerd.service', '/user.slice', '/kubepods.slice',
              '/kubepods.slice/kubepods-besteffort.slice', '/kubepods.slice/kubepods-burstable.slice']:
        v2_cgroup(root, p)
    swaps(root)
    meminfo(root)
    kernel_net(root)
    kubeadm_unit(root, '/lib/systemd/system', '/usr/lib/systemd/system')
    kubeadm_flags(root, FLAGS_128)
    kubelet_config(root, resolv='/run/systemd/resolve/resolv.conf')
    kubeadm_worker_files(root)
    containerd(root)
    cni_flannel(root)
    cni_bins(root)
    systemd_pid1(root, True)
    proc_pid(root, 812, CONTAINERD_ARGV, '0::/system.slice/containerd.service\n')
    if kubelet_running:
        proc_pid(root, 1042, KUBELET_128, '0::/system.slice/kubelet.service\n')

def ts(base, i, host, proc, pid, level, file, msg, month='Nov', day=20, hh=9, mm=0):
    s = base + i * 0.731
    sec = int(s) % 60
    minute = mm + int(s) // 60
    us = int((s - int(s)) * 1e6)
    clock = f'{hh:02d}:{minute:02d}:{sec:02d}.{us:06d}'
    mnum = {'Jan': 1, 'Feb': 2, 'Apr': 4, 'Jul': 7, 'Nov': 11}[month]
    if level is None:
        return f'{month} {day:02d} {clock} {host} {proc}[{pid}]: {msg}'
    return f'{month} {day:02d} {clock} {host} {proc}[{pid}]: {level}{mnum:02d}{day:02d} {clock} {pid:>8} {file}] {msg}'

class J:
    """A short-precise journal composed line by line (time advances a little per line)."""
    def __init__(self, host, month, day, hh, mm, ss=0.0):
        self.host, self.month, self.day = host, month, day
        self.t = hh * 3600 + mm * 60 + ss
        self.lines = []
    def _clock(self):
        t = self.t
        h, m, s = int(t // 3600), int(t % 3600 // 60), t % 60
        return f'{h:02d}:{m:02d}:{int(s):02d}.{int(round((s - int(s)) * 1e6)) % 1000000:06d}'
    def adv(self, dt=0.0041):
        self.t += dt
    def klog(self, pid, level, file, msg, proc='kubelet', ann=None, dt=0.0041):
        self.adv(dt)
        c = self._clock()
        mnum = {'Jan': 1, 'Feb': 2, 'Apr': 4, 'Jul': 7, 'Nov': 11}[self.month]
        if ann: self.lines.append(f'# {ann}')
        self.lines.append(f'{self.month} {self.day:02d} {c} {self.host} {proc}[{pid}]: {level}{mnum:02d}{self.day:02d} {c} {pid:>7} {file}] {msg}')
    def raw(self, proc, pid, msg, ann=None, dt=0.0041):
        self.adv(dt)
        if ann: self.lines.append(f'# {ann}')
        self.lines.append(f'{self.month} {self.day:02d} {self._clock()} {self.host} {proc}[{pid}]: {msg}')
    def systemd(self, msg, dt=0.0031):
        self.raw('systemd', 1, msg, dt=dt)
    def text(self):
        return '\n'.join(self.lines) + '\n'

# ============================================================================ fixtures

def f_cgroup_kube_slice_missing():
    root = fresh('cgroup-kube-slice-missing')
    # seed 000: arm64 Ubuntu 20.04 (hybrid v1), cri-o, systemd driver, kubelet v1.20.1 configured by hand
    host(root, 'k8s-master')
    w(root, 'etc/os-release', 'PRETTY_NAME="Ubuntu 20.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="20.04"\nID=ubuntu\n')
    w(root, 'proc/cmdline', 'coherent_pool=1M 8250.nr_uarts=1 cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1 console=ttyS0,115200 root=LABEL=writable rootfstype=ext4 fixrtc\n')
    w(root, 'etc/resolv.conf', 'nameserver 127.0.0.53\noptions edns0\n')
    ln(root, 'var/run', '../run')
    ctrls = ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'net_cls,net_prio', 'perf_event', 'pids', 'systemd']
    v1_mounts(root, ctrls, hybrid=True)
    for p in ['/system.slice', '/system.slice/crio.service', '/user.slice']:
        v1_cgroup(root, ctrls, p)
    # the ExecStartPre that would create kube.slice everywhere was not there yet: systemd made it only where it accounts
    v1_cgroup(root, ctrls, '/kube.slice', skip=('pids', 'memory', 'blkio', 'devices', 'freezer', 'net_cls,net_prio', 'perf_event'))
    w(root, 'sys/fs/cgroup/memory/system.slice/memory.usage_in_bytes', '188743680\n')
    w(root, 'sys/fs/cgroup/memory/system.slice/memory.limit_in_bytes', '9223372036854771712\n')
    swaps(root)
    meminfo(root, 3884096)
    kernel_net(root)
    w(root, 'etc/systemd/system/kubelet.service', """[Unit]
Description=Kubernetes Kubelet
Documentation=https://github.com/kubernetes/kubernetes
After=crio.service
Requires=crio.service

[Service]
Restart=on-failure
RestartSec=5

ExecStart=/usr/bin/kubelet \\
  --config=/var/lib/kubelet/kubelet-config.yaml \\
  --kubeconfig=/var/lib/kubelet/kubeconfig \\
  --network-plugin=cni \\
  --container-runtime=remote \\
  --container-runtime-endpoint=/var/run/crio/crio.sock \\
  --register-node=true \\
  --v=2

[Install]
WantedBy=multi-user.target
""")
    w(root, 'var/lib/kubelet/kubelet-config.yaml', """---
kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
staticPodPath: /etc/kubelet.d
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
    cacheTTL: "2m"
  x509:
    clientCAFile: "/var/lib/kubernetes/ca.pem"
authorization:
  mode: Webhook
clusterDomain: "cluster.local"
clusterDNS:
  - "10.32.0.10"
podCIDR: "10.200.0.0/24"
resolvConf: "/etc/resolv.conf"
runtimeRequestTimeout: "15m"
tlsCertFile: "/var/lib/kubelet/k8s-master.pem"
tlsPrivateKeyFile: "/var/lib/kubelet/k8s-master-key.pem"
enforceNodeAllocatable: ["pods","kube-reserved","system-reserved"]
cgroupsPerQOS: true
cgroupDriver: systemd
cgroupRoot: /
systemCgroups: /system.slice
systemReservedCgroup: /system.slice
systemReserved:
  cpu: 500m
  memory: 300Mi
runtimeCgroups: /kube.slice/crio.service
kubeletCgroups: /kube.slice/kubelet.service
kubeReservedCgroup: /kube.slice
kubeReserved:
  cpu: 100m
  memory: 100Mi
""")
    d(root, 'etc/kubelet.d')
    w(root, 'etc/crio/crio.conf', """# The CRI-O configuration file (excerpt)
[crio]
[crio.api]
listen = "/var/run/crio/crio.sock"
[crio.runtime]
cgroup_manager = "systemd"
conmon_cgroup = "system.slice"
[crio.image]
pause_image = "k8s.gcr.io/pause:3.2"
[crio.network]
network_dir = "/etc/cni/net.d/"
plugin_dirs = [
  "/opt/cni/bin/",
]
""")
    w(root, 'run/crio/crio.sock', '')
    w(root, 'etc/cni/net.d/100-crio-bridge.conf', """{
    "cniVersion": "0.3.1",
    "name": "crio",
    "type": "bridge",
    "bridge": "cni0",
    "isGateway": true,
    "ipMasq": true,
    "hairpinMode": true,
    "ipam": {
        "type": "host-local",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "10.200.0.0/24" }]]
    }
}
""")
    w(root, 'etc/cni/net.d/200-loopback.conf', '{\n    "cniVersion": "0.3.1",\n    "type": "loopback"\n}\n')
    cni_bins(root, ('bridge', 'host-local', 'loopback', 'portmap'))
    proc_pid(root, 1, ['/sbin/init'], '10:name=systemd:/init.scope\n0::/init.scope\n')
    proc_pid(root, 358211, ['/usr/bin/crio'], '10:name=systemd:/system.slice/crio.service\n9:pids:/system.slice/crio.service\n6:memory:/system.slice/crio.service\n3:cpu,cpuacct:/system.slice/crio.service\n0::/system.slice/crio.service\n')
    j = J('k8s-master', 'Feb', 14, 7, 3, 50.1265)
    for n, pid in enumerate([360163, 360679, 361362]):
        j.systemd('Started Kubernetes Kubelet.')
        j.klog(pid, 'I', 'server.go:416', 'Version: v1.20.1')
        j.klog(pid, 'I', 'container_manager_linux.go:274', 'container manager verified user specified cgroup-root exists: []')
        j.klog(pid, 'I', 'kubelet.go:1319', 'Started kubelet')
        j.klog(pid, 'I', 'cgroup_manager_linux.go:294', 'The Cgroup [kube] has some missing paths: [/sys/fs/cgroup/pids/kube.slice /sys/fs/cgroup/memory/kube.slice]',
               ann='ruleid: cgroup-missing-paths' if n == 2 else None)
        j.klog(pid, 'F', 'kubelet.go:1347', 'Failed to start ContainerManager Failed to enforce Kube Reserved Cgroup Limits on "/kube.slice": ["kube"] cgroup does not exist',
               ann='ruleid: cgroup-missing-paths' if n == 2 else None)
        j.systemd('kubelet.service: Main process exited, code=exited, status=255/EXCEPTION')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
        j.systemd(f'kubelet.service: Scheduled restart job, restart counter is at {n + 1}.', dt=5.0)
        j.systemd('Stopped Kubernetes Kubelet.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seed 000: a kubelet v1.20.1 set up by hand on arm64 Ubuntu 20.04 (cgroup v1, hybrid) with cri-o and the
  systemd cgroup driver. enforceNodeAllocatable has kube-reserved with kubeReservedCgroup /kube.slice, which
  systemd created only in the cpu,cpuacct, cpuset and systemd hierarchies: it is missing in pids and memory,
  so the ContainerManager cannot enforce kube-reserved and the kubelet exits and crash-loops.
now: 2021-02-14T08:00:00Z
root: .
kubeletVersion: v1.20.1
expect: [cgroup-missing-paths]
expectWithoutJournal: [cgroup-missing-paths]
journals:
  - journal/kubelet.short-precise.log
""")

def f_cgroup_system_reserved_busy():
    root = fresh('cgroup-system-reserved-busy')
    host(root, 'k8s-master')
    w(root, 'etc/os-release', 'PRETTY_NAME="Ubuntu 20.04.6 LTS"\nNAME="Ubuntu"\nVERSION_ID="20.04"\nID=ubuntu\n')
    w(root, 'proc/cmdline', 'BOOT_IMAGE=/vmlinuz-5.4.0-170-generic root=/dev/mapper/ubuntu--vg-ubuntu--lv ro\n')
    w(root, 'etc/resolv.conf', 'nameserver 10.0.0.2\nsearch example.internal\n')
    ln(root, 'var/run', '../run')
    ctrls = ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'perf_event', 'pids', 'rdma', 'systemd']
    v1_mounts(root, ctrls, hybrid=True)
    for p in ['/system.slice', '/system.slice/containerd.service', '/system.slice/kubelet.service', '/user.slice', '/kubepods.slice']:
        v1_cgroup(root, ctrls, p)
    # system.slice already holds ~428 MiB (page cache of the system daemons) while systemReserved.memory is 300Mi
    w(root, 'sys/fs/cgroup/memory/system.slice/memory.usage_in_bytes', '449314816\n')
    w(root, 'sys/fs/cgroup/memory/system.slice/memory.max_usage_in_bytes', '601882624\n')
    w(root, 'sys/fs/cgroup/memory/system.slice/memory.limit_in_bytes', '9223372036854771712\n')
    swaps(root)
    meminfo(root, 4030000)
    kernel_net(root)
    kubeadm_unit(root, '/lib/systemd/system')
    kubeadm_flags(root, FLAGS_128)
    kubelet_config(root, extra="""enforceNodeAllocatable:
- pods
- system-reserved
systemReservedCgroup: /system.slice
systemReserved:
  cpu: 500m
  memory: 300Mi
""")
    kubeadm_worker_files(root)
    w(root, 'etc/kubernetes/manifests/.gitkeep', '')
    containerd(root)
    cni_flannel(root)
    cni_bins(root)
    proc_pid(root, 1, ['/sbin/init'], '12:name=systemd:/init.scope\n0::/init.scope\n')
    proc_pid(root, 798, CONTAINERD_ARGV, '12:name=systemd:/system.slice/containerd.service\n7:memory:/system.slice/containerd.service\n3:cpu,cpuacct:/system.slice/containerd.service\n0::/system.slice/containerd.service\n')
    j = J('k8s-master', 'Feb', 14, 6, 41, 10.2)
    for n, pid in enumerate([402133, 402611, 403090]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.')
        j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
        j.klog(pid, 'I', 'server.go:1227', '"Started kubelet"')
        j.klog(pid, 'I', 'node_container_manager_linux.go:121', '"Enforcing system reserved on cgroup" cgroupName="/system.slice" limits={"cpu":"500m","memory":"300Mi"}')
        usage = [449314816, 448790528, 449839104][n]
        j.klog(pid, 'E', 'kubelet.go:1542', f'"Failed to start ContainerManager" err="Failed to enforce System Reserved Cgroup Limits on \\"/system.slice\\": unable to set memory limit to 314572800 (current usage: {usage}, peak usage: 601882624)"',
               ann='ruleid: system-reserved-write-busy' if n == 2 else None)
        j.systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
        j.systemd(f'kubelet.service: Scheduled restart job, restart counter is at {n + 1}.', dt=10.0)
        j.systemd('Stopped kubelet: The Kubernetes Node Agent.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seed 000 (system-reserved): kubelet v1.28.4 on Ubuntu 20.04 (cgroup v1) enforces system-reserved with
  systemReserved.memory 300Mi on /system.slice, but system.slice already uses ~428 MiB. cgroup v1 refuses a
  memory.limit_in_bytes below usage (EBUSY; runc reports "unable to set memory limit to … (current usage: …)"),
  the ContainerManager does not start and the kubelet crash-loops.
now: 2024-02-14T08:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [system-reserved-write-busy]
expectWithoutJournal: [system-reserved-write-busy]
journals:
  - journal/kubelet.short-precise.log
""")

def centos7_tree(root, name, selinux, kubelet_cgroup, kubelet_pid=92407):
    centos_base(root, name, selinux)
    ctrls = V1_CONTROLLERS_CENTOS
    v1_mounts(root, ctrls)
    for p in ['/system.slice', '/system.slice/docker.service', '/user.slice', '/kubepods.slice', '/kubepods.slice/kubepods-besteffort.slice', '/kubepods.slice/kubepods-burstable.slice']:
        v1_cgroup(root, ctrls, p)
    for c in ['memory', 'pids', 'devices', 'systemd'] + (['cpu,cpuacct', 'blkio'] if 'cpuacct,cpu:/system.slice' in kubelet_cgroup else []):
        d(root, f'sys/fs/cgroup/{c}/system.slice/kubelet.service')
    swaps(root)
    meminfo(root, 3880000)
    kernel_net(root)
    kubeadm_unit(root, '/usr/lib/systemd/system')
    kubeadm_flags(root, '--cgroup-driver=systemd --network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.1')
    w(root, 'var/lib/kubelet/config.yaml', """apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 2m0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 5m0s
    cacheUnauthorizedTTL: 30s
cgroupDriver: systemd
cgroupsPerQOS: true
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
enforceNodeAllocatable:
- pods
failSwapOn: true
kind: KubeletConfiguration
readOnlyPort: 0
resolvConf: /etc/resolv.conf
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
""")
    kubeadm_worker_files(root)
    w(root, 'etc/docker/daemon.json', '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-driver": "json-file",\n  "log-opts": {\n    "max-size": "100m"\n  },\n  "storage-driver": "overlay2"\n}\n')
    w(root, 'run/docker.sock', '')
    w(root, 'run/containerd/containerd.sock', '')
    w(root, 'etc/containerd/config.toml', 'disabled_plugins = ["cri"]\n\n#root = "/var/lib/containerd"\n#state = "/run/containerd"\n')
    cni_flannel(root)
    cni_bins(root)
    proc_pid(root, 1, ['/usr/lib/systemd/systemd', '--switched-root', '--system', '--deserialize', '22'], '1:name=systemd:/\n')
    proc_pid(root, 1187, ['/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock'],
             '11:hugetlb:/\n10:memory:/system.slice/docker.service\n9:pids:/system.slice/docker.service\n8:cpuset:/\n7:perf_event:/\n6:net_prio,net_cls:/\n5:freezer:/\n4:devices:/system.slice/docker.service\n3:blkio:/system.slice/docker.service\n2:cpuacct,cpu:/system.slice/docker.service\n1:name=systemd:/system.slice/docker.service\n')
    proc_pid(root, kubelet_pid, ['/usr/bin/kubelet', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf',
                                 '--config=/var/lib/kubelet/config.yaml', '--cgroup-driver=systemd', '--network-plugin=cni', '--pod-infra-container-image=k8s.gcr.io/pause:3.1'],
             kubelet_cgroup)

def f_cgroup_centos7_not_unified():
    root = fresh('cgroup-centos7-not-unified')
    kcg = ('11:hugetlb:/\n10:memory:/system.slice/kubelet.service\n9:pids:/system.slice/kubelet.service\n8:cpuset:/\n7:perf_event:/\n'
           '6:net_prio,net_cls:/\n5:freezer:/\n4:devices:/system.slice/kubelet.service\n3:blkio:/\n2:cpuacct,cpu:/\n1:name=systemd:/system.slice/kubelet.service\n')
    centos7_tree(root, 'worker1.sqa.ztt', 'enforcing', kcg)
    j = J('worker1.sqa.ztt', 'Jul', 25, 9, 10, 36.9)
    for n, pid in enumerate([91766, 92407]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.')
        j.klog(pid, 'I', 'server.go:416', 'Version: v1.15.1')
        j.klog(pid, 'I', 'plugins.go:103', 'No cloud provider specified.')
        j.klog(pid, 'I', 'server.go:791', 'Client rotation is on, will bootstrap in background')
        j.klog(pid, 'I', 'certificate_store.go:129', 'Loading cert/key pair from "/var/lib/kubelet/pki/kubelet-client-current.pem".')
        j.klog(pid, 'F', 'server.go:273', "failed to run Kubelet: failed to get the kubelet's cgroup: cpu and memory cgroup hierarchy not unified.  cpu: /, memory: /system.slice/kubelet.service",
               ann='ruleid: cgroup-hierarchy-not-unified' if n == 1 else None)
        j.systemd('kubelet.service: main process exited, code=exited, status=255/n/a')
        j.systemd('Unit kubelet.service entered failed state.')
        j.systemd('kubelet.service failed.', dt=10.0)
        j.systemd('kubelet.service holdoff time over, scheduling restart.')
        j.systemd('Stopped kubelet: The Kubernetes Node Agent.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seed 002: CentOS 7 (kernel 3.10, cgroup v1 with cpu,cpuacct joined) with Docker and kubeadm, kubelet v1.15.1.
  kubelet.service runs without CPUAccounting, so /proc/<kubelet pid>/cgroup puts it at / for cpu,cpuacct but at
  /system.slice/kubelet.service for memory: "cpu and memory cgroup hierarchy not unified" and the kubelet exits
  (status 255). SELinux is enforcing too (a warning kubeadm's guide asks to clear).
now: 2019-07-25T10:00:00Z
root: .
kubeletVersion: v1.15.1
expect: [cgroup-hierarchy-not-unified, selinux-enforcing]
expectWithoutJournal: [cgroup-hierarchy-not-unified, selinux-enforcing]
journals:
  - journal/kubelet.short-precise.log
""")

def f_healthy_cgroupv1_centos7():
    root = fresh('healthy-cgroupv1-centos7')
    kcg = ('11:hugetlb:/\n10:memory:/system.slice/kubelet.service\n9:pids:/system.slice/kubelet.service\n8:cpuset:/\n7:perf_event:/\n'
           '6:net_prio,net_cls:/\n5:freezer:/\n4:devices:/system.slice/kubelet.service\n3:blkio:/system.slice/kubelet.service\n'
           '2:cpuacct,cpu:/system.slice/kubelet.service\n1:name=systemd:/system.slice/kubelet.service\n')
    centos7_tree(root, 'worker2.example.internal', 'permissive', kcg, kubelet_pid=1342)
    w(root, 'etc/systemd/system/kubelet.service.d/11-cgroups.conf', '[Service]\nCPUAccounting=true\nMemoryAccounting=true\n')
    fixture(root, """description: >-
  Healthy baseline, cgroup v1: CentOS 7 (kernel 3.10, cpu,cpuacct joined, symlinks cpu and cpuacct) running a
  kubeadm kubelet v1.15.1 with Docker (systemd driver on both sides), CPU/memory accounting on for kubelet.service,
  swap off, br_netfilter loaded and both sysctls at 1, SELinux permissive, flannel CNI installed.
now: 2019-07-25T10:00:00Z
root: .
kubeletVersion: v1.15.1
healthy: true
expect: []
""")

def f_healthy_cgroupv2_ubuntu():
    root = fresh('healthy-cgroupv2-ubuntu')
    v2_ubuntu_healthy_parts(root, 'node-a')
    fixture(root, """description: >-
  Healthy baseline, cgroup v2: Ubuntu 22.04 (kernel 5.15, systemd 249) running a kubeadm kubelet v1.28 with
  containerd (SystemdCgroup = true, cgroupDriver systemd), systemd-resolved (resolvConf
  /run/systemd/resolve/resolv.conf), swap off, br_netfilter loaded, flannel CNI installed.
now: 2024-05-01T00:00:00Z
root: .
kubeletVersion: v1.28.4
healthy: true
expect: []
""")

def f_swap_on():
    root = fresh('swap-on')
    v2_ubuntu_healthy_parts(root, 'node-b', kubelet_running=False)
    swaps(root, ['/swap.img                               file\t\t2097148\t\t0\t\t-2'])
    meminfo(root, 4005000, 2097148)
    shutil.rmtree(os.path.join(root, 'etc/kubernetes/manifests'))
    j = J('node-b', 'Nov', 20, 9, 12, 3.5)
    for n, pid in enumerate([2211, 2290, 2371]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.')
        j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
        j.klog(pid, 'I', 'server.go:895', '"Client rotation is on, will bootstrap in background"')
        j.klog(pid, 'I', 'file.go:145', '"Unable to read config path" err="path does not exist, ignoring" path="/etc/kubernetes/manifests"',
               ann='ruleid: static-pod-path-missing' if n == 2 else None)
        j.klog(pid, 'I', 'swap_util.go:73', '"Swap is on" /proc/swaps contents="Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority\\n/swap.img                               file\\t\\t2097148\\t\\t0\\t\\t-2"')
        j.klog(pid, 'E', 'run.go:74', '"command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority /swap.img                               file\\t\\t2097148\\t\\t0\\t\\t-2]"',
               ann='ruleid: swap-enabled' if n == 2 else None)
        j.systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
        j.systemd(f'kubelet.service: Scheduled restart job, restart counter is at {n + 1}.', dt=10.0)
        j.systemd('Stopped kubelet: The Kubernetes Node Agent.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seeds 001/002 (swap must be off): Ubuntu 22.04 worker whose installer left /swap.img active (in /proc/swaps,
  SwapTotal 2 GiB) while failSwapOn keeps its default true: kubelet v1.28.4 refuses to start and crash-loops.
  The worker was never joined, so its staticPodPath /etc/kubernetes/manifests does not exist either (info only).
now: 2024-11-20T10:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [swap-enabled, static-pod-path-missing]
expectWithoutJournal: [swap-enabled, static-pod-path-missing]
journals:
  - journal/kubelet.short-precise.log
""")

def f_cni_conf_dir_empty():
    root = fresh('cni-conf-dir-empty')
    v2_ubuntu_healthy_parts(root, 'node-c')
    os.remove(os.path.join(root, 'etc/cni/net.d/10-flannel.conflist'))
    w(root, 'etc/cni/net.d/.gitkeep', '')
    j = J('node-c', 'Nov', 20, 9, 30, 1.25)
    pid = 1042
    j.systemd('Started kubelet: The Kubernetes Node Agent.')
    j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
    j.klog(pid, 'I', 'kuberuntime_manager.go:257', '"Container runtime initialized" containerRuntime="containerd" version="1.7.12" apiVersion="v1"')
    j.klog(pid, 'I', 'server.go:1227', '"Started kubelet"')
    for n in range(3):
        j.klog(pid, 'E', 'kubelet.go:2855', '"Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"',
               ann='ruleid: cni-config-missing' if n == 2 else None, dt=5.0)
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seeds 000/003: a kubeadm node (kubelet v1.28.4, containerd) before any pod network add-on was installed:
  /etc/cni/net.d is empty, containerd reports "cni plugin not initialized" and the node stays NotReady.
now: 2024-11-20T10:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [cni-config-missing]
expectWithoutJournal: [cni-config-missing]
journals:
  - journal/kubelet.short-precise.log
""")

def f_cni_conflist_invalid():
    root = fresh('cni-conflist-invalid')
    v2_ubuntu_healthy_parts(root, 'node-d')
    cni_flannel(root, broken=True)
    j = J('node-d', 'Nov', 20, 10, 5, 2.5)
    j.raw('containerd', 812, 'time="2024-11-20T10:05:02.512041930Z" level=error msg="failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: failed to load CNI config list file /etc/cni/net.d/10-flannel.conflist: error parsing configuration list: invalid character \']\' looking for beginning of value: invalid cni config: failed to load cni config"',
          ann="ruleid: cni-config-invalid")
    pid = 1042
    j.systemd('Started kubelet: The Kubernetes Node Agent.')
    j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
    j.klog(pid, 'I', 'server.go:1227', '"Started kubelet"')
    for n in range(3):
        j.klog(pid, 'E', 'kubelet.go:2855', '"Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"',
               ann='ruleid: cni-config-missing' if n == 2 else None, dt=5.0)
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  A hand-edited flannel conflist with a trailing comma after the last plugin: containerd cannot parse
  /etc/cni/net.d/10-flannel.conflist (cited at the line of the syntax error), refuses the whole directory and the
  kubelet reports "cni plugin not initialized" (a consequence, folded under the invalid config).
now: 2024-11-20T11:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [cni-config-invalid, cni-config-missing]
expectWithoutJournal: [cni-config-invalid]
journals:
  - journal/kubelet.short-precise.log
""")

def f_cni_plugin_missing():
    root = fresh('cni-plugin-missing')
    v2_ubuntu_healthy_parts(root, 'node-e')
    os.remove(os.path.join(root, 'etc/cni/net.d/10-flannel.conflist'))
    w(root, 'etc/cni/net.d/10-calico.conflist', """{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "datastore_type": "kubernetes",
      "nodename": "node-e",
      "mtu": 0,
      "ipam": { "type": "calico-ipam" },
      "policy": { "type": "k8s" },
      "kubernetes": { "kubeconfig": "/etc/cni/net.d/calico-kubeconfig" }
    },
    { "type": "portmap", "snat": true, "capabilities": { "portMappings": true } },
    { "type": "bandwidth", "capabilities": { "bandwidth": true } }
  ]
}
""")
    w(root, 'etc/cni/net.d/calico-kubeconfig', '# written by calico-node (contents not captured)\n')
    j = J('node-e', 'Nov', 20, 11, 0, 4.0)
    pid = 1042
    j.systemd('Started kubelet: The Kubernetes Node Agent.')
    j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
    j.klog(pid, 'I', 'server.go:1227', '"Started kubelet"')
    j.klog(pid, 'E', 'remote_runtime.go:193', '"RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = failed to setup network for sandbox \\"5f1c0e9b7a2d\\": plugin type=\\"calico\\" failed (add): failed to find plugin \\"calico\\" in path [/opt/cni/bin]"',
           ann='ruleid: cni-plugin-binary-missing', dt=3.0)
    j.klog(pid, 'E', 'pod_workers.go:1300', '"Error syncing pod, skipping" err="failed to \\"CreatePodSandbox\\" for \\"coredns-5dd5756b68-7xkqz_kube-system\\" with CreatePodSandboxError" pod="kube-system/coredns-5dd5756b68-7xkqz"')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Calico's conflist is in /etc/cni/net.d but calico-node's install-cni step never copied its binaries:
  /opt/cni/bin has the reference plugins (portmap, bandwidth) but no calico/calico-ipam, so every pod sandbox
  fails with `failed to find plugin "calico" in path [/opt/cni/bin]`.
now: 2024-11-20T12:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [cni-plugin-binary-missing]
expectWithoutJournal: [cni-plugin-binary-missing]
journals:
  - journal/kubelet.short-precise.log
""")

def f_runtime_driver_mismatch():
    root = fresh('runtime-driver-mismatch')
    v2_ubuntu_healthy_parts(root, 'node-f')
    containerd(root, systemd=False)
    fixture(root, """description: >-
  containerd 1.6 installed from the distro package with a `containerd config default` that keeps
  SystemdCgroup = false (cgroupfs), while kubeadm configured the kubelet v1.27 with cgroupDriver systemd. The
  kubelet starts, but pods get cgroups from two managers; kubelet < 1.31 does not ask the runtime for its driver.
now: 2024-05-01T00:00:00Z
root: .
kubeletVersion: v1.27.8
expect: [cgroup-driver-mismatch]
""")

def f_runtime_socket_missing():
    root = fresh('runtime-socket-missing')
    v2_ubuntu_healthy_parts(root, 'node-g', kubelet_running=False)
    kubeadm_flags(root, '--container-runtime-endpoint=unix:///var/run/cri-dockerd.sock')
    j = J('node-g', 'Nov', 20, 14, 2, 7.0)
    for n, pid in enumerate([3110, 3188, 3270]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.')
        j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
        j.klog(pid, 'W', 'logging.go:59', '[core] [Channel #1 SubChannel #2] grpc: addrConn.createTransport failed to connect to {Addr: "/var/run/cri-dockerd.sock", ServerName: "/var/run/cri-dockerd.sock", }. Err: connection error: desc = "transport: Error while dialing: dial unix /var/run/cri-dockerd.sock: connect: no such file or directory"', proc='kubelet')
        j.klog(pid, 'E', 'run.go:74', '"command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///var/run/cri-dockerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/cri-dockerd.sock: connect: no such file or directory\\""',
               ann='ruleid: cri-endpoint-unreachable' if n == 2 else None)
        j.systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
        j.systemd(f'kubelet.service: Scheduled restart job, restart counter is at {n + 1}.', dt=10.0)
        j.systemd('Stopped kubelet: The Kubernetes Node Agent.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  A node migrated off dockershim: kubeadm-flags.env still points the kubelet v1.28.4 at
  unix:///var/run/cri-dockerd.sock, but cri-dockerd was never installed (containerd runs and its socket exists).
  The kubelet cannot validate the CRI v1 API at that endpoint and crash-loops.
now: 2024-11-20T15:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [cri-endpoint-unreachable]
expectWithoutJournal: [cri-endpoint-unreachable]
journals:
  - journal/kubelet.short-precise.log
""")

def f_runtime_containerd_duplicate_table():
    # Composed by hand: the packaged v2 config.toml already holds the runc options table; a second copy, appended
    # to switch on SystemdCgroup, makes containerd's TOML reader refuse the file at start-up. The wording of the
    # error is go-toml's: `go run` of toml.LoadFile (github.com/pelletier/go-toml v1.9.5, containerd 1.7's) on this
    # config.toml prints "(26, 2): duplicated tables" (toml.LoadFile); go-toml v2.2.4 (containerd 2.0-2.2) "toml: table options
    # already exists" (toml.NewDecoder(f).DisallowUnknownFields().Decode), v2.4.3 (containerd main) the same at "row 26 column 2".
    root = fresh('runtime-containerd-duplicate-table')
    v2_ubuntu_healthy_parts(root, 'node-k', kubelet_running=False)
    containerd(root, systemd=False, sock=False)
    os.remove(os.path.join(root, 'run/containerd/containerd.sock'))
    with open(os.path.join(root, 'etc/containerd/config.toml'), 'a') as f:
        f.write("""
# appended to use the systemd cgroup driver
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
""")
    # containerd is not running: no process, no socket (its state dir is left)
    shutil.rmtree(os.path.join(root, 'proc/812'))
    w(root, 'run/containerd/.gitkeep', '')
    j = J('node-k', 'Nov', 20, 17, 4, 2.0)
    j.systemd('Starting containerd.service - containerd container runtime...')
    j.raw('containerd', 2301, 'containerd: failed to load TOML: /etc/containerd/config.toml: (26, 2): duplicated tables', ann='ruleid: runtime-config-invalid')
    j.systemd('containerd.service: Main process exited, code=exited, status=1/FAILURE')
    j.systemd("containerd.service: Failed with result 'exit-code'.")
    j.systemd('Failed to start containerd.service - containerd container runtime.')
    for n, pid in enumerate([2417, 2498]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.', dt=10.0)
        j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
        j.klog(pid, 'W', 'logging.go:59', '[core] [Channel #1 SubChannel #2] grpc: addrConn.createTransport failed to connect to {Addr: "/var/run/containerd/containerd.sock", ServerName: "/var/run/containerd/containerd.sock", }. Err: connection error: desc = "transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory"')
        j.klog(pid, 'E', 'run.go:74', '"command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///var/run/containerd/containerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory\\""')
        j.systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  A runc options table appended a second time to containerd's config.toml (to set SystemdCgroup = true): containerd
  refuses a file that defines a table twice and exits at start-up, so its socket never appears and kubelet v1.28.4
  cannot reach its CRI endpoint (a consequence, folded under the broken config, cited at its duplicate line).
now: 2024-11-20T18:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [runtime-config-invalid, cri-endpoint-unreachable]
expectWithoutJournal: [runtime-config-invalid, cri-endpoint-unreachable]
journals:
  - journal/kubelet.short-precise.log
cites:
  runtime-config-invalid: [etc/containerd/config.toml:26]
""")

def f_runtime_resolv_conf_missing():
    root = fresh('runtime-resolv-conf-missing')
    v2_ubuntu_healthy_parts(root, 'node-h')
    shutil.rmtree(os.path.join(root, 'run/systemd/resolve'))
    os.remove(os.path.join(root, 'etc/resolv.conf'))
    w(root, 'etc/resolv.conf', '# static resolver after systemd-resolved was disabled\nnameserver 10.0.0.2\n')
    w(root, 'run/systemd/.gitkeep', '')
    j = J('node-h', 'Nov', 20, 16, 0, 9.0)
    pid = 1042
    j.systemd('Started kubelet: The Kubernetes Node Agent.')
    j.klog(pid, 'I', 'server.go:487', '"Kubelet version" kubeletVersion="v1.28.4"')
    j.klog(pid, 'I', 'server.go:1227', '"Started kubelet"')
    for n, podn in enumerate(['coredns-5dd5756b68-7xkqz', 'coredns-5dd5756b68-m2q9d', 'kube-proxy-8fw2k']):
        j.klog(pid, 'E', 'kuberuntime_sandbox.go:45', f'"Failed to generate sandbox config for pod" err="open /run/systemd/resolve/resolv.conf: no such file or directory" pod="kube-system/{podn}"',
               ann='ruleid: resolv-conf-missing' if n == 0 else None, dt=2.0)
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  kubeadm set resolvConf /run/systemd/resolve/resolv.conf (systemd-resolved detected at join), then
  systemd-resolved was disabled and /etc/resolv.conf replaced by a static file: the kubelet v1.28.4 cannot open
  its resolv.conf and no pod sandbox can be created.
now: 2024-11-20T17:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [resolv-conf-missing]
expectWithoutJournal: [resolv-conf-missing]
journals:
  - journal/kubelet.short-precise.log
""")

def f_cgroup_reserved_unset():
    root = fresh('cgroup-reserved-unset')
    v2_ubuntu_healthy_parts(root, 'node-i', kubelet_running=False)
    kubelet_config(root, resolv='/run/systemd/resolve/resolv.conf', extra="""enforceNodeAllocatable:
- pods
- system-reserved
systemReserved:
  cpu: 500m
  memory: 1Gi
""")
    j = J('node-i', 'Nov', 20, 18, 20, 1.0)
    for n, pid in enumerate([4410, 4489]):
        j.systemd('Started kubelet: The Kubernetes Node Agent.')
        j.klog(pid, 'E', 'run.go:74', '"command failed" err="failed to validate kubelet configuration, error: invalid configuration: systemReservedCgroup (--system-reserved-cgroup) must be specified when \\"system-reserved\\" contained in enforceNodeAllocatable (--enforce-node-allocatable), path: &TypeMeta{Kind:,APIVersion:,}"',
               ann='ruleid: reserved-cgroup-unset' if n == 1 else None)
        j.systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE')
        j.systemd("kubelet.service: Failed with result 'exit-code'.")
        j.systemd(f'kubelet.service: Scheduled restart job, restart counter is at {n + 1}.', dt=10.0)
        j.systemd('Stopped kubelet: The Kubernetes Node Agent.')
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  systemReserved was added to enforceNodeAllocatable without systemReservedCgroup: kubelet v1.28.4 fails
  validation at start-up and crash-loops (the generic validation failure folds under the precise cause).
now: 2024-11-20T19:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [reserved-cgroup-unset, config-validation-failed]
expectWithoutJournal: [reserved-cgroup-unset]
journals:
  - journal/kubelet.short-precise.log
""")

def f_sysctl(name, desc, expect, bridge='1', forward='1', brnf=True):
    root = fresh(name)
    v2_ubuntu_healthy_parts(root, 'node-j')
    for p in ['proc/sys/net/bridge']:
        shutil.rmtree(os.path.join(root, p), ignore_errors=True)
    kernel_net(root, bridge=bridge, forward=forward, br_netfilter=brnf)
    fixture(root, f"""description: >-
  {desc}
now: 2024-05-01T00:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [{expect}]
""")

def f_serving_cert_expired():
    root = fresh('serving-cert-expired')
    # seed 004 one year on: the serving certificate the operator issued with the cluster CA (so the API server can
    # verify the kubelet with --kubelet-certificate-authority) was valid for a year and nobody renewed it
    v2_ubuntu_healthy_parts(root, 'worker-0')
    kubelet_config(root, resolv='/run/systemd/resolve/resolv.conf', extra="""tlsCertFile: /var/lib/kubelet/pki/kubelet-serving.crt
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet-serving.key
""")
    j = J('worker-0', 'Apr', 30, 9, 40, 2.0)
    pid = 1042
    j.klog(pid, 'I', 'kubelet_node_status.go:76', '"Successfully registered node" node="worker-0"')
    for n, (client, port) in enumerate([('10.0.0.10', 51834), ('10.244.1.5', 40312), ('10.0.0.10', 51902)]):
        j.klog(pid, 'I', 'log.go:194', f'http: TLS handshake error from {client}:{port}: remote error: tls: bad certificate',
               ann='ruleid: serving-cert-rejected' if n == 0 else None, dt=15.0)
    journal(root, 'journal/kubelet.short-precise.log', j.lines)
    fixture(root, """description: >-
  Seed 004 one year on, serving side: a kubelet v1.28.4 (Ubuntu 22.04, containerd) serves :10250 with the certificate
  named by tlsCertFile, issued by the cluster CA for one year (2023-03-01 to 2024-03-01) and never renewed. The
  API server (kubectl logs/exec) and metrics-server verify it and abort the handshake; the kubelet only logs their
  alert ("remote error: tls: bad certificate"), folded under the expired certificate.
now: 2024-05-01T00:00:00Z
root: .
kubeletVersion: v1.28.4
expect: [serving-cert-expired, serving-cert-rejected]
expectWithoutJournal: [serving-cert-expired]
journals:
  - journal/kubelet.short-precise.log
""", pki_args=('20230301000000Z', '20240301000000Z'))

TREES = [
    f_cgroup_kube_slice_missing,
    f_cgroup_system_reserved_busy,
    f_cgroup_centos7_not_unified,
    f_cgroup_reserved_unset,
    f_healthy_cgroupv1_centos7,
    f_healthy_cgroupv2_ubuntu,
    f_swap_on,
    f_cni_conf_dir_empty,
    f_cni_conflist_invalid,
    f_cni_plugin_missing,
    f_runtime_driver_mismatch,
    f_runtime_socket_missing,
    f_runtime_containerd_duplicate_table,
    f_runtime_resolv_conf_missing,
    f_serving_cert_expired,
]
SYSCTL_TREES = [
    ('sysctl-bridge-nf-off', 'Seed 002 (RHEL/CentOS traffic bypassing iptables): br_netfilter is loaded but net.bridge.bridge-nf-call-iptables is 0 (no /etc/sysctl.d/k8s.conf), so bridged pod-to-Service traffic is not translated by kube-proxy.', 'bridge-nf-call-iptables-off', dict(bridge='0')),
    ('sysctl-ip-forward-off', 'IPv4 forwarding was never enabled (net.ipv4.ip_forward = 0, no sysctl.d drop-in): the node does not route pod traffic.', 'ip-forward-off', dict(forward='0')),
    ('sysctl-br-netfilter-missing', 'Seed 002 (modprobe br_netfilter): the module is not loaded, so /proc/sys/net/bridge does not exist and bridged traffic never reaches iptables.', 'br-netfilter-missing', dict(brnf=False)),
]
# a tree's name is its function name without f_, dashes for underscores
for make in TREES:
    if not ONLY or make.__name__[2:].replace('_', '-') in ONLY:
        make()
for name, desc, expect, kw in SYSCTL_TREES:
    if not ONLY or name in ONLY:
        f_sysctl(name, desc, expect, **kw)
print('ok')
