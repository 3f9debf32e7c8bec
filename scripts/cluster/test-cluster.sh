#!/usr/bin/env bash
# `npm run test:cluster`: builds (or takes from the cache) kube-apiserver, etcd, kube-score,
# kube-linter and Polaris (scripts/cluster/build.sh), kube-scheduler, kube-controller-manager and kwok
# (scripts/e2e/build.sh, for the placement tests) and installs Checkov
# (scripts/peers/install-checkov.sh), then runs the cluster tier (jest.cluster.config.js) against a
# control plane on 127.0.0.1 and the manifest scanners over the synth output.
# Extra arguments go to jest, for example `npm run test:cluster -- -t dry-run`.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
if ! command -v go >/dev/null 2>&1; then
  missing+=("go >= 1.24 (from https://go.dev/dl; Debian bookworm's golang-go 1.19 is too old)")
elif ! go version | grep -Eq 'go1\.(2[4-9]|[3-9][0-9])'; then
  missing+=("go >= 1.24 (found: $(go version); get one from https://go.dev/dl)")
fi
command -v openssl >/dev/null 2>&1 || missing+=("openssl (apt-get install openssl)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "test:cluster needs tools that are not installed:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "Install them and run again; the first run builds kube-apiserver and etcd (several minutes)." >&2
  exit 1
fi

started=$(date +%s)
# Checkov installs from PyPI (mostly download time) while the Go builds use the CPUs.
checkov_out="$(mktemp)"
bash scripts/peers/install-checkov.sh >"$checkov_out" &
checkov_pid=$!
paths="$(bash scripts/cluster/build.sh)"
while IFS='=' read -r name path; do
  case "$name" in
    kube-apiserver) export KUBE_APISERVER_BIN="$path" ;;
    etcd) export ETCD_BIN="$path" ;;
    kube-linter) export KUBE_LINTER_BIN="$path" ;;
    kube-score) export KUBE_SCORE_BIN="$path" ;;
    polaris) export POLARIS_BIN="$path" ;;
  esac
done <<<"$paths"
# kube-scheduler, kube-controller-manager and kwok for the placement tests (test/cluster/placement.ts):
# built here, cached by version, so a cold run builds them before jest rather than inside a test hook.
e2e_paths="$(bash scripts/e2e/build.sh)"
while IFS='=' read -r name path; do
  case "$name" in
    kube-scheduler) export KUBE_SCHEDULER_BIN="$path" ;;
    kube-controller-manager) export KUBE_CONTROLLER_MANAGER_BIN="$path" ;;
    kwok) export KWOK_BIN="$path" ;;
  esac
done <<<"$e2e_paths"
# Checkov: a cached virtual environment from PyPI. Without python3 (exit 2) the Checkov test skips.
set +e
wait "$checkov_pid"
checkov_rc=$?
set -e
checkov_line="$(cat "$checkov_out")"
rm -f "$checkov_out"
if [ "$checkov_rc" -eq 0 ]; then
  export CHECKOV_BIN="${checkov_line#checkov=}"
elif [ "$checkov_rc" -ne 2 ]; then
  echo "[test:cluster] installing Checkov failed (exit $checkov_rc)" >&2
  exit "$checkov_rc"
fi
echo "[test:cluster] binaries ready after $(($(date +%s) - started))s" >&2

set +e
npx jest --config jest.cluster.config.js "$@"
rc=$?
set -e
echo "[test:cluster] wall time $(($(date +%s) - started))s (exit $rc)" >&2
exit $rc
