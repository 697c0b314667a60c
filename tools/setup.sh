#!/usr/bin/env bash
# Installs what pmconf needs to build and test, from Debian's packages. Idempotent: packages that
# are already installed are not asked for again. Run as root (or with sudo available).
set -euo pipefail

packages=(
  g++ cmake ninja-build           # toolchain
  libgtest-dev libgmock-dev       # GoogleTest
  librapidcheck-dev               # RapidCheck (with its GoogleTest integration)
  libpugixml-dev                  # JUnit XML writer
  nlohmann-json3-dev              # JSON
  libcli11-dev                    # command line
  libbenchmark-dev                # Google Benchmark
  libxml2-utils                   # xmllint: the reports are checked against the CI schemas
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 3; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
