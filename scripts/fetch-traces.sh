#!/usr/bin/env bash
# Downloads the load traces the simulator docs use (README.md, docs/simulator.md) into traces/
# (git-ignored), from the public Numenta Anomaly Benchmark (NAB) repository on GitHub:
# https://github.com/numenta/NAB, data under data/<folder>/<file>. NAB is published under the
# MIT licence (https://github.com/numenta/NAB/blob/master/LICENSE.txt); the files are not copied
# into this repository.
#
# Usage: scripts/fetch-traces.sh [dest-dir]     (default: traces/ at the repository root)
# Env:   NAB_BASE_URL  base of the raw files (default
#        https://raw.githubusercontent.com/numenta/NAB/master/data); any URL curl reads, file:// too.
#
# All or nothing: every trace is downloaded into a staging folder inside dest-dir first, and only
# when all downloaded and none differs from a file already there are they moved into place (a
# rename each: no half-written trace is ever visible). Never overwrites: a file already in dest-dir
# that is byte-identical is kept, one that differs is refused (exit 1; move it away and run again).
# On any failure, and when stopped (Ctrl-C, SIGTERM, SIGHUP), nothing is written: the staging
# folder is removed, and so are the folders this run created for dest-dir. A run killed outright
# (SIGKILL, a power loss) cannot clean up: it leaves its staging folder, .fetch-traces.<pid>.*,
# (and the folders it created for dest-dir), but never a cut trace under a trace's name; the next
# run removes that staging folder (below).
# Exit codes: 0 all traces present, 1 a differing file was refused, 2 a download failed,
# 128 + n when stopped by signal n.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$ROOT/traces}"
BASE="${NAB_BASE_URL:-https://raw.githubusercontent.com/numenta/NAB/master/data}"

FILES=(
  realTweets/Twitter_volume_AAPL.csv
  realTweets/Twitter_volume_AMZN.csv
  realTweets/Twitter_volume_CRM.csv
  realTweets/Twitter_volume_FB.csv
  realAWSCloudwatch/ec2_network_in_257a54.csv
  realAWSCloudwatch/elb_request_count_8c0756.csv
  realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv
  realTraffic/occupancy_6005.csv
)

# The folders this run creates for DEST, outermost first: removed again unless the run completes.
created=()
missing="$DEST"
while [[ ! -e "$missing" && ! -L "$missing" ]]; do
  # (the +-expansion: bash before 4.4, macOS's 3.2, takes an empty array for unset under set -u)
  created=("$missing" ${created[@]+"${created[@]}"})
  missing="$(dirname "$missing")"
done
staging=""
done_ok=0
cleanup() {
  [[ -n "$staging" ]] && rm -rf "$staging"
  if [[ "$done_ok" != 1 ]]; then
    # Innermost first, and only while empty: never a file that appeared meanwhile.
    for ((i = ${#created[@]} - 1; i >= 0; i--)); do rmdir "${created[$i]}" 2>/dev/null || break; done
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$DEST"
# Staging folders of runs killed outright (SIGKILL, a power loss), which no trap removed: each is
# named .fetch-traces.<pid>.XXXXXX, and is removed once no process has that pid (`ps -p`) and it
# holds nothing but regular files named like the traces, whole or cut short. Anything else there
# (another file, a link, a folder, a pid that runs) is left alone.
is_trace_name() {
  local path
  for path in "${FILES[@]}"; do [[ "$1" == "$(basename "$path")" ]] && return 0; done
  return 1
}
for leftover in "$DEST"/.fetch-traces.*; do
  [[ -d "$leftover" && ! -L "$leftover" ]] || continue
  pid="${leftover##*/.fetch-traces.}"
  pid="${pid%%.*}"
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || continue
  ps -p "$pid" >/dev/null 2>&1 && continue
  ours=1
  for entry in "$leftover"/* "$leftover"/.[!.]* "$leftover"/..?*; do
    [[ -e "$entry" || -L "$entry" ]] || continue # an unmatched glob
    if [[ -L "$entry" || ! -f "$entry" ]] || ! is_trace_name "$(basename "$entry")"; then
      ours=0
      break
    fi
  done
  [[ "$ours" == 1 ]] && rm -rf "$leftover"
done
staging="$(mktemp -d "$DEST/.fetch-traces.$$.XXXXXX")"
echo "Numenta Anomaly Benchmark traces (MIT licence, https://github.com/numenta/NAB) -> $DEST"
for path in "${FILES[@]}"; do
  name="$(basename "$path")"
  if ! curl --fail --silent --show-error --location --retry 2 --output "$staging/$name" "$BASE/$path"; then
    echo "error: could not download $BASE/$path; check the network or NAB_BASE_URL; nothing was written" >&2
    exit 2
  fi
done
refused=0
for path in "${FILES[@]}"; do
  name="$(basename "$path")"
  target="$DEST/$name"
  if [[ -e "$target" || -L "$target" ]] && ! cmp -s "$staging/$name" "$target"; then
    echo "error: $target exists and differs from $BASE/$path; not overwritten (move it away and run again)" >&2
    refused=1
  fi
done
if [[ "$refused" == 1 ]]; then
  echo "error: nothing was written" >&2
  exit 1
fi
for path in "${FILES[@]}"; do
  name="$(basename "$path")"
  target="$DEST/$name"
  if [[ -e "$target" ]]; then
    echo "kept      $name (identical)"
  elif ln "$staging/$name" "$target" 2>/dev/null || mv -n "$staging/$name" "$target"; then
    # ln: the new name appears whole and never replaces a file that appeared meanwhile.
    echo "fetched   $name"
  fi
done
done_ok=1
exit 0
