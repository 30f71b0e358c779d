#!/usr/bin/env bash
# Load benchmark of itp-server over real gRPC (cleartext HTTP/2 on loopback),
# at the server's default flags.
#
# Starts its own itp-server (--demo) on a temporary database, seeds PLANS
# extra steel and cement plans of 25 countries (nine in ten submitted), then
# drives fixed numbers of calls with h2load and prints, per scenario,
# successful calls/s, latency (mean, p50, p99, max, from h2load's per-request
# log) and the calls that were not OK:
#   1. the serving core against bare gRPC: GetPlan of the India steel plan and
#      ListPlans (all countries, 50 a page, `state = SUBMITTED`) with h2load
#      8 connections x 16 streams, each against itp-server and against
#      bench/echo_server, a bare gRPC server (sync API) that returns the very
#      bytes itp-server answered; the ratio is itp-server's share of what
#      gRPC alone does on this machine;
#   2. one PARTNER key opening 200 WatchPlanEvents streams (those beyond its
#      limit are refused) while a REVIEWER key's GetPlans run (8 x 16), and
#      health during it;
#   3. GetPlan on one stream; BenchmarkPlan (stores a report per call);
#   4. GetPlan and ListPlans together while a benchmark job over every
#      submitted plan runs back to back.
# Finally the server's peak RSS (VmHWM) and the machine's core count.
#
# h2load only sees HTTP statuses, and gRPC errors travel as HTTP 200 with a
# grpc-status trailer. So every request body is first sent once through
# python3-grpcio, which must return OK, and each scenario's gRPC status codes
# are counted from the server's per-call log lines.
#
# Needs: h2load (Debian package nghttp2-client; this script installs nothing),
# /usr/bin/protoc (protobuf-compiler), python3-grpcio and python3-protobuf,
# and a built server and echo server:
#   cmake --build build --target itp-server echo_server
# Run (about a minute on 2 cores; extra server flags through ITP_FLAGS):
#   bench/grpc_load.sh
#   PLANS=1000 ITP_FLAGS="--workers=16" bench/grpc_load.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER=${ITP_SERVER:-$ROOT/build/server/itp-server}
ECHO=${ITP_ECHO_SERVER:-$ROOT/build/bench/echo_server}
PLANS=${PLANS:-500}
read -r -a ITP_FLAGS <<<"${ITP_FLAGS:-}"
PYTHON=/usr/bin/python3
PROTOC=/usr/bin/protoc
STARTUP_TIMEOUT_S=20
# Bound on each h2load run; the scenarios take a few seconds each.
H2LOAD_TIMEOUT_S=60
INDIA_STEEL=countries/IND/plans/steel-2070

fail() {
  echo "grpc_load.sh: $*" >&2
  exit 1
}

command -v h2load >/dev/null ||
  fail "h2load not found; install it with: apt-get install nghttp2-client"
[[ -x $PROTOC ]] || fail "$PROTOC not found; install protobuf-compiler"
"$PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null ||
  fail "$PYTHON lacks grpc or protobuf; install python3-grpcio python3-protobuf"
[[ -x $SERVER && -x $ECHO ]] ||
  fail "no server at $SERVER or $ECHO; build them: cmake --build build --target itp-server echo_server"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/itp-grpc-load.XXXXXX")
SERVER_PID=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in $(jobs -p); do
    [[ $pid == "$SERVER_PID" ]] || kill "$pid" 2>/dev/null || true
  done
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if ((status != 0)) && [[ -f $WORK/server.log ]]; then
    echo "--- last lines of the server log:" >&2
    grep -v ' code=OK ' "$WORK/server.log" | tail -n 15 >&2 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$SERVER" --listen=127.0.0.1:0 --db="$WORK/itp.db" --port_file="$WORK/port" \
  --demo "${ITP_FLAGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < STARTUP_TIMEOUT_S * 10; i++)); do
  [[ -s $WORK/port ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "itp-server exited before serving"
  sleep 0.1
done
[[ -s $WORK/port ]] || fail "itp-server wrote no port file in ${STARTUP_TIMEOUT_S} s"
PORT=$(<"$WORK/port")
KEY=$(<"$WORK/itp-admin.key")

mkdir "$WORK/stubs"
"$PROTOC" -I"$ROOT/proto" --python_out="$WORK/stubs" "$ROOT"/proto/itp/v1/*.proto

HELPER=("$PYTHON" "$ROOT/bench/grpc_frame.py" --stubs "$WORK/stubs"
  --address "127.0.0.1:$PORT" --key-file "$WORK/itp-admin.key")

echo "itp-server load benchmark: $(h2load --version | head -n 1)," \
  "server flags: ${ITP_FLAGS[*]:-(defaults)}"
started=$EPOCHREALTIME
"${HELPER[@]}" seed "$PLANS"
echo "seeded $PLANS plans ($((PLANS - PLANS / 10)) submitted) in" \
  "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}') s," \
  "on top of" \
  "$(sed -n 's/.* I demo data: \([0-9]*\) plans added.*/\1/p' "$WORK/server.log")" \
  "demo plans"

echo "request bodies, each sent once through grpcio first:"
"${HELPER[@]}" frame itp.v1.PlanService/GetPlan "{\"name\": \"$INDIA_STEEL\"}" \
  "$WORK/get.bin" --response-out "$WORK/get.pb"
"${HELPER[@]}" frame itp.v1.PlanService/ListPlans \
  '{"parent": "countries/-", "page_size": 50, "filter": "state = SUBMITTED"}' \
  "$WORK/list.bin" --response-out "$WORK/list.pb"
"${HELPER[@]}" create-key REVIEWER "$WORK/reviewer.key"
"${HELPER[@]}" create-key PARTNER "$WORK/partner.key" IND

"$ECHO" --port_file="$WORK/echo-port" --get_plan_response="$WORK/get.pb" \
  --list_plans_response="$WORK/list.pb" >"$WORK/echo.log" 2>&1 &

for ((i = 0; i < STARTUP_TIMEOUT_S * 10; i++)); do
  [[ -s $WORK/echo-port ]] && break
  sleep 0.1
done
[[ -s $WORK/echo-port ]] || fail "echo_server wrote no port file"
ECHO_PORT=$(<"$WORK/echo-port")
"${HELPER[@]}" frame itp.v1.BenchmarkService/BenchmarkPlan \
  "{\"name\": \"$INDIA_STEEL\"}" "$WORK/benchmark.bin"

# start_load NAME METHOD BODY H2LOAD_ARGS...: starts h2load in the
# background and sets LOAD_PID; output in $WORK/NAME.out, per-request log in
# $WORK/NAME.tsv. TARGET_PORT (default: itp-server) and TARGET_KEY (default:
# the admin key) choose the server and the caller.
start_load() {
  local name=$1 method=$2 body=$3
  shift 3
  timeout "$H2LOAD_TIMEOUT_S" h2load "$@" -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "authorization: Bearer ${TARGET_KEY:-$KEY}" --log-file="$WORK/$name.tsv" \
    "http://127.0.0.1:${TARGET_PORT:-$PORT}/$method" >"$WORK/$name.out" &
  LOAD_PID=$!
}

# finish_load NAME PID
finish_load() {
  wait "$2" || fail "h2load $1 failed or took over ${H2LOAD_TIMEOUT_S} s:
$(tail -n 5 "$WORK/$1.out")"
}

# report LABEL NAME METHOD LOG_OFFSET: prints one row for h2load run NAME
# and sets OK_PER_S; gRPC codes are those of METHOD in the server log after
# LOG_OFFSET bytes (LOG_OFFSET "-": the echo server, which answers every call
# OK, so HTTP successes are its OKs).
report() {
  local label=$1 name=$2 method=$3 offset=$4
  local out=$WORK/$name.out
  local seconds total succeeded http_failed latency calls grpc_ok codes detail
  # h2load prints "finished in 1.52s," or, under a second, "882.21ms,".
  seconds=$(awk '/^finished in/ {t = $3; sub(/,$/, "", t);
    if (t ~ /ms$/) { sub(/ms$/, "", t); t = t / 1000 } else { sub(/s$/, "", t) }
    print t}' "$out")
  read -r total succeeded http_failed < <(awk '/^requests:/ {print $2, $8, $10}' "$out")
  latency=$(sort -t $'\t' -k3,3n "$WORK/$name.tsv" | awk -F '\t' '
    function rank(p,  i) { i = int(NR * p); if (i < NR * p) i++; return v[i > 0 ? i : 1] }
    { v[NR] = $3; sum += $3 }
    END { printf "%8.3f %8.3f %8.3f %8.3f", sum / NR / 1000, rank(0.5) / 1000,
          rank(0.99) / 1000, v[NR] / 1000 }')
  if [[ $offset == - ]]; then
    grpc_ok=$succeeded
    codes=""
  else
    calls=$(tail -c +"$((offset + 1))" "$WORK/server.log" | grep -F "rpc /$method code=" || true)
    grpc_ok=$(grep -c ' code=OK ' <<<"$calls" || true)
    codes=$({ grep -v ' code=OK ' <<<"$calls" || true; } | sed -n 's/.* code=\([A-Z_]*\) .*/\1/p' |
      sort | uniq -c | awk '{printf " %s %s", $1, $2}')
  fi
  OK_PER_S=$(awk -v n="$grpc_ok" -v t="$seconds" 'BEGIN {printf "%.0f", n / t}')
  detail=${codes:+ gRPC:$codes}
  ((http_failed == 0)) || detail+=" h2load failed $http_failed"
  printf '%-38s %8s %8s %s  %s\n' "$label" "$total" "$OK_PER_S" "$latency" \
    "$((total - grpc_ok))${detail:+ (${detail# })}"
}

log_size() { stat -c %s "$WORK/server.log"; }

echo
printf '%-38s %8s %8s %8s %8s %8s %8s  %s\n' scenario requests 'OK/s' \
  'mean ms' 'p50 ms' 'p99 ms' 'max ms' 'not OK'
# scenario LABEL NAME METHOD BODY H2LOAD_ARGS...: against TARGET_PORT.
scenario() {
  local label=$1 name=$2 method=$3 offset=-
  [[ ${TARGET_PORT:-$PORT} == "$PORT" ]] && offset=$(log_size)
  start_load "$name" "$method" "${@:4}"
  finish_load "$name" "$LOAD_PID"
  report "$label" "$name" "$method" "$offset"
}
# ratio LABEL ITP ECHO: ITP's calls/s as a share of the echo server's.
ratio() {
  awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN {printf "  %s: %.2fx bare gRPC\n", l, a / b}'
}

echo "-- 1. serving core against bare gRPC, h2load 8 connections x 16 streams"
echo "   (three rounds, each server in turn, as the machine's speed drifts)"
best_echo_get=0 best_get=0 best_echo_list=0 best_list=0
max() { awk -v a="$1" -v b="$2" 'BEGIN {print (a > b) ? a : b}'; }
for round in 1 2 3; do
  TARGET_PORT=$ECHO_PORT scenario "echo: GetPlan (same bytes) #$round" \
    "echo-get$round" itp.v1.PlanService/GetPlan "$WORK/get.bin" -n 60000 -c 8 -m 16
  best_echo_get=$(max "$best_echo_get" "$OK_PER_S")
  scenario "itp-server: GetPlan IND steel #$round" "get$round" \
    itp.v1.PlanService/GetPlan "$WORK/get.bin" -n 60000 -c 8 -m 16
  best_get=$(max "$best_get" "$OK_PER_S")
  TARGET_PORT=$ECHO_PORT scenario "echo: ListPlans (same bytes) #$round" \
    "echo-list$round" itp.v1.PlanService/ListPlans "$WORK/list.bin" -n 10000 -c 8 -m 16
  best_echo_list=$(max "$best_echo_list" "$OK_PER_S")
  scenario "itp-server: ListPlans 50 a page #$round" "list$round" \
    itp.v1.PlanService/ListPlans "$WORK/list.bin" -n 10000 -c 8 -m 16
  best_list=$(max "$best_list" "$OK_PER_S")
done
echo "  best of three, in successful calls/s:"
ratio "GetPlan $best_get vs $best_echo_get" "$best_get" "$best_echo_get"
ratio "ListPlans (50 a page) $best_list vs $best_echo_list" "$best_list" \
  "$best_echo_list"

echo
echo "-- 2. one PARTNER key opens 200 WatchPlanEvents streams; a REVIEWER calls"
"${HELPER[@]}" streams 200 --stream-key-file "$WORK/partner.key" \
  --until "$WORK/streams-done" >"$WORK/streams.out" &
streams_pid=$!
for ((i = 0; i < 600; i++)); do
  [[ -e $WORK/streams-done.ready ]] && break
  sleep 0.1
done
echo "  streams of the partner key: $(<"$WORK/streams.out")"
TARGET_KEY=$(<"$WORK/reviewer.key") scenario 'reviewer GetPlan, 200 streams open' \
  flood-get itp.v1.PlanService/GetPlan "$WORK/get.bin" -n 50000 -c 8 -m 16
echo "  health during it: $("${HELPER[@]}" health)"
touch "$WORK/streams-done"
wait "$streams_pid" || fail "the stream holder failed"

echo
echo "-- 3. one stream; a call that writes"
scenario 'GetPlan, 1 stream (c1 m1)' single-get itp.v1.PlanService/GetPlan \
  "$WORK/get.bin" -n 20000 -c 1 -m 1
scenario 'BenchmarkPlan IND steel (c2 m4)' benchmark \
  itp.v1.BenchmarkService/BenchmarkPlan "$WORK/benchmark.bin" -n 10000 -c 2 -m 4

echo
echo "-- 4. benchmark jobs"
echo "benchmark job over every submitted plan, alone:" \
  "$("${HELPER[@]}" job-runs load-alone --runs 3)"
offset=$(log_size)
"${HELPER[@]}" job-runs load-mixed --until "$WORK/reads-done" >"$WORK/jobs.out" &
jobs_pid=$!
start_load mixed-get itp.v1.PlanService/GetPlan "$WORK/get.bin" -n 60000 -c 2 -m 4
get_pid=$LOAD_PID
start_load mixed-list itp.v1.PlanService/ListPlans "$WORK/list.bin" -n 10000 -c 1 -m 4
finish_load mixed-get "$get_pid"
finish_load mixed-list "$LOAD_PID"
touch "$WORK/reads-done"
wait "$jobs_pid" || fail "benchmark job runs failed"
echo "benchmark job, back to back under the read load below: $(<"$WORK/jobs.out")"
report 'mixed: GetPlan, 8 streams' mixed-get itp.v1.PlanService/GetPlan "$offset"
report 'mixed: ListPlans, 4 streams' mixed-list itp.v1.PlanService/ListPlans "$offset"

echo
awk '/^VmHWM:/ {printf "server peak RSS (VmHWM): %.1f MiB\n", $2 / 1024}' \
  "/proc/$SERVER_PID/status"
echo "cores: $(nproc)"
