#!/usr/bin/env bash
# What the lab needs on a Debian machine of this kind (root): the Debian packages, and the local pause image.
# Idempotent and quiet when everything is there. The lab is on demand: CI never runs this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LAB_CACHE=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelet-doctor-lab}
need=()
command -v containerd >/dev/null || need+=(containerd)
command -v runc >/dev/null || need+=(runc)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v etcd >/dev/null || need+=(etcd-server)
command -v kubectl >/dev/null || need+=(kubernetes-client)
[ -x /lib/systemd/systemd-journal-remote ] || need+=(systemd-journal-remote)
command -v openssl >/dev/null || need+=(openssl)
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
{ command -v unshare && command -v nsenter && command -v mkswap; } >/dev/null || need+=(util-linux)
command -v swapon >/dev/null || need+=(mount)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${need[*]}"
  echo "setup: the lab needs Debian packages that are missing: $cmd" >&2
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup: run as root: apt-get update && $cmd" >&2
    exit 1
  fi
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
    echo "setup: apt-get failed; install them yourself: apt-get update && $cmd" >&2
    exit 1
  fi
fi
command -v go >/dev/null || { echo "setup: the lab builds its pause image (and build.sh the kubelets) with Go: install Go (https://go.dev/dl/) and put it on PATH" >&2; exit 1; }
# the sandbox image: no registry is reachable, so the lab builds its own pause and imports it as an OCI archive
if [ ! -f "$LAB_CACHE/pause/pause.tar" ]; then
  mkdir -p "$LAB_CACHE/pause"
  (cd "$here/pause" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags=-s -o "$LAB_CACHE/pause/pause" ./pause.go)
  python3 "$here/pause-image.py" "$LAB_CACHE/pause/pause" "$LAB_CACHE/pause/pause.tar" registry.k8s.io/pause:3.10 >/dev/null
fi
