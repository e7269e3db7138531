#!/usr/bin/env bash
# Test PKI for one node-tree fixture (TEST KEYS ONLY): a cluster CA, the kubelet's client certificate
# (CN=system:node:$HOST, O=system:nodes) and its self-signed serving pair, the kubeadm kubelet.conf
# that points at them. Issued with `openssl ca` and fixed dates so the fixture does not depend on today.
# Usage: pki.sh FIXTURE_ROOT HOST [SERVING_START SERVING_END]
# With SERVING_START/SERVING_END (openssl dates, e.g. 20230301000000Z) the serving pair is issued by the cluster CA
# for those dates instead, as a hand-made serving certificate that the API server verifies (tlsCertFile):
# /var/lib/kubelet/pki/kubelet-serving.crt and .key.
set -euo pipefail
root=$1 host=$2 serving_start=${3:-} serving_end=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/kubelet-doctor-pki-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
START=20150101000000Z END=20351231000000Z
cnf() { # NAME
  mkdir -p "$1.db"; : >"$1.db/index.txt"; echo 1000 >"$1.db/serial"
  cat >"$1.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
database = $work/$1.db/index.txt
serial = $work/$1.db/serial
new_certs_dir = $work/$1.db
certificate = $work/$1.crt
private_key = $work/$1.key
default_md = sha256
policy = anything
unique_subject = no
preserve = yes
[ anything ]
organizationName = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:$host
CNF
}
mkca() { # NAME SUBJECT
  cnf "$1"
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl ca -batch -config "$1.cnf" -selfsign -keyfile "$1.key" -in "$1.csr" -out "$1.crt" -extensions v3_ca -startdate $START -enddate $END -notext 2>/dev/null
}
issue() { # CA NAME SUBJECT EXT [START END]
  openssl ecparam -name prime256v1 -genkey -noout -out "$2.key"
  openssl req -new -key "$2.key" -subj "$3" -out "$2.csr"
  openssl ca -batch -config "$1.cnf" -in "$2.csr" -out "$2.crt" -extensions "$4" -startdate "${5:-$START}" -enddate "${6:-$END}" -notext 2>/dev/null
}
mkca ca "/CN=kubernetes"
issue ca client "/O=system:nodes/CN=system:node:$host" client
mkca serving-ca "/CN=$host-ca@1420070400"
issue serving-ca serving "/CN=$host@1420070400" server
mkdir -p "$root/etc/kubernetes/pki" "$root/var/lib/kubelet/pki"
cp ca.crt "$root/etc/kubernetes/pki/ca.crt"
cat client.crt client.key >"$root/var/lib/kubelet/pki/kubelet-client-2015-01-01-00-00-00.pem"
ln -sf /var/lib/kubelet/pki/kubelet-client-2015-01-01-00-00-00.pem "$root/var/lib/kubelet/pki/kubelet-client-current.pem"
if [ -n "$serving_start" ]; then
  issue ca ca-serving "/O=system:nodes/CN=system:node:$host" server "$serving_start" "$serving_end"
  cp ca-serving.crt "$root/var/lib/kubelet/pki/kubelet-serving.crt"
  cp ca-serving.key "$root/var/lib/kubelet/pki/kubelet-serving.key"
else
  cat serving.crt serving-ca.crt >"$root/var/lib/kubelet/pki/kubelet.crt"
  cp serving.key "$root/var/lib/kubelet/pki/kubelet.key"
fi
cat >"$root/etc/kubernetes/kubelet.conf" <<KC
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 ca.crt)
    server: https://10.0.0.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:$host
  name: system:node:$host@kubernetes
current-context: system:node:$host@kubernetes
kind: Config
preferences: {}
users:
- name: system:node:$host
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
KC
