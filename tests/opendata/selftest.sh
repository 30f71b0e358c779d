#!/usr/bin/env bash
# Self-test of the open-data validator (validate.sh): the hand-made package
# in fixtures/valid must pass, and broken copies of it, made in a temporary
# directory, must each fail with the expected problem. Prints one line per
# check and a closing "N passed, N failed"; exits 1 if any check failed.
#
#   tests/opendata/selftest.sh SOURCE_DIR WORK_DIR
set -euo pipefail
source_dir="$(cd "$1" && pwd)"
work="$2"
here="$source_dir/tests/opendata"
valid="$here/fixtures/valid"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $1"; sed 's/^/    /' "$tmp/out" "$tmp/err"; failed=$((failed + 1)); }

# The valid package passes and counts its rows.
if "$here/validate.sh" "$source_dir" "$work" "$valid" >"$tmp/out" 2>"$tmp/err" &&
   grep -q '^{"valid":true,"resources":{"plans":3,' "$tmp/out"; then
  ok "valid fixture passes: $(cat "$tmp/out")"
else
  not_ok "valid fixture passes"
fi

# expect_failure NAME EXPECTED MUTATION: runs MUTATION (a shell command) in
# a fresh copy of the valid package; the copy must differ from the fixture,
# and validate.sh must exit 1 with EXPECTED (a grep -E pattern) on stderr.
expect_failure() {
  local name="$1" expected="$2" mutation="$3" copy="$tmp/$1"
  cp -r "$valid" "$copy"
  (cd "$copy" && eval "$mutation")
  if diff -rq "$valid" "$copy" >/dev/null; then
    : >"$tmp/out"; echo "the mutation changed nothing" >"$tmp/err"
    not_ok "$name"
    return
  fi
  local rc=0
  "$here/validate.sh" "$source_dir" "$work" "$copy" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ "$rc" -eq 1 ] && grep -Eq "$expected" "$tmp/err"; then
    ok "$name fails: $(grep -E "$expected" "$tmp/err" | head -1 | sed 's/^ *//')"
  else
    echo "exit status $rc, expected 1 and /$expected/ on stderr" >>"$tmp/err"
    not_ok "$name"
  fi
}

# Edits datapackage.json with node: $1 is JS acting on the descriptor `d`.
edit_descriptor() {
  node -e 'const fs = require("fs"); const d = JSON.parse(fs.readFileSync("datapackage.json"));
    (new Function("d", process.argv[1]))(d);
    fs.writeFileSync("datapackage.json", JSON.stringify(d, null, 2) + "\n");' "$1"
}

expect_failure "number column holding abc" \
  'pathway_points: row 3: .*"abc" in column "production_mt" is not type "number"' \
  "sed -i '3s/,38,1.6,/,abc,1.6,/' data/pathway_points.csv"
expect_failure "missing required value" \
  'plans: row 3: .*"required" constraint for column "display_name"' \
  "sed -i '3s/,India Green Steel Transition Plan,/,,/' data/plans.csv"
expect_failure "duplicate primary key" \
  'targets: row 7: primary key \(plan, target\) = \["countries/VNM/plans/cement-2050","2"\] duplicates row 6' \
  "tail -n 1 data/targets.csv >> data/targets.csv"
expect_failure "foreign key to a missing plan" \
  'projects: row 4: foreign key \(plan\) = \["countries/IND/plans/steel-2047"\] not found in plans' \
  "sed -i '4s#^\\([^,]*\\),countries/IND/plans/steel-2070,#\\1,countries/IND/plans/steel-2047,#' data/projects.csv"
expect_failure "header out of order" \
  'pathway_points: header .*"emissions_mtco2","intensity_tco2_per_t","production_mt"\] is not the schema' \
  "awk -F, -v OFS=, '{ t = \$4; \$4 = \$6; \$6 = t; print }' data/pathway_points.csv > p.csv && mv p.csv data/pathway_points.csv"
expect_failure "missing licence" \
  'licenses has no entry with name "CC-BY-4.0"' \
  "edit_descriptor 'delete d.licenses'"
expect_failure "no declared delimiter" \
  'policies: dialect.delimiter is not declared' \
  "edit_descriptor 'for (const r of d.resources) delete r.dialect'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
