#!/usr/bin/env bash
# Installs Checkov (PyPI `checkov`, pinned) into a cached virtual environment for the cluster
# tier's scanner test (test/cluster/lint.test.ts). Idempotent: a second run with the same version
# does nothing. Prints `checkov=<path of the checkov binary>` on stdout; progress goes to stderr.
#
# The venv lives in $CACHE/venv-checkov-<version>. A venv's scripts carry its absolute path, so it
# is built in place; the file `.complete` marks a finished install, and a venv without it (an
# interrupted run) is removed and built again.
# Needs python3 >= 3.9 with the venv module and a reachable PyPI (or pip's configured index).
#
# Usage: scripts/peers/install-checkov.sh        (CHECKOV_VERSION overrides the pin)
set -euo pipefail

CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
CACHE="${KAFKA_EKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-eks-autoscaling}"
venv="$CACHE/venv-checkov-$CHECKOV_VERSION"

if [[ ! -f "$venv/.complete" || ! -x "$venv/bin/checkov" ]]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-checkov: python3 is not installed (apt-get install python3 python3-venv)" >&2
    exit 2
  fi
  mkdir -p "$CACHE"
  rm -rf "$venv"
  started=$(date +%s)
  echo "[checkov] installing checkov==$CHECKOV_VERSION into $venv (a minute or two)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
  "$venv/bin/checkov" --version >/dev/null
  date -u +%FT%TZ >"$venv/.complete"
  echo "[checkov] installed in $(($(date +%s) - started))s" >&2
fi
echo "checkov=$venv/bin/checkov"
