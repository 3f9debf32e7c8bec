#!/usr/bin/env bash
# `npm run test:engine`: builds (or takes from the cache) the Pulumi CLI and the Node.js language
# host at the @pulumi/pulumi version of package-lock.json, then runs the engine tier
# (jest.engine.config.js): `pulumi stack init`, `config set` and `preview --non-interactive` on a
# file backend in a temporary folder, for the dev and prod examples in both autoscaling modes, and
# the upgrade of a stack of the earlier program to KafkaEksPlatform (test/engine/aliases.test.ts:
# `up` of the old resource tree, then `preview` and `up` of the new one, replayed with the SDK's
# dynamic provider standing in for the missing AWS, EKS and Kubernetes plugins), every `pulumi`
# command of the docs (test/engine/documented-commands.test.ts), and the provider plugins the engine
# finds for the project, online and with no network (test/engine/plugins.test.ts).
# When Go or the language-host source tarball is absent it prints one line naming what is missing
# and exits 0. Extra arguments go to jest, for example `npm run test:engine -- -t prod`.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
paths="$(bash scripts/engine/build.sh)"
unset PULUMI_BIN PULUMI_LANGUAGE_NODEJS_BIN
while IFS='=' read -r name path; do
  case "$name" in
    pulumi) export PULUMI_BIN="$path" ;;
    pulumi-language-nodejs) export PULUMI_LANGUAGE_NODEJS_BIN="$path" ;;
  esac
done <<<"$paths"
if [ -z "${PULUMI_BIN:-}" ] || [ -z "${PULUMI_LANGUAGE_NODEJS_BIN:-}" ]; then
  # build.sh has printed the one line naming what is missing.
  exit 0
fi
echo "[test:engine] binaries ready after $(($(date +%s) - started))s" >&2

set +e
npx jest --config jest.engine.config.js "$@"
rc=$?
set -e
echo "[test:engine] wall time $(($(date +%s) - started))s (exit $rc)" >&2
exit $rc
