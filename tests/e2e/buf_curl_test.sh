#!/usr/bin/env bash
# A third, independent client: `buf curl` discovers the API through server
# reflection (no .proto files given) and calls the real itp-server binary.
# Usage: buf_curl_test.sh ITP_SERVER_BINARY BUF_BINARY
set -euo pipefail
server="$1"
buf="$2"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$server" --listen=127.0.0.1:0 --db="$work/itp.db" --port_file="$work/port" --drain_seconds=0 \
  2>"$work/server.log" &
pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
url="http://127.0.0.1:$(cat "$work/port")"
admin_key="$(cat "$work/itp-admin.key")"
call() {
  "$buf" curl --protocol grpc --http2-prior-knowledge \
    -H "authorization: Bearer $admin_key" "$@"
}
passed=0
failed=0
check() {  # check NAME CONDITION-COMMAND...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name";
  else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

cat >"$work/create.json" <<'JSON'
{"parent": "countries/IND", "plan_id": "steel-2070",
 "request_id": "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
 "plan": {
   "display_name": "India green steel roadmap",
   "summary": "Crude steel towards net zero by 2070",
   "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
       {"year": 2020, "production_mt": 100.3, "intensity_tco2_per_t": 2.54},
       {"year": 2030, "production_mt": 255.0, "intensity_tco2_per_t": 2.2},
       {"year": 2050, "production_mt": 400.0, "intensity_tco2_per_t": 1.0},
       {"year": 2070, "production_mt": 450.0, "intensity_tco2_per_t": 0.1}]}],
   "targets": [{"type": "NET_ZERO", "target_year": 2070, "conditional": false}],
   "projects": [{"name": "Hydrogen DRI demonstration plant", "technology": "HYDROGEN_DRI",
       "capacity_mtpa": 0.5, "capex_usd": 600000000, "start_year": 2027, "status": "ANNOUNCED"}]}}
JSON
sed -e 's/"year": 2070/"year": 2200/' \
    -e 's/"intensity_tco2_per_t": 2.2}/"intensity_tco2_per_t": "NaN"}/' \
    -e 's|countries/IND|countries/XYZ|' "$work/create.json" >"$work/bad.json"

call -d @"$work/create.json" "$url/itp.v1.PlanService/CreatePlan" >"$work/created.out"
check "CreatePlan returns the plan name" \
  grep -q '"name": "countries/IND/plans/steel-2070"' "$work/created.out"
check "CreatePlan starts in DRAFT" grep -q '"state": "DRAFT"' "$work/created.out"

set +e
call -d @"$work/bad.json" "$url/itp.v1.PlanService/CreatePlan" >"$work/bad.out" 2>&1
set -e
check "invalid body is INVALID_ARGUMENT" grep -q '"code": "invalid_argument"' "$work/bad.out"
check "names parent" grep -q "parent: 'XYZ' is not an ISO 3166-1 alpha-3" "$work/bad.out"
check "names the NaN intensity" \
  grep -q 'plan.sectors\[0\].points\[1\].intensity_tco2_per_t: must be a finite number (got NaN)' "$work/bad.out"
check "names the year 2200" \
  grep -q 'plan.sectors\[0\].points\[3\].year: year 2200 is outside 1990-2100' "$work/bad.out"

call -d '{"name": "countries/IND/plans/steel-2070"}' \
  "$url/itp.v1.PlanService/GetPlan" >"$work/get.out"
check "GetPlan reads it back" grep -q '"displayName": "India green steel roadmap"' "$work/get.out"

"$buf" curl --protocol grpc --http2-prior-knowledge -d '{"service": "itp.v1.PlanService"}' \
  "$url/grpc.health.v1.Health/Check" >"$work/health.out"
check "health is SERVING without a key" grep -q '"status": "SERVING"' "$work/health.out"

set +e
"$buf" curl --protocol grpc --http2-prior-knowledge -d '{"name": "countries/IND/plans/steel-2070"}' \
  "$url/itp.v1.PlanService/GetPlan" >"$work/nokey.out" 2>&1
set -e
check "a call without a key is UNAUTHENTICATED" grep -q '"code": "unauthenticated"' "$work/nokey.out"

call -d '{"api_key": {"display_name": "Ministry of Steel, India - plan upload", "role": "PARTNER", "countries": ["IND"]}}' \
  "$url/itp.v1.AdminService/CreateApiKey" >"$work/key.out"
partner_key="$(sed -n 's/.*"secret": "\(.*\)".*/\1/p' "$work/key.out")"
check "CreateApiKey returns a secret" test -n "$partner_key"
set +e
"$buf" curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $partner_key" \
  -d '{"name": "countries/IND/plans/steel-2070", "etag": "", "request_id": ""}' \
  "$url/itp.v1.PlanService/SubmitPlan" >"$work/submit.out" 2>&1
"$buf" curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $partner_key" \
  -d '{"parent": "countries/BRA", "plan_id": "steel-2050", "plan": {"display_name": "Brazil steel"}}' \
  "$url/itp.v1.PlanService/CreatePlan" >"$work/other.out" 2>&1
set -e
check "the India partner key submits the India plan" grep -q '"state": "SUBMITTED"' "$work/submit.out"
check "the India partner key cannot create a Brazil plan" \
  grep -q '"code": "permission_denied"' "$work/other.out"

kill -TERM "$pid"
wait "$pid"
check "server exits 0 on SIGTERM" true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
