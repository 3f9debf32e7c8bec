# Shared by scripts/{cluster,engine,e2e}/build.sh; sourced, not run. The caller sets $CACHE and
# defines `log` (one progress line to stderr) before sourcing.
#
# Points Go at the project's build cache ($CACHE/go for GOPATH and modules, $CACHE/go-build for
# compiled packages), so every tier shares one warm cache and no build touches ~/go.
export GOPATH="$CACHE/go"
export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$GOPATH/pkg/mod"
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0
export GOTOOLCHAIN=local
export GOWORK=off

# go_build NAME OUT ARGS...: `go build -v -trimpath -o OUT ARGS...` with a progress line every 100
# packages. The binary appears at OUT only when the build is complete (it is written to OUT.tmp
# first). Returns 1, removing OUT.tmp, when the build fails.
go_build() {
  local name="$1" out="$2"
  shift 2
  local started count=0 line
  started=$(date +%s)
  log "$name: compiling (first build takes several minutes on 2 cores; later builds are cached)"
  set +e
  go build -v -trimpath -o "$out.tmp" "$@" 2>&1 | while IFS= read -r line; do
    case "$line" in
      go:\ downloading*) ;;
      *)
        count=$((count + 1))
        if [ $((count % 100)) -eq 0 ]; then
          log "$name: $count packages compiled ($(($(date +%s) - started))s)"
        fi
        case "$line" in
          \#\ * | go:\ * | *.go:[0-9]*:*) printf '%s\n' "$line" >&2 ;;
        esac
        ;;
    esac
  done
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ] || [ ! -x "$out.tmp" ]; then
    log "$name: build failed (exit $rc)"
    rm -f "$out.tmp"
    return 1
  fi
  mv "$out.tmp" "$out"
  log "$name: built in $(($(date +%s) - started))s -> $out"
}
