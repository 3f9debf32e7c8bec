#!/usr/bin/env bash
# Installs a real Prometheus (Debian package `prometheus`) for the Prometheus adapter's integration
# tests. Needs root (or sudo). Idempotent. Prints the path of the `prometheus` binary.
set -euo pipefail
if ! command -v prometheus >/dev/null 2>&1; then
  sudo_cmd=""
  if [[ "$(id -u)" != "0" ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus
  # The package starts a system service on :9090; the tests run their own instance.
  $sudo_cmd systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
command -v prometheus
