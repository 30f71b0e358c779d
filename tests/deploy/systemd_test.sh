#!/usr/bin/env bash
# systemd-analyze verify of deploy/systemd: the units as shipped, with the
# installed binary paths pointed at the built ones (verify checks that
# ExecStart= is executable). Any message fails the test: systemd-analyze
# exits 0 on an unknown key, but says so. A unit with a misspelt key must be
# caught, so that this test can fail.
#
#   tests/deploy/systemd_test.sh SOURCE_DIR WORK_DIR ITP_SERVER ITP_JOB_RUNNER
set -euo pipefail
source_dir="$(cd "$1" && pwd)"
work="$2"
server="$3"
runner="$4"
rm -rf "$work" && mkdir -p "$work"
for unit in "$source_dir"/deploy/systemd/*; do
  sed -e "s#/usr/local/bin/itp-server#$server#g" \
      -e "s#/usr/local/bin/itp-job-runner#$runner#g" "$unit" \
      > "$work/$(basename "$unit")"
done
units=("$work"/*.service "$work"/*.timer)
verify() { SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "$@" 2>&1; }

out="$(verify "${units[@]}")" || { echo "$out"; echo "FAIL: systemd-analyze verify failed"; exit 1; }
if [ -n "$out" ]; then
  echo "$out"
  echo "FAIL: systemd-analyze verify reported the messages above"
  exit 1
fi
echo "ok: ${#units[@]} units verify cleanly: $(cd "$work" && echo *)"

grep -q '^LimitNOFILE=65536$' "$work/itp-server.service" ||
  { echo "FAIL: itp-server.service sets no LimitNOFILE=65536"; exit 1; }
echo "ok: itp-server.service raises LimitNOFILE"
# The flags of ExecStart= are itp-server's.
help="$("$server" --help)"
for flag in $(grep '^ExecStart=' "$work/itp-server.service" | grep -o -- '--[a-z_]*'); do
  grep -q -- "^  $flag (" <<<"$help" ||
    { echo "FAIL: ExecStart= passes $flag, which itp-server does not have"; exit 1; }
done
echo "ok: ExecStart= passes only itp-server flags"

sed 's/^RestartSec=/RestartSecs=/' "$work/itp-server.service" > "$work/typo.service"
out="$(verify "$work/typo.service" || true)"
case "$out" in
  *"Unknown key 'RestartSecs'"*) echo "ok: a misspelt key is reported" ;;
  *) echo "$out"; echo "FAIL: a misspelt key went unreported"; exit 1 ;;
esac
