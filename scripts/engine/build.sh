#!/usr/bin/env bash
# Builds the Pulumi engine binaries of the engine test tier from source and caches them by version:
#   pulumi                  the Pulumi CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-language-nodejs  the Node.js language host, from
#                           ../shared/tools-src/pulumi-language-nodejs-v<version>.tar.gz (the Go
#                           module proxy does not serve that module)
#
# The version defaults to the @pulumi/pulumi version in package-lock.json, so the CLI, the language
# host and the SDK the program runs with always match. `go install …/pkg/v3/cmd/pulumi@vX` is
# refused because pkg/v3's go.mod has `replace` directives; instead both binaries are built inside
# one throwaway wrapper module that requires pkg/v3 and sdk/v3 at the same version and copies the
# one non-local replace of pkg/v3's go.mod.
#
# Binaries land in $CACHE/bin/<name>-<version>; GOPATH and GOCACHE live under $CACHE too (the same
# cache as scripts/cluster/build.sh), so a second run with the same version does nothing.
# Prints `name=path` lines on stdout for each binary it has (progress goes to stderr).
# When Go or the language-host tarball is absent it prints one line naming what is missing and
# exits 0 with no `name=path` lines (the engine tier then skips).
#
# Usage: scripts/engine/build.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

lock_version() {
  node -e '
    const lock = require(process.argv[1]);
    const v = lock.packages && lock.packages["node_modules/@pulumi/pulumi"];
    if (!v) { process.exit(1); }
    process.stdout.write(v.version);
  ' "$ROOT/package-lock.json"
}

PULUMI_VERSION="${PULUMI_VERSION:-v$(lock_version)}"
TOOLS_SRC="${TOOLS_SRC:-$ROOT/../shared/tools-src}"
LANGHOST_TARBALL="$TOOLS_SRC/pulumi-language-nodejs-$PULUMI_VERSION.tar.gz"

CACHE="${KAFKA_EKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling}"
BIN="$CACHE/bin"


log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# GOPATH/GOCACHE under $CACHE and go_build (shared by the three build scripts).
# shellcheck source=../lib/go-build.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/go-build.sh"

CLI_OUT="$BIN/pulumi-$PULUMI_VERSION"
HOST_OUT="$BIN/pulumi-language-nodejs-$PULUMI_VERSION"
if [ -x "$CLI_OUT" ] && [ -x "$HOST_OUT" ]; then
  echo "pulumi=$CLI_OUT"
  echo "pulumi-language-nodejs=$HOST_OUT"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "engine tier skipped: go is not installed (install Go >= 1.25 from https://go.dev/dl)" >&2
  exit 0
fi
if [ ! -f "$LANGHOST_TARBALL" ]; then
  echo "engine tier skipped: $LANGHOST_TARBALL is missing" >&2
  exit 0
fi
mkdir -p "$BIN"

WORK_DIR=""
cleanup() {
  if [ -n "$WORK_DIR" ]; then chmod -R u+w "$WORK_DIR" 2>/dev/null; rm -rf "$WORK_DIR"; fi
  return 0
}
trap cleanup EXIT


# The wrapper module lives outside the repository, so the project's tree never sees a go.mod.
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kafka-eks-build.XXXXXX")"
log "pulumi $PULUMI_VERSION: resolving modules in $WORK_DIR"
cd "$WORK_DIR"
go mod init kafka-eks-build/pulumi >/dev/null 2>&1
go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" \
  -require="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
go mod download -json "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" >/dev/null
PKG_MOD="$GOMODCACHE/cache/download/github.com/pulumi/pulumi/pkg/v3/@v/$PULUMI_VERSION.mod"
# Copy every replace of pkg/v3's go.mod whose target is a module (not a ./ or ../ path): the
# local ones point into the pulumi repository and are served by the `require`s above instead.
replaces=$(sed -n -e 's#^replace[[:space:]]\{1,\}\(.*\)$#\1#p' \
  -e '/^replace[[:space:]]*(/,/^)/{/^replace\|^)/d;p}' "$PKG_MOD" |
  sed 's#//.*##; s#^[[:space:]]*##; s#[[:space:]]*$##' | grep '=>' |
  grep -v '=>[[:space:]]*\.\{1,2\}/' || true)
n=0
while IFS= read -r r; do
  [ -n "$r" ] || continue
  # "old [v] => new v" -> go mod edit -replace=old[@v]=new@v
  lhs="${r%%=>*}"; rhs="${r#*=>}"
  read -r old oldv <<<"$lhs"; read -r new newv <<<"$rhs"
  go mod edit -replace="$old${oldv:+@$oldv}=$new${newv:+@$newv}"
  log "pulumi: copied replace $old${oldv:+@$oldv} => $new${newv:+@$newv}"
  n=$((n + 1))
done <<<"$replaces"
[ "$n" -ge 1 ] || { log "no non-local replace found in $PKG_MOD"; exit 1; }

# The language host: the five source files of that tag, as a main package of the wrapper module.
mkdir -p langhost
tar -xzf "$LANGHOST_TARBALL" -C langhost --strip-components=5 --wildcards '*.go'
rm -f langhost/*_test.go
log "pulumi: downloading dependencies"
go mod download
ldver="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
if [ ! -x "$CLI_OUT" ]; then
  go_build pulumi "$CLI_OUT" -ldflags "-s -w $ldver" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
fi
if [ ! -x "$HOST_OUT" ]; then
  go_build pulumi-language-nodejs "$HOST_OUT" -ldflags "-s -w $ldver" ./langhost
fi
echo "pulumi=$CLI_OUT"
echo "pulumi-language-nodejs=$HOST_OUT"
