#!/usr/bin/env bash
# Put the kubelet sources of each release into the Go module cache: k8s.io/kubernetes at the given
# version (staging/ with cri-api and cri-client is inside its zip; vendor/ is not) and the
# github.com/google/cadvisor version that release pins (go.mod from v1.15, Godeps/Godeps.json before).
# Usage: scripts/catalogue/fetch-sources.sh 1.10.13 1.11.10 ...   (prints "version cadvisor-dir" lines)
set -euo pipefail
MODCACHE=$(go env GOMODCACHE)
for v in "$@"; do
  work=$(mktemp -d)
  (cd "$work" && GOFLAGS=-mod=mod nice -n 19 go mod download -json "k8s.io/kubernetes@v$v" >/dev/null)
  k8s="$MODCACHE/k8s.io/kubernetes@v$v"
  if [ -f "$k8s/go.mod" ] && grep -q 'github.com/google/cadvisor' "$k8s/go.mod"; then
    pin=$(awk '$1=="github.com/google/cadvisor" && $2 ~ /^v/ {print $1"@"$2; exit} $1=="github.com/google/cadvisor/lib" && $2 ~ /^v/ {print $1"@"$2; exit}' "$k8s/go.mod")
  else
    # Godeps pins a commit; the proxy serves tags, so take the tag `git describe` named it after
    # (its Comment field, e.g. v0.29.2; a "-N-gHASH" tail is dropped: the nearest tag before the pin)
    tag=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['Deps']; print(next(x.get('Comment','') for x in d if x['ImportPath'].startswith('github.com/google/cadvisor/')).split('-')[0])" "$k8s/Godeps/Godeps.json")
    pin="github.com/google/cadvisor@$tag"
  fi
  dir=""
  while [ -z "$dir" ]; do
    dir=$(cd "$work" && GOFLAGS=-mod=mod nice -n 19 go mod download -json "$pin" | python3 -c "import json,sys; print(json.load(sys.stdin).get('Dir',''))" || true)
    # a tag the proxy does not serve: take the patch release before it (recorded in the output)
    if [ -z "$dir" ]; then
      patch=${pin##*.}; [ "$patch" -gt 0 ] 2>/dev/null || { echo "$v no cadvisor for $pin" >&2; break; }
      pin="${pin%.*}.$((patch - 1))"
    fi
  done
  # staging modules are nested modules, so the k8s.io/kubernetes zip leaves them out (from v1.15, when
  # go.mod arrived): fetch the ones the walk reads at the matching v0.X.Y tag, where one was published
  staging=""
  if [ -f "$k8s/go.mod" ]; then
    for m in client-go component-base cri-api cri-client kubelet; do
      grep -q "k8s.io/$m => ./staging" "$k8s/go.mod" || continue
      # the same patch, or (not served) one of the few patches before it, as for cAdvisor
      sv="0.${v#1.}"; sd=""
      for _ in 1 2 3 4 5 6; do
        sd=$(cd "$work" && GOFLAGS=-mod=mod nice -n 19 go mod download -json "k8s.io/$m@v$sv" | python3 -c "import json,sys; print(json.load(sys.stdin).get('Dir',''))" || true)
        [ -n "$sd" ] && break
        p=${sv##*.}; [ "$p" -gt 0 ] || break; sv="${sv%.*}.$((p - 1))"
      done
      if [ -n "$sd" ]; then staging="$staging k8s.io/$m=${sd#$MODCACHE/}"; else echo "$v: no k8s.io/$m@v0.${v#1.} (nor the 5 patches before)" >&2; fi
    done
  fi
  # spf13/pflag: the command-line parser whose errors are the kubelet's first words on a bad flag
  if [ -f "$k8s/go.mod" ] && grep -q 'github.com/spf13/pflag v' "$k8s/go.mod"; then
    ppin=$(awk '$1=="github.com/spf13/pflag" && $2 ~ /^v/ {print $2; exit}' "$k8s/go.mod")
  else
    ppin=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['Deps']; print(next((x.get('Comment','') for x in d if x['ImportPath']=='github.com/spf13/pflag'),'').split('-')[0])" "$k8s/Godeps/Godeps.json")
  fi
  pdir=""
  [ -n "$ppin" ] && pdir=$(cd "$work" && GOFLAGS=-mod=mod nice -n 19 go mod download -json "github.com/spf13/pflag@$ppin" | python3 -c "import json,sys; print(json.load(sys.stdin).get('Dir',''))" || true)
  [ -n "$pdir" ] && staging="$staging github.com/spf13/pflag=${pdir#$MODCACHE/}"
  echo "$v ${dir#$MODCACHE/}$staging"
  rm -rf "$work"
done
