#!/usr/bin/env bash
# Examples tier (`npm run test:examples`): builds lib/ (the `prepack` step), packs the library as
# npm would publish it, installs the tarball into a temporary copy of each example
# project under examples/, and runs that project's own tests. This is what a user's repository does.
#   SKIP_BUILD=1        pack the lib/ already built (faster when iterating; CI always builds)
#   UPDATE_SNAPSHOTS=1  run the examples' tests with -u and copy the new snapshots back into
#                       examples/ (after a change to the charts; review the diff before committing)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kafka-eks-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "== npm run build:lib (what npm pack's prepack runs)"
  (cd "$root" && npm run --silent build:lib)
fi
echo "== npm pack"
(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/kafka-eks-autoscaling-*.tgz)"
echo "   $(basename "$tarball"), $(tar -tzf "$tarball" | wc -l) files"

for example in "$root"/examples/*/; do
  name="$(basename "$example")"
  echo "== example $name"
  copy="$work/$name"
  mkdir -p "$copy"
  (cd "$example" && tar --exclude=node_modules --exclude=dist -cf - .) | (cd "$copy" && tar -xf -)
  # The example depends on the repository by path (file:../..); point it at the tarball instead.
  node -e '
    const fs = require("fs");
    const [file, tarball] = process.argv.slice(1);
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    manifest.dependencies["kafka-eks-autoscaling"] = `file:${tarball}`;
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
  ' "$copy/package.json" "$tarball"
  (cd "$copy" && npm install --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
  # Exactly one installed copy of each runtime the user's code shares with the library: two
  # copies of cdk8s/constructs or of @pulumi/pulumi would each keep their own state.
  for shared in cdk8s constructs @pulumi/pulumi; do
    copies="$(cd "$copy" && npm ls --all --parseable "$shared" 2>/dev/null | sort -u | grep -c node_modules || true)"
    if [[ "$copies" -gt 1 ]]; then
      echo "   $shared is installed $copies times in $name; it must be one copy" >&2
      exit 1
    fi
  done
  (cd "$copy" && npx tsc --noEmit -p tsconfig.json)
  if [[ "${UPDATE_SNAPSHOTS:-}" == 1 ]]; then
    (cd "$copy" && npm test -- -u)
    if [[ -d "$copy/test/__snapshots__" ]]; then
      rm -rf "$example/test/__snapshots__"
      cp -r "$copy/test/__snapshots__" "$example/test/__snapshots__"
    fi
  else
    (cd "$copy" && npm test -- --ci)
  fi
  # The command the example documents for writing its charts (examples/README.md, main.ts).
  if [[ "$name" == cdk8s-app ]]; then
    (cd "$copy" && npm run --silent synth && ls "$copy"/dist/*.k8s.yaml >/dev/null)
  fi
done

echo "== the installed bin: plan --json and simulate --json are JSON only; synth, --svg, --help"
copy="$work/pulumi-program"
(cd "$copy" && npx --no-install kafka-eks plan --json >"$work/plan.json")
node -e 'const plan = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (!Array.isArray(plan) || plan.length === 0) process.exit(1); console.log(`   ${plan.length} resources`)' "$work/plan.json"
(cd "$copy" && KAFKA_EKS_DEBUG_CODE_CACHE=1 npx --no-install kafka-eks synth --out "$work/synth-out" 2>"$work/synth.err" >/dev/null && test -f "$work/synth-out/kustomization.yaml")
# The packed V8 code cache fits this Node: the bin used it (cli/code-cache.ts; a miss only slows).
grep -q '^code cache: used$' "$work/synth.err"
(cd "$copy" && npx --no-install kafka-eks simulate --synthetic daily:3 --peak-mibps 400 --days 1 --json --svg "$work/sim.svg" >"$work/sim.json")
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/sim.json"
test -s "$work/sim.svg"
(cd "$copy" && npx --no-install kafka-eks --help | grep -q 'Exit codes:')
echo "== examples passed"
