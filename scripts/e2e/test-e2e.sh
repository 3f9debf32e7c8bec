#!/usr/bin/env bash
# `npm run test:e2e`: builds (or takes from the cache) etcd, kube-apiserver, kube-scheduler,
# kube-controller-manager and kwok, installs moto and Prometheus when missing, bundles the
# controller (`npm run build:controller`), then runs the end-to-end scenarios (jest.e2e.config.js).
# Extra arguments go to jest, for example `npm run test:e2e -- -t day` or a file path.
# Set E2E_WRITE_DOCS_SVG=1 to refresh docs/img/e2e-day.svg from the day scenario.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
if ! command -v go >/dev/null 2>&1; then
  missing+=("go >= 1.24 (from https://go.dev/dl)")
elif ! go version | grep -Eq 'go1\.(2[4-9]|[3-9][0-9])'; then
  missing+=("go >= 1.24 (found: $(go version); get one from https://go.dev/dl)")
fi
command -v openssl >/dev/null 2>&1 || missing+=("openssl (apt-get install openssl)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 with venv, for moto (apt-get install python3-venv)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "test:e2e needs tools that are not installed:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi

started=$(date +%s)
paths="$(bash scripts/e2e/build.sh)"
while IFS='=' read -r name path; do
  case "$name" in
    etcd) export ETCD_BIN="$path" ;;
    kube-apiserver) export KUBE_APISERVER_BIN="$path" ;;
    kube-scheduler) export KUBE_SCHEDULER_BIN="$path" ;;
    kube-controller-manager) export KUBE_CONTROLLER_MANAGER_BIN="$path" ;;
    kwok) export KWOK_BIN="$path" ;;
  esac
done <<<"$paths"
bash scripts/peers/install-moto.sh >/dev/null
bash scripts/peers/install-prometheus.sh >/dev/null
npm run --silent build:controller
echo "[test:e2e] binaries and controller bundle ready after $(($(date +%s) - started))s" >&2

set +e
npx jest --config jest.e2e.config.js "$@"
rc=$?
set -e
echo "[test:e2e] wall time $(($(date +%s) - started))s (exit $rc)" >&2
exit $rc
