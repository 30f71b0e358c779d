#!/usr/bin/env bash
# Builds everything and runs the whole test suite: unit tests, storage tests
# on real SQLite files, end-to-end tests over real channels (C++ and Python
# clients against the real server binary).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "${ITP_TEST_JOBS:-2}" "$@"
