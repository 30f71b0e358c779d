#!/usr/bin/env bash
# Installs what is missing, configures build/ once, and builds the given
# targets (everything when none are given).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ ! -f build/CMakeCache.txt ]; then
  # ITP_CMAKE_ARGS: further options for the first configure, e.g.
  # -DITP_WERROR=ON as CI does.
  # shellcheck disable=SC2086
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${ITP_CMAKE_ARGS:-} >/dev/null
fi
jobs="${ITP_BUILD_JOBS:-$(nproc)}"
if [ $# -eq 0 ]; then
  cmake --build build -j "$jobs"
else
  for target in "$@"; do cmake --build build --target "$target" -j "$jobs"; done
fi
