#!/usr/bin/env bash
# Offline checks of deploy/ (tests/deploy/deploy.test.mjs): installs the
# pinned npm packages of tests/deploy/package-lock.json into WORK_DIR once
# (npm ci; again when the lock file changes), then runs node --test there.
#
#   tests/deploy/deploy_test.sh SOURCE_DIR WORK_DIR ITP_SERVER ITP_JOB_RUNNER
set -euo pipefail
source_dir="$(cd "$1" && pwd)"
work="$2"
export ITP_SOURCE_DIR="$source_dir"
export ITP_SERVER="$3"
export ITP_JOB_RUNNER="$4"
here="$source_dir/tests/deploy"
mkdir -p "$work"
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" ||
   [ ! -d "$work/node_modules" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm ci --silent --no-audit --no-fund)
fi
# ES modules resolve packages from where they are: run them beside
# node_modules.
cp "$here"/*.mjs "$work/"
cd "$work"
exec node --test deploy.test.mjs
