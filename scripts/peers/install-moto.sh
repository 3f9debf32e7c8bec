#!/usr/bin/env bash
# Installs moto's standalone server (PyPI `moto[server]`) into a cached venv for the Auto Scaling
# adapter's integration tests. Idempotent. Prints the path of the `moto_server` binary.
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling"
venv="$cache/moto-venv"
if [[ ! -x "$venv/bin/moto_server" ]]; then
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet 'moto[server]>=5,<6'
fi
echo "$venv/bin/moto_server"
