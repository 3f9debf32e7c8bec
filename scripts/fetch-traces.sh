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
# Never overwrites: a file already in dest-dir that is byte-identical is kept, one that differs is
# refused (exit 1; move it away and run again). Each download goes to a temporary file in
# dest-dir and is renamed into place only when complete, so no half-written trace is left.
# Exit codes: 0 all traces present, 1 a differing file was refused, 2 a download failed.
#
# NOTE: the machine this was written on cannot reach GitHub, so the download from NAB was NOT run
# here; only the file:// path is tested (test/scripts/fetch-traces.test.ts). The tests themselves
# read the same traces from ../shared/traces.
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

mkdir -p "$DEST"
echo "Numenta Anomaly Benchmark traces (MIT licence, https://github.com/numenta/NAB) -> $DEST"
refused=0
for path in "${FILES[@]}"; do
  name="$(basename "$path")"
  target="$DEST/$name"
  tmp="$(mktemp "$DEST/.$name.XXXXXX")"
  if ! curl --fail --silent --show-error --location --retry 2 --output "$tmp" "$BASE/$path"; then
    rm -f "$tmp"
    echo "error: could not download $BASE/$path; check the network or NAB_BASE_URL" >&2
    exit 2
  fi
  if [[ -e "$target" ]]; then
    if cmp -s "$tmp" "$target"; then
      echo "kept      $name (identical)"
    else
      echo "error: $target exists and differs from $BASE/$path; not overwritten (move it away and run again)" >&2
      refused=1
    fi
    rm -f "$tmp"
  else
    mv "$tmp" "$target"
    echo "fetched   $name"
  fi
done
exit "$refused"
