#!/usr/bin/env bash
# Installs what pmconf needs to build and test, from Debian's packages, and the IUT adapters'
# JavaScript packages (Deno, Bun, the polyfills) with `npm ci` from the committed lock file.
# Idempotent: packages that are already installed are not asked for again, and npm ci runs only
# when tools/adapters/package-lock.json changed since the last install. Run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build           # toolchain
  libgtest-dev libgmock-dev       # GoogleTest
  librapidcheck-dev               # RapidCheck (with its GoogleTest integration)
  libpugixml-dev                  # JUnit XML writer
  nlohmann-json3-dev              # JSON
  rapidjson-dev                   # JSON on the protocol's hot path (streaming writer, fast reader)
  libcli11-dev                    # command line
  libbenchmark-dev                # Google Benchmark
  libxml2-utils                   # xmllint: the reports are checked against the CI schemas
)
# Node.js runs the adapters; a machine that has one (of any origin) keeps it.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages are installed"
else
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 3; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The adapters' packages. npm ci installs exactly the lock file; the install scripts of deno and
# bun put their platform binary in place (from the npm registry's platform packages).
lock=tools/adapters/package-lock.json
stamp=tools/adapters/node_modules/.pmconf-lock.sha256
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: tools/adapters/node_modules matches the lock file"
else
  echo "setup: npm ci in tools/adapters"
  (cd tools/adapters && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
