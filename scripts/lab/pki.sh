#!/usr/bin/env bash
# The lab cluster's PKI, made with real openssl the way kubeadm lays it out. LAB KEYS ONLY: they live in
# the lab cache (never in the repository) and the recordings strip every private key.
#
#   scripts/lab/pki.sh DIR NODE_NAME NODE_IP
#
# Idempotent: an existing DIR/ca.crt keeps the whole PKI (delete DIR to start over).
set -euo pipefail
dir=${1:?usage: pki.sh DIR NODE_NAME NODE_IP}
node=${2:?}
ip=${3:?}
[ -f "$dir/token-secret" ] && exit 0
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

# mkca NAME CN: a self-signed CA through `openssl ca -selfsign`, so leaf certificates can get any dates
mkca() {
  local n=$1
  mkdir -p "$n.db/certs"
  : >"$n.db/index.txt"
  echo 1000 >"$n.db/serial"
  cat >"$n.cnf" <<EOF
[ ca ]
default_ca = this
[ this ]
database = $dir/$n.db/index.txt
serial = $dir/$n.db/serial
new_certs_dir = $dir/$n.db/certs
certificate = $dir/$n.crt
private_key = $dir/$n.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
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
subjectAltName = \${ENV::SAN}
EOF
  openssl genrsa -out "$n.key" 2048 2>/dev/null
  openssl req -new -key "$n.key" -subj "/CN=$2" -out "$n.csr"
  SAN=DNS:unused openssl ca -batch -config "$n.cnf" -selfsign -keyfile "$n.key" -in "$n.csr" -out "$n.crt" \
    -extensions v3_ca -days 3650 -notext 2>/dev/null
}

# issue CA NAME SUBJECT EXT [START END] [SAN]
issue() {
  local ca=$1 n=$2 subj=$3 ext=$4 start=${5:-} end=${6:-} san=${7:-DNS:unused}
  openssl genrsa -out "$n.key" 2048 2>/dev/null
  openssl req -new -key "$n.key" -subj "$subj" -out "$n.csr"
  local dates=(-days 365)
  [ -n "$start" ] && dates=(-startdate "$start" -enddate "$end")
  SAN=$san openssl ca -batch -config "$ca.cnf" -extensions "$ext" -in "$n.csr" -out "$n.crt" "${dates[@]}" -notext 2>/dev/null
}

mkca ca kubernetes
mkca other-ca kubernetes     # the same name, another key: a cluster rebuilt with a new CA
issue ca apiserver /CN=kube-apiserver server "" "" \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:10.96.0.1,IP:$ip"
issue ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" client
issue ca admin "/O=system:masters/CN=kubernetes-admin" client
issue ca controller-manager /CN=system:kube-controller-manager client
issue ca node "/O=system:nodes/CN=system:node:$node" client
issue ca node-other "/O=system:nodes/CN=system:node:lab-other-node" client
issue ca node-expired "/O=system:nodes/CN=system:node:$node" client 20240101000000Z 20250101000000Z
issue other-ca node-foreign "/O=system:nodes/CN=system:node:$node" client
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
# a bootstrap token: [a-z0-9]{6}.[a-z0-9]{16}, random per lab (never recorded)
openssl rand -hex 3 >token-id
openssl rand -hex 8 >token-secret
chmod 600 ./*.key token-secret
echo "pki: $dir"
