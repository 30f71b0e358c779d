#!/usr/bin/env bash
# buf lint (STANDARD rules, with the exceptions proto/buf.yaml documents) and
# buf breaking (FILE rules) against proto/baseline/itp-v1.binpb, the released
# v1 API. Then shows that the check bites: a copy of the module with a field
# removed and one renamed must fail buf breaking, naming both.
# Usage: buf_check.sh BUF_BINARY PROTO_DIR
set -euo pipefail
buf="$1"
proto="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "buf lint $proto"
"$buf" lint "$proto"
echo "buf breaking $proto against $proto/baseline/itp-v1.binpb"
"$buf" breaking "$proto" --against "$proto/baseline/itp-v1.binpb"

cp -r "$proto" "$work/proto"
plan="$work/proto/itp/v1/plan.proto"
grep -q '^  string summary = 3;$' "$plan"
grep -q '^  string submitting_body = 4;$' "$plan"
sed -i 's/^  string summary = 3;$//; s/^  string submitting_body = 4;$/  string submitter = 4;/' "$plan"
if "$buf" breaking "$work/proto" --against "$proto/baseline/itp-v1.binpb" >"$work/out" 2>&1; then
  echo "buf breaking accepted a removed and a renamed field" >&2
  exit 1
fi
cat "$work/out"
grep -q 'Previously present field "3" with name "summary" on message "Plan" was deleted' "$work/out"
grep -q 'submitting_body' "$work/out"
echo "buf lint and buf breaking: ok"
