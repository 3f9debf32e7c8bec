#!/usr/bin/env bash
# `npm run image -- --registry <registry/repository> [--tag <tag>] [--platforms <list>]
#                   [--build-image <ref>] [--runtime-image <ref>] [--debian-base] [--no-push]`
#
# Builds the controller image from controller/Dockerfile for linux/amd64 and linux/arm64 with
# buildah (daemonless; Debian package `buildah`, run as root, vfs storage so it works inside
# containers), joins both into one manifest list and pushes it to <registry/repository>:<tag>.
# The build stage runs on the build machine's own architecture (FROM --platform=$BUILDPLATFORM)
# and the runtime stage only copies the bundle, so no emulation (qemu) is needed for arm64.
#
# --tag defaults to the package version; --build-image/--runtime-image override the Dockerfile's
# base images (for a registry mirror). --debian-base assembles both bases locally from Debian
# packages and the npm registry (scripts/image/debian-base.sh) for machines that cannot pull them.
# Registry credentials come from `buildah login` beforehand.
# Exit 1 on bad arguments, 2 when a build or the push fails (buildah's message is printed).
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
}

registry="" tag="" platforms="linux/amd64,linux/arm64" push=1 debian_base=0
build_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --registry) registry="${2:-}"; shift 2 ;;
    --tag) tag="${2:-}"; shift 2 ;;
    --platforms) platforms="${2:-}"; shift 2 ;;
    --build-image) build_args+=(--build-arg "BUILD_IMAGE=${2:-}"); shift 2 ;;
    --runtime-image) build_args+=(--build-arg "RUNTIME_IMAGE=${2:-}"); shift 2 ;;
    --no-push) push=0; shift ;;
    --debian-base) debian_base=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "image: unknown option $1" >&2; usage; exit 1 ;;
  esac
done
if [[ -z "$registry" ]]; then
  echo "image: --registry is required, for example --registry 123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka-autoscaler" >&2
  exit 1
fi
if [[ "$registry" == *:* && "${registry##*/}" == *:* ]]; then
  echo "image: --registry ${registry} carries a tag; give the repository only and the tag with --tag" >&2
  exit 1
fi
if [[ -z "$tag" ]]; then
  tag="$(node -p "require('./package.json').version")"
fi
if ! command -v buildah >/dev/null 2>&1; then
  echo "image: buildah not found; install it (Debian/Ubuntu: apt-get install buildah) and run as root" >&2
  exit 1
fi

ref="${registry}:${tag}"
storage=(--storage-driver "${STORAGE_DRIVER:-vfs}")
echo "image: building ${ref} for ${platforms}" >&2
buildah "${storage[@]}" manifest rm "$ref" >/dev/null 2>&1 || true
buildah "${storage[@]}" manifest create "$ref" >/dev/null
IFS=',' read -r -a platform_list <<<"$platforms"
build_args+=(--build-arg "BUILDPLATFORM=linux/$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')")
# Behind a TLS-inspecting proxy the build stage's `npm ci` needs the same extra CA as this machine.
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "${NODE_EXTRA_CA_CERTS}" ]]; then
  build_args+=(-v "${NODE_EXTRA_CA_CERTS}:/run/extra-ca.pem:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/extra-ca.pem)
fi
if [[ "$debian_base" == 1 ]]; then
  arches=()
  for platform in "${platform_list[@]}"; do arches+=("${platform#linux/}"); done
  bash scripts/image/debian-base.sh "${arches[@]}"
  build_args+=(--build-arg "BUILD_IMAGE=localhost/kafka-autoscaler-build:node20-$(dpkg --print-architecture)")

fi
for platform in "${platform_list[@]}"; do
  echo "image: ${platform}" >&2
  # buildah 1.28 sets neither BUILDPLATFORM nor TARGETPLATFORM; docker buildx sets both itself.
  platform_args=(--build-arg "TARGETPLATFORM=${platform}")
  if [[ "$debian_base" == 1 ]]; then
    platform_args+=(--build-arg "RUNTIME_IMAGE=localhost/kafka-autoscaler-runtime:node20-${platform#linux/}")
  fi
  # Host network: the build stage's `npm ci` reaches the npm registry.
  pull=true
  [[ "$debian_base" == 1 ]] && pull=never
  if ! buildah "${storage[@]}" bud --layers=false --network host --pull="$pull" \
      --platform "$platform" --manifest "$ref" \
      "${build_args[@]}" "${platform_args[@]}" -f controller/Dockerfile . ; then
    echo "image: the ${platform} build failed (see above); nothing was pushed" >&2
    exit 2
  fi
done
if [[ "$push" == 1 ]]; then
  if ! buildah "${storage[@]}" manifest push --all "$ref" "docker://${ref}"; then
    echo "image: the push of ${ref} failed (see above); run buildah login first" >&2
    exit 2
  fi
  echo "image: pushed ${ref}; set controller.image: ${ref}" >&2
else
  echo "image: built ${ref} (not pushed)" >&2
fi
