#!/usr/bin/env bash
# Builds the binaries of the end-to-end tier from the Go module proxy and caches them by version.
#   etcd, kube-apiserver     through scripts/cluster/build.sh (shared with the cluster tier)
#   kube-scheduler           k8s.io/kubernetes/cmd/kube-scheduler
#   kube-controller-manager  k8s.io/kubernetes/cmd/kube-controller-manager
#                            (both from one throwaway module, the staging modules pinned to
#                            v0.<minor>.<patch> by `replace` exactly like kube-apiserver, so the
#                            two share one compilation of the common packages)
#   kwok                     sigs.k8s.io/kwok/cmd/kwok
#
# Binaries land in $CACHE/bin/<name>-<version>; GOPATH and GOCACHE live under $CACHE too, so a
# second run with the same versions does nothing. Prints `name=path` lines on stdout for each
# binary (progress goes to stderr). Exits non-zero when a build fails.
#
# Usage: scripts/e2e/build.sh [etcd|kube-apiserver|kube-scheduler|kube-controller-manager|kwok ...]
#        (default: all)
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${KAFKA_EKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling}"
BIN="$CACHE/bin"
mkdir -p "$BIN"


log() { printf '[e2e-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# GOPATH/GOCACHE under $CACHE and go_build (shared by the three build scripts).
# shellcheck source=../lib/go-build.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/go-build.sh"

if ! command -v go >/dev/null 2>&1; then
  log "go is not installed: install Go >= 1.24 from https://go.dev/dl"
  exit 2
fi

WORK_DIRS=()
cleanup() {
  local d
  for d in "${WORK_DIRS[@]:-}"; do
    [ -n "$d" ] && chmod -R u+w "$d" 2>/dev/null && rm -rf "$d"
  done
  return 0
}
trap cleanup EXIT

MODULE_DIR=""
new_module() {
  MODULE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kafka-eks-e2e-build.XXXXXX")"
  WORK_DIRS+=("$MODULE_DIR")
}


# kube-scheduler and kube-controller-manager from one module: the second build reuses the first
# one's compiled packages through GOCACHE.
build_kube_components() {
  local want=("$@") missing=() c
  for c in "${want[@]}"; do
    if [ -x "$BIN/$c-$KUBE_VERSION" ]; then echo "$c=$BIN/$c-$KUBE_VERSION"; else missing+=("$c"); fi
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local d staging minor
  new_module
  d="$MODULE_DIR"
  staging="v0.${KUBE_VERSION#v1.}"
  minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  log "${missing[*]} $KUBE_VERSION: resolving modules (staging modules at $staging) in $d"
  (
    cd "$d"
    go mod init kafka-eks-build/kube-e2e >/dev/null 2>&1
    go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local modfile="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
    local mods m
    mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$modfile")
    [ -n "$mods" ] || { log "no staging replace directives found in $modfile"; exit 1; }
    for m in $mods; do go mod edit -replace="$m=$m@$staging"; done
    log "$(echo "$mods" | wc -l) staging modules pinned; downloading dependencies"
    go mod download
    for c in "${missing[@]}"; do
      go_build "$c" "$BIN/$c-$KUBE_VERSION" \
        -ldflags "-s -w \
          -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION \
          -X k8s.io/component-base/version.gitMajor=1 \
          -X k8s.io/component-base/version.gitMinor=$minor \
          -X k8s.io/component-base/version.gitTreeState=clean \
          -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION \
          -X k8s.io/client-go/pkg/version.gitMajor=1 \
          -X k8s.io/client-go/pkg/version.gitMinor=$minor" \
        "k8s.io/kubernetes/cmd/$c"
    done
  )
  for c in "${missing[@]}"; do echo "$c=$BIN/$c-$KUBE_VERSION"; done
}

build_kwok() {
  local out="$BIN/kwok-$KWOK_VERSION"
  if [ -x "$out" ]; then echo "kwok=$out"; return 0; fi
  local d
  new_module
  d="$MODULE_DIR"
  log "kwok $KWOK_VERSION: resolving modules in $d"
  (
    cd "$d"
    go mod init kafka-eks-build/kwok >/dev/null 2>&1
    go mod edit -require="sigs.k8s.io/kwok@$KWOK_VERSION"
    go mod download
    go_build kwok "$out" -ldflags "-s -w" sigs.k8s.io/kwok/cmd/kwok
  )
  echo "kwok=$out"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(etcd kube-apiserver kube-scheduler kube-controller-manager kwok)
kube=()
for t in "${targets[@]}"; do
  case "$t" in
    etcd | kube-apiserver) bash "$HERE/../cluster/build.sh" "$t" ;;
    kube-scheduler | kube-controller-manager) kube+=("$t") ;;
    kwok) ;;
    *) log "unknown target $t"; exit 2 ;;
  esac
done
[ ${#kube[@]} -eq 0 ] || build_kube_components "${kube[@]}"
for t in "${targets[@]}"; do [ "$t" != kwok ] || build_kwok; done
