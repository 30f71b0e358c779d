#!/usr/bin/env bash
# Quick start: builds itp-server if needed and runs it in the foreground.
# Default: 127.0.0.1:50051 with the SQLite file ./itp.db. Extra arguments are
# passed to itp-server, e.g. `--demo` for realistic demonstration plans or
# `--listen=127.0.0.1:6000`; `--help` lists every flag.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" itp-server >&2
exec "$root/build/server/itp-server" --db="${ITP_DB:-itp.db}" "$@"
