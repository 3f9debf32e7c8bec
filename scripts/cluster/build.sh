#!/usr/bin/env bash
# Builds the binaries of the cluster test tier and caches them by version:
#   kube-apiserver  k8s.io/kubernetes/cmd/kube-apiserver (Go module proxy; staging modules pinned
#                   by `replace`)
#   etcd            go.etcd.io/etcd/server/v3 (Go module proxy; the etcd server's main package)
#   kube-score      github.com/zegl/kube-score/cmd/kube-score (Go module proxy)
#   kube-linter     from its release source tarball, $TOOLS_SRC/kube-linter-<version>.tar.gz
#   polaris         from its release source tarball, $TOOLS_SRC/polaris-<version>.tar.gz
#
# The Go module proxy refuses golang.stackrox.io/kube-linter and github.com/fairwindsops/polaris
# by module path (403), so those two build from the release sources in $TOOLS_SRC (default
# ../shared/tools-src beside the checkout; read-only, unpacked into a temporary directory); their
# dependencies still come from the proxy. When a tarball is absent the target prints one line on
# stderr and no `name=path`, and the test that needs it skips.
#
# Binaries land in $CACHE/bin/<name>-<version>; GOPATH and GOCACHE live under $CACHE too, so a
# rebuild after a version bump is warm and a second run with the same versions does nothing.
# Prints `name=path` lines on stdout for each binary it has (progress goes to stderr).
#
# Usage: scripts/cluster/build.sh [kube-apiserver|etcd|kube-score|kube-linter|polaris ...]
#        (default: all)
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KUBE_LINTER_VERSION="${KUBE_LINTER_VERSION:-v0.8.3}"
POLARIS_VERSION="${POLARIS_VERSION:-v10.2.2}"
KUBE_SCORE_VERSION="${KUBE_SCORE_VERSION:-v1.20.0}"

TOOLS_SRC="${TOOLS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/tools-src}"
CACHE="${KAFKA_EKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling}"
BIN="$CACHE/bin"
mkdir -p "$BIN"


log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

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

# Makes a throwaway module directory outside the repository (so the project's tree never sees a
# go.mod) in $MODULE_DIR; cleanup removes it on exit. Not for $(...): it must run in this shell.
MODULE_DIR=""
new_module() {
  MODULE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kafka-eks-build.XXXXXX")"
  WORK_DIRS+=("$MODULE_DIR")
}


build_kube_apiserver() {
  local out="$BIN/kube-apiserver-$KUBE_VERSION"
  if [ -x "$out" ]; then echo "kube-apiserver=$out"; return 0; fi
  local d staging minor
  new_module
  d="$MODULE_DIR"
  staging="v0.${KUBE_VERSION#v1.}"
  minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  log "kube-apiserver $KUBE_VERSION: resolving modules (staging modules at $staging) in $d"
  (
    cd "$d"
    go mod init kafka-eks-build/kube-apiserver >/dev/null 2>&1
    go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
    # k8s.io/kubernetes requires its staging modules as v0.0.0 and replaces them with ./staging;
    # a dependent module has to pin every one of them to the published v0.x tag instead.
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local modfile="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
    local mods
    mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$modfile")
    [ -n "$mods" ] || { log "no staging replace directives found in $modfile"; exit 1; }
    local m
    for m in $mods; do go mod edit -replace="$m=$m@$staging"; done
    log "kube-apiserver: $(echo "$mods" | wc -l) staging modules pinned; downloading dependencies"
    go mod download
    go_build kube-apiserver "$out" \
      -ldflags "-s -w \
        -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION \
        -X k8s.io/component-base/version.gitMajor=1 \
        -X k8s.io/component-base/version.gitMinor=$minor \
        -X k8s.io/component-base/version.gitTreeState=clean \
        -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION \
        -X k8s.io/client-go/pkg/version.gitMajor=1 \
        -X k8s.io/client-go/pkg/version.gitMinor=$minor" \
      k8s.io/kubernetes/cmd/kube-apiserver
  )
  echo "kube-apiserver=$out"
}

build_etcd() {
  local out="$BIN/etcd-$ETCD_VERSION"
  if [ -x "$out" ]; then echo "etcd=$out"; return 0; fi
  local d
  new_module
  d="$MODULE_DIR"
  log "etcd $ETCD_VERSION: resolving modules in $d"
  (
    cd "$d"
    go mod init kafka-eks-build/etcd >/dev/null 2>&1
    go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    go mod download
    go_build etcd "$out" -ldflags "-s -w" go.etcd.io/etcd/server/v3
  )
  echo "etcd=$out"
}

# Builds `name` at `version` from $TOOLS_SRC/<name>-<version>.tar.gz (top directory
# <name>-<version>/, a Go module): unpacks it into a temporary directory, downloads the module's
# dependencies from the proxy and builds package `pkg` of it with `ldflags`. Absent tarball: one
# line on stderr, nothing on stdout, exit 0.
build_from_tarball() {
  local name="$1" version="$2" pkg="$3" ldflags="$4"
  local out="$BIN/$name-$version"
  if [ -x "$out" ]; then echo "$name=$out"; return 0; fi
  local tarball="$TOOLS_SRC/$name-$version.tar.gz"
  if [ ! -f "$tarball" ]; then
    log "$name $version: skipped, no source tarball at $tarball (the Go module proxy does not serve it)"
    return 0
  fi
  local d
  new_module
  d="$MODULE_DIR"
  log "$name $version: unpacking $tarball in $d"
  tar -xzf "$tarball" -C "$d"
  [ -f "$d/$name-$version/go.mod" ] || { log "$name: $tarball has no $name-$version/go.mod"; return 1; }
  (
    cd "$d/$name-$version"
    log "$name: downloading dependencies"
    go mod download
    go_build "$name" "$out" -ldflags "$ldflags" "$pkg"
  )
  echo "$name=$out"
}

build_kube_linter() {
  build_from_tarball kube-linter "$KUBE_LINTER_VERSION" ./cmd/kube-linter \
    "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=${KUBE_LINTER_VERSION#v}"
}

build_polaris() {
  build_from_tarball polaris "$POLARIS_VERSION" . "-s -w -X main.Version=${POLARIS_VERSION#v}"
}

build_kube_score() {
  local out="$BIN/kube-score-$KUBE_SCORE_VERSION"
  if [ -x "$out" ]; then echo "kube-score=$out"; return 0; fi
  local d
  new_module
  d="$MODULE_DIR"
  log "kube-score $KUBE_SCORE_VERSION: resolving modules in $d"
  (
    cd "$d"
    go mod init kafka-eks-build/kube-score >/dev/null 2>&1
    go mod edit -require="github.com/zegl/kube-score@$KUBE_SCORE_VERSION"
    go mod download
    go_build kube-score "$out" -ldflags "-s -w -X main.version=$KUBE_SCORE_VERSION" \
      github.com/zegl/kube-score/cmd/kube-score
  )
  echo "kube-score=$out"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(etcd kube-apiserver kube-score kube-linter polaris)
for t in "${targets[@]}"; do
  case "$t" in
    kube-apiserver) build_kube_apiserver ;;
    etcd) build_etcd ;;
    kube-linter) build_kube_linter ;;
    kube-score) build_kube_score ;;
    polaris) build_polaris ;;
    *) log "unknown target $t"; exit 2 ;;
  esac
done
