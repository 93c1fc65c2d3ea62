#!/usr/bin/env bash
# Installs the real services the test suite runs against, when they are missing:
#   - redis-server, redis-cli (redis-tools) and chromium from Debian's packages
#   - FerretDB 1.24.2 (MongoDB wire protocol, SQLite backend), built from its Go module
# Idempotent: exits in well under a second when both are present.
set -euo pipefail

FERRETDB_VERSION=v1.24.2
FERRETDB_TOOLCHAIN=go1.24.3
GOBIN_DIR="${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}"

need_sudo() { if [ "$(id -u)" -ne 0 ]; then echo sudo; fi; }

missing_packages=()
command -v redis-server >/dev/null 2>&1 || missing_packages+=(redis-server)
# redis-cli creates the test Redis Cluster; Sentinels run as `redis-server --sentinel`.
command -v redis-cli >/dev/null 2>&1 || missing_packages+=(redis-tools)
# Debian's Chromium runs the console's browser test (driven by playwright-core; never a download).
[ -x /usr/bin/chromium ] || missing_packages+=(chromium)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  echo "==> installing ${missing_packages[*]} (Debian packages)"
  $(need_sudo) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_sudo) apt-get install -y -qq "${missing_packages[@]}" >/dev/null
fi
# The package starts a system-wide redis on :6379; the tests start their own on free ports.

ferretdb_ok() {
  local bin="$1"
  [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version: ${FERRETDB_VERSION}"
}

ferretdb_bin=""
for candidate in "$GOBIN_DIR/ferretdb" "$(command -v ferretdb 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && ferretdb_ok "$candidate"; then ferretdb_bin="$candidate"; break; fi
done
if [ -z "$ferretdb_bin" ]; then
  echo "==> building FerretDB ${FERRETDB_VERSION} into $GOBIN_DIR"
  command -v go >/dev/null 2>&1 || { echo "Go is required to build FerretDB (https://go.dev/dl)"; exit 1; }
  # `go install …@version` cannot be used as is: the module proxy refuses the module's version
  # list (needed for its deprecation check), and a build from the module zip panics at start-up
  # because build/version/version.txt is empty in the zip. So: download exactly this version,
  # copy it, write version.txt, and build with the toolchain the release was made with.
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && GOTOOLCHAIN="$FERRETDB_TOOLCHAIN" GOFLAGS=-mod=mod \
    go mod download -json "github.com/FerretDB/FerretDB@${FERRETDB_VERSION}" >"$work/module.json")
  src_dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$work/module.json")"
  cp -r "$src_dir" "$work/src"
  chmod -R u+w "$work/src"
  echo "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  mkdir -p "$GOBIN_DIR"
  (cd "$work/src" && GOTOOLCHAIN="$FERRETDB_TOOLCHAIN" go build -trimpath -o "$GOBIN_DIR/ferretdb" ./cmd/ferretdb)
  ferretdb_bin="$GOBIN_DIR/ferretdb"
fi

echo "chromium:     $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
echo "redis-server: $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
echo "redis-cli:    $(redis-cli --version)"
echo "ferretdb:     $("$ferretdb_bin" --version 2>/dev/null | sed -n 's/^version: //p') ($ferretdb_bin)"
