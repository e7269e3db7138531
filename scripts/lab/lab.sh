#!/usr/bin/env bash
# Run one lab scenario for real: etcd + kube-apiserver + kube-controller-manager + containerd + a kubelet of the
# given version, with one failure injected, and capture what they left behind.
#
#   scripts/lab/lab.sh SCENARIO VERSION [--e2e]
#
# Everything runs in private namespaces this script creates (unshare): a network namespace (loopback plus a
# veth pair carrying the node IP 10.77.0.10), a UTS namespace (host name lab-node) and a mount namespace in
# which /etc, /var/lib and /run are overlays whose upper layers live in the run directory. The kubelet sees
# the standard node paths (/etc/kubernetes, /var/lib/kubelet, /etc/containerd, /etc/cni/net.d,
# /run/containerd) while the machine itself keeps none of them. cgroups and /proc are the machine's own.
#
# Output: $LAB_CACHE/run/SCENARIO/VERSION/ — kubelet.out (each line prefixed with its µs receive time),
# capture/ (the node tree as `kubelet-doctor scan --root` reads it), api/ (Node + CSRs from the real API
# server), versions, result. scripts/lab/record.mjs turns that into fixtures/lab/SCENARIO/VERSION/.
# Every process started here is stopped by its pid at the end; the namespaces vanish with them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
scenario=${1:?usage: lab.sh SCENARIO VERSION [--e2e]}
version=${2:?usage: lab.sh SCENARIO VERSION [--e2e]}
e2e=${3:-}
export LAB_CACHE=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelet-doctor-lab}
CP_VERSION=${LAB_CP_VERSION:-v1.37.2}
NODE=lab-node
NODE_IP=10.77.0.10
RUN=$LAB_CACHE/run/$scenario/$version
SCEN=$here/scenarios/$scenario.sh
[ -f "$SCEN" ] || { echo "lab: no scenario $scenario ($SCEN)" >&2; exit 2; }

if [ "${LAB_NS:-}" != 1 ]; then
  [ -x "$LAB_CACHE/bin/$version/kubelet" ] || { echo "lab: no kubelet $version: scripts/lab/build.sh $version kubelet" >&2; exit 2; }
  for c in kube-apiserver kube-controller-manager; do
    [ -x "$LAB_CACHE/bin/$CP_VERSION/$c" ] || { echo "lab: no control plane $CP_VERSION ($c): scripts/lab/build.sh $CP_VERSION kubelet kube-apiserver kube-controller-manager" >&2; exit 2; }
  done
  "$here/setup.sh"
  "$here/pki.sh" "$LAB_CACHE/pki" "$NODE" "$NODE_IP" >/dev/null
  rm -rf "$RUN"
  mkdir -p "$RUN"
  LAB_NS=1 exec unshare --mount --net --uts --propagation private "$0" "$@"
fi

# ---------------------------------------------------------------- inside the namespaces
BIN=$LAB_CACHE/bin/$version
CPB=$LAB_CACHE/bin/$CP_VERSION
PKI=$LAB_CACHE/pki
minor=${version#v1.}; minor=${minor%%.*}
pids=()
log() { echo "[lab $scenario $version] $*" >&2; }

hostname "$NODE"
ip link set lo up
ip link add lab0 type veth peer name lab1
ip link set lab1 up
ip addr add "$NODE_IP/24" dev lab0
ip link set lab0 up
ip route add default via 10.77.0.1 dev lab0
# a new network namespace starts with forwarding off; a kubeadm node has it on (this namespace only)
echo 1 >/proc/sys/net/ipv4/ip_forward

for d in etc var/lib var/log run usr/libexec; do
  mkdir -p "$RUN/ov/$d/upper" "$RUN/ov/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$RUN/ov/$d/upper,workdir=$RUN/ov/$d/work" "/$d"
done
# the kubelet's and containerd's own directories must not be overlays (containerd's overlay snapshotter
# cannot stack on one): bind real directories of the run dir over them
mkdir -p "$RUN/kubelet-root" "$RUN/containerd-root" /var/lib/kubelet /var/lib/containerd
mount --bind "$RUN/kubelet-root" /var/lib/kubelet
mount --bind "$RUN/containerd-root" /var/lib/containerd
mount --make-rshared /
echo "$NODE" >/etc/hostname

# sysctls the kubelet sets on start (protectKernelDefaults=false) are the machine's: put them back after
saved_sysctls=$(for k in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
  [ -f "/proc/sys/$k" ] && echo "$k=$(cat "/proc/sys/$k")"; done)

stop_all() {
  set +e
  local i
  scenario_cleanup
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill -TERM "${pids[i]}" 2>/dev/null
  done
  sleep 2
  # containerd shims re-parent to init: find them by our mount namespace, never by name; the containers
  # they started (pause) have mount namespaces of their own: find those as the shims' children, first
  local myns ours=() kids=() p pid
  myns=$(readlink /proc/self/ns/mnt)
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$myns" ] && ours+=("$pid")
  done
  for p in /proc/[0-9]*; do
    local ppid; ppid=$(awk '{print $4}' "$p/stat" 2>/dev/null) || continue
    for o in "${ours[@]}"; do [ "$ppid" = "$o" ] && [ "$(readlink "$p/ns/mnt" 2>/dev/null)" != "$myns" ] && kids+=("${p#/proc/}"); done
  done
  for pid in "${kids[@]}" "${ours[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -KILL "${pids[i]}" 2>/dev/null; done
  sleep 1
  # the pod and QoS cgroups the kubelet made (cgroupfs driver): deepest first, only if empty
  for c in /sys/fs/cgroup/*/; do
    for top in kubepods kubepods.slice kube.slice lab-kube.slice; do
      [ -d "$c$top" ] && find "$c$top" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  done
  while IFS='=' read -r k v; do [ -n "$k" ] && echo "$v" >"/proc/sys/$k" 2>/dev/null; done <<<"$saved_sysctls"
  set -e
}
trap stop_all EXIT

wait_for() { # SECONDS DESCRIPTION COMMAND...
  local t=$1 what=$2; shift 2
  local end=$(( $(date +%s) + t ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { log "timed out after ${t}s waiting for $what"; return 1; }
    sleep 0.5
  done
}

# each output line prefixed with the µs time it arrived (the journal's __REALTIME_TIMESTAMP)
stamp() { python3 -u -c '
import sys, time
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(b"%d " % (time.time_ns() // 1000) + line); sys.stdout.buffer.flush()' >"$1"; }

# ---------------------------------------------------------------- the node's files (a kubeadm-style node)
kubeconfig() { # FILE USER CLIENT_CERT CLIENT_KEY [SERVER] [CA_FILE]
  local f=$1 user=$2 cert=$3 key=$4 server=${5:-https://$NODE_IP:6443} ca=${6:-$PKI/ca.crt}
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 "$ca")
    server: $server
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $user
  name: $user@kubernetes
current-context: $user@kubernetes
users:
- name: $user
  user:
    client-certificate: $cert
    client-key: $key
EOF
}

install_node_client() { # NAME: the kubelet's rotated client pair, as the certificate manager writes it
  mkdir -p /var/lib/kubelet/pki
  cat "$PKI/$1.crt" "$PKI/$1.key" >/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem
  chmod 600 /var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem
  ln -sfn /var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem /var/lib/kubelet/pki/kubelet-client-current.pem
}

write_node_files() {
  mkdir -p /etc/kubernetes/pki /etc/kubernetes/manifests /etc/cni/net.d /etc/containerd /var/lib/kubelet/pki
  cp "$PKI/ca.crt" /etc/kubernetes/pki/ca.crt
  install_node_client node
  kubeconfig /etc/kubernetes/kubelet.conf "system:node:$NODE" /var/lib/kubelet/pki/kubelet-client-current.pem /var/lib/kubelet/pki/kubelet-client-current.pem
  cat >/var/lib/kubelet/config.yaml <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
failSwapOn: true
resolvConf: /etc/resolv.conf
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
address: $NODE_IP
healthzBindAddress: 127.0.0.1
EOF
  if [ "$minor" -ge 27 ]; then echo "containerRuntimeEndpoint: unix:///run/containerd/containerd.sock" >>/var/lib/kubelet/config.yaml; fi
  # 1.35+ refuses cgroup v1 unless told otherwise; this host is cgroup v1 (scenario cgroup-v1-refused keeps the default)
  if [ "$minor" -ge 35 ]; then echo "failCgroupV1: false" >>/var/lib/kubelet/config.yaml; fi
  cat >/etc/containerd/config.toml <<EOF
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  # this machine drops CAP_SYS_RESOURCE from every process's bounding set: runc cannot lower a container's
  # oom_score_adj (the sandbox's -998 fails with "Permission denied"), so keep it at containerd's own
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
EOF
  cat >/etc/cni/net.d/10-lab.conflist <<'EOF'
{
  "cniVersion": "0.4.0",
  "name": "lab",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  # a static pod on the lab's own pause image: a healthy node runs it and mirrors it to the API server
  cat >/etc/kubernetes/manifests/lab-pause.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: lab-pause
  namespace: kube-system
spec:
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.10
    imagePullPolicy: Never
EOF
  # the control plane's kubeconfigs (the machine's side, not the node's: kept outside the captured paths)
  mkdir -p "$RUN/cp"
  kubeconfig "$RUN/cp/admin.conf" kubernetes-admin "$PKI/admin.crt" "$PKI/admin.key"
  kubeconfig "$RUN/cp/controller-manager.conf" system:kube-controller-manager "$PKI/controller-manager.crt" "$PKI/controller-manager.key"
}

# ---------------------------------------------------------------- components
KUBELET_FLAGS=()
CM_EXTRA=()
start_control_plane() {
  [ -x "$CPB/kube-apiserver" ] || { log "control plane $CP_VERSION not built: scripts/lab/build.sh $CP_VERSION kube-apiserver kube-controller-manager"; exit 2; }
  etcd --name lab --data-dir "$RUN/etcd" --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 >"$RUN/etcd.log" 2>&1 &
  pids+=($!)
  wait_for 30 etcd curl -sf http://127.0.0.1:2379/health
  "$CPB/kube-apiserver" --advertise-address="$NODE_IP" --secure-port=6443 --etcd-servers=http://127.0.0.1:2379 \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --enable-bootstrap-token-auth=true \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP --service-cluster-ip-range=10.96.0.0/12 \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" --allow-privileged=true >"$RUN/apiserver.log" 2>&1 &
  pids+=($!)
  wait_for 90 kube-apiserver curl -sfk --cacert "$PKI/ca.crt" https://127.0.0.1:6443/readyz \
    --cert "$PKI/admin.crt" --key "$PKI/admin.key"
  kubectl --kubeconfig "$RUN/cp/admin.conf" apply -f - >"$RUN/rbac.log" 2>&1 < <(rbac_and_token)
}

start_controller_manager() {
  [ -x "$CPB/kube-controller-manager" ] || { log "control plane $CP_VERSION not built: scripts/lab/build.sh $CP_VERSION kube-controller-manager"; exit 2; }
  "$CPB/kube-controller-manager" --kubeconfig="$RUN/cp/controller-manager.conf" \
    --authentication-kubeconfig="$RUN/cp/controller-manager.conf" --authorization-kubeconfig="$RUN/cp/controller-manager.conf" \
    --bind-address=127.0.0.1 --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --controllers='*,bootstrapsigner,tokencleaner' --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
    --use-service-account-credentials=true --leader-elect=false --cluster-cidr=10.244.0.0/16 --allocate-node-cidrs=true \
    --service-cluster-ip-range=10.96.0.0/12 "${CM_EXTRA[@]}" >"$RUN/controller-manager.log" 2>&1 &
  pids+=($!)
}

# RBAC and the bootstrap token as kubeadm sets them (kubeadm init phase bootstrap-token)
rbac_and_token() {
  local expiration=${TOKEN_EXPIRATION:-$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)}
  cat <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: bootstrap-token-$(cat "$PKI/token-id")
  namespace: kube-system
type: bootstrap.kubernetes.io/token
stringData:
  token-id: $(cat "$PKI/token-id")
  token-secret: $(cat "$PKI/token-secret")
  expiration: $expiration
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
  auth-extra-groups: system:bootstrappers:kubeadm:default-node-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubeadm:kubelet-bootstrap }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node-bootstrapper }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:bootstrappers:kubeadm:default-node-token }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubeadm:node-autoapprove-bootstrap }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:certificates.k8s.io:certificatesigningrequests:nodeclient }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:bootstrappers:kubeadm:default-node-token }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubeadm:node-autoapprove-certificate-rotation }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:certificates.k8s.io:certificatesigningrequests:selfnodeclient }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:nodes }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubeadm:get-nodes-and-apiserver-kubelet-client }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: kube-apiserver-kubelet-client }]
EOF
}

start_containerd() {
  containerd --config /etc/containerd/config.toml >"$RUN/containerd.log" 2>&1 &
  CONTAINERD_PID=$!
  pids+=($CONTAINERD_PID)
  wait_for 30 containerd ctr --address /run/containerd/containerd.sock version
  ctr --address /run/containerd/containerd.sock -n k8s.io images import --all-platforms "$LAB_CACHE/pause/pause.tar" >"$RUN/ctr-import.log" 2>&1
}

KUBELET_PID=
start_kubelet() {
  local flags=(--config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf --node-ip="$NODE_IP" --v=2)
  [ "$minor" -lt 27 ] && flags+=(--container-runtime-endpoint=unix:///run/containerd/containerd.sock)
  [ "$minor" -lt 24 ] && flags+=(--container-runtime=remote)
  flags+=("${KUBELET_FLAGS[@]}")
  printf '%s\n' "${flags[@]}" >"$RUN/kubelet.flags"
  # no systemd runs here, but a node's kubelet is a unit: the unit says how the lab starts it, so a capture
  # of a kubelet that already exited still tells its flags (as on a crash-looping node)
  mkdir -p /etc/systemd/system
  {
    echo "[Unit]"
    echo "Description=kubelet: The Kubernetes Node Agent (kubelet-doctor lab)"
    echo "[Service]"
    printf 'ExecStart=%s' "$BIN/kubelet"
    printf ' \\\n  %s' "${flags[@]}"
    printf '\nRestart=always\n[Install]\nWantedBy=multi-user.target\n'
  } >/etc/systemd/system/kubelet.service
  # the kubelet's stderr and stdout, each line with its arrival time (a journal's stdout transport)
  "$BIN/kubelet" "${flags[@]}" > >(stamp "$RUN/kubelet.out") 2>&1 &
  KUBELET_PID=$!
  pids+=($KUBELET_PID)
  echo "$KUBELET_PID" >"$RUN/kubelet.pid"
}

# TLS bootstrap: no kubelet.conf and no client certificate yet, a bootstrap kubeconfig carrying TOKEN
bootstrap_kubeconfig() {
  rm -f /etc/kubernetes/kubelet.conf /var/lib/kubelet/pki/kubelet-client-*
  cat >/etc/kubernetes/bootstrap-kubelet.conf <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
    server: https://$NODE_IP:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: tls-bootstrap-token-user
  name: tls-bootstrap-token-user@kubernetes
current-context: tls-bootstrap-token-user@kubernetes
users:
- name: tls-bootstrap-token-user
  user:
    token: $1
EOF
  KUBELET_FLAGS+=(--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf)
}

kubelet_saw() { grep -qE "$1" "$RUN/kubelet.out" 2>/dev/null; }
kubelet_gone() { ! kill -0 "$KUBELET_PID" 2>/dev/null; }
kubectl_admin() { kubectl --kubeconfig "$RUN/cp/admin.conf" "$@"; }

# ---------------------------------------------------------------- capture (what `scan --root` reads)
capture() {
  local c=$RUN/capture
  rm -rf "$c"
  mkdir -p "$c/proc" "$c/etc"
  # the kubelet's process (pid kept: the collectors find the kubelet by its cmdline)
  if [ -n "$KUBELET_PID" ] && [ -d "/proc/$KUBELET_PID" ]; then
    mkdir -p "$c/proc/$KUBELET_PID"
    for f in cmdline cgroup comm; do cat "/proc/$KUBELET_PID/$f" >"$c/proc/$KUBELET_PID/$f"; done
  elif [ -n "$KUBELET_PID" ]; then
    echo "$KUBELET_PID" >"$RUN/kubelet.exited"
  fi
  if [ -n "${CONTAINERD_PID:-}" ] && [ -d "/proc/$CONTAINERD_PID" ]; then
    mkdir -p "$c/proc/$CONTAINERD_PID"
    for f in cmdline cgroup comm; do cat "/proc/$CONTAINERD_PID/$f" >"$c/proc/$CONTAINERD_PID/$f"; done
  fi
  for f in mounts swaps meminfo cgroups filesystems cmdline; do cat "/proc/$f" >"$c/proc/$f"; done
  for f in sys/net/ipv4/ip_forward sys/net/bridge/bridge-nf-call-iptables sys/net/bridge/bridge-nf-call-ip6tables sys/kernel/hostname \
           sys/vm/overcommit_memory sys/kernel/panic sys/kernel/panic_on_oops sys/vm/panic_on_oom; do
    [ -f "/proc/$f" ] && { mkdir -p "$c/proc/$(dirname "$f")"; cat "/proc/$f" >"$c/proc/$f"; }
  done
  # cgroups: the hierarchy roots, the kubelet's own cgroup, and the node-allocatable cgroups (dirs only,
  # plus the limit files the kubelet writes)
  local kcg=()
  [ -f "$c/proc/$KUBELET_PID/cgroup" ] && mapfile -t kcg < <(cut -d: -f3 "$c/proc/$KUBELET_PID/cgroup" | sort -u)
  for ctl in /sys/fs/cgroup/*/; do
    ctl=${ctl%/}
    mkdir -p "$c$ctl"
    for top in kubepods kube.slice lab-kube.slice system.slice "${kcg[@]}"; do
      [ "$top" = / ] && continue
      [ -d "$ctl/${top#/}" ] || continue
      (cd /; find "${ctl#/}/${top#/}" -maxdepth 3 -type d) | while read -r d; do
        mkdir -p "$c/$d"
        for lf in memory.limit_in_bytes cpu.shares pids.max; do [ -f "/$d/$lf" ] && cat "/$d/$lf" >"$c/$d/$lf" 2>/dev/null; done
        true
      done
    done
  done
  [ -d /sys/fs/cgroup/unified ] && { mkdir -p "$c/sys/fs/cgroup/unified"; cp /sys/fs/cgroup/unified/cgroup.controllers "$c/sys/fs/cgroup/unified/" 2>/dev/null || true; }
  # files: configs, kubeconfigs, certificates (record.mjs strips private keys and tokens), CNI, runtime
  for p in etc/hostname etc/resolv.conf etc/os-release etc/kubernetes etc/containerd etc/cni var/lib/kubelet/config.yaml \
           var/lib/kubelet/pki var/lib/kubelet/kubeconfig etc/default/kubelet etc/systemd/system/kubelet.service \
           etc/systemd/system/kubelet.service.d; do
    if [ -e "/$p" ] || [ -L "/$p" ]; then
      mkdir -p "$c/$(dirname "$p")"
      cp -a "/$p" "$c/$(dirname "$p")/"
    fi
  done
  # the CNI plugin binaries containerd's bin_dir names: empty files of the same names (binaries are not committed)
  mkdir -p "$c/usr/lib/cni"
  for b in /usr/lib/cni/*; do : >"$c/usr/lib/cni/${b##*/}"; done
  # sockets cannot be committed: a captured tree marks a socket with an empty file of the same name
  for s in run/containerd/containerd.sock; do
    if [ -S "/$s" ]; then mkdir -p "$c/$(dirname "$s")"; : >"$c/$s"; fi
  done
  mkdir -p "$c/run" "$c/var/run"
  # the Node object and CSRs from the real API server
  mkdir -p "$RUN/api"
  kubectl_admin get node "$NODE" -o json >"$RUN/api/node.json" 2>"$RUN/api/node.err" || rm -f "$RUN/api/node.json"
  kubectl_admin get csr -o json >"$RUN/api/csr.json" 2>"$RUN/api/csr.err" || rm -f "$RUN/api/csr.json"
  kubectl_admin get pods -A -o wide >"$RUN/api/pods.txt" 2>&1 || true
}

# ---------------------------------------------------------------- the scenario
SETTLE=${SETTLE:-8}
TIMEOUT=${TIMEOUT:-90}
NEEDS_API=1
NEEDS_CM=1
NEEDS_CONTAINERD=1
inject() { :; }          # change the node before the kubelet starts
inject_running() { :; }  # change it after the kubelet started (e.g. stop containerd)
WAIT_FOR=''              # an extended regexp in the kubelet output; empty = wait for the static pod to run
scenario_cleanup() { :; } # undo what inject did to the machine itself (swap)
applies() { true; }      # MINOR -> does the scenario apply to this kubelet minor
# shellcheck source=/dev/null
source "$SCEN"
applies "$minor" || { log "does not apply to $version"; echo "skipped: does not apply to $version" >"$RUN/result"; exit 0; }

date -u +%Y-%m-%dT%H:%M:%SZ >"$RUN/started"
"$BIN/kubelet" --version >"$RUN/kubelet-version" 2>&1 || true
write_node_files
if [ "$NEEDS_API" = 1 ]; then start_control_plane; fi
if [ "$NEEDS_API" = 1 ] && [ "$NEEDS_CM" = 1 ]; then start_controller_manager; fi
if [ "$NEEDS_CONTAINERD" = 1 ]; then start_containerd; fi
inject
start_kubelet
inject_running
outcome=timeout
end=$(( $(date +%s) + TIMEOUT ))
while [ "$(date +%s)" -lt "$end" ]; do
  if [ -n "$WAIT_FOR" ] && kubelet_saw "$WAIT_FOR"; then outcome=seen; break; fi
  if [ -z "$WAIT_FOR" ] && kubectl_admin get pod -n kube-system "lab-pause-$NODE" -o jsonpath='{.status.phase}' 2>/dev/null | grep -q Running; then outcome=seen; break; fi
  if kubelet_gone; then outcome=exited; break; fi
  sleep 1
done
log "outcome: $outcome; settling ${SETTLE}s"
sleep "$SETTLE"
capture
if kubelet_gone; then rc=0; wait "$KUBELET_PID" 2>/dev/null || rc=$?; echo "exit status $rc" >"$RUN/kubelet.exit"; outcome=${outcome/seen/seen-exited}; fi
echo "$outcome" >"$RUN/result"
if [ "$e2e" = --e2e ]; then
  # the live scan, here, on the broken node while it is still broken: real /proc, cgroups, containerd
  # socket, and the Node object from the real API server through the kubelet's own kubeconfig
  node "$here/journal.mjs" "$RUN" >/dev/null
  (cd "$repo" && node bin/kubelet-doctor.js scan --format json --fail-on never --journal "$RUN/journal/kubelet.short-precise.log" \
     >"$RUN/e2e.json" 2>"$RUN/e2e.err") || true
fi
log "done: $(cat "$RUN/result")"
