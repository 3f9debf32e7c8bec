#!/usr/bin/env bash
# Installs buildah and runc (Debian packages) for `npm run image`. Needs root (or sudo).
# Idempotent. Prints the path of `buildah`.
set -euo pipefail
if ! command -v buildah >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  sudo_cmd=""
  if [[ "$(id -u)" != "0" ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends buildah runc
fi
command -v buildah
