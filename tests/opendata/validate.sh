#!/usr/bin/env bash
# Validates a Frictionless Tabular Data Package (the open-data export of the
# APPROVED plans) with tests/opendata/validate_package.mjs: installs the
# pinned npm packages of tests/opendata/package-lock.json into WORK_DIR once
# (npm ci; again when the lock file changes), then runs the validator there.
# Prints {"valid": true, "resources": {...}} and exits 0, or prints the
# problems to stderr and exits 1.
#
#   tests/opendata/validate.sh SOURCE_DIR WORK_DIR PACKAGE_DIR
set -euo pipefail
source_dir="$(cd "$1" && pwd)"
work="$2"
package_dir="$(cd "$3" && pwd)"
here="$source_dir/tests/opendata"
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
exec node validate_package.mjs "$package_dir"
