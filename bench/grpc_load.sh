#!/usr/bin/env bash
# Load benchmark of itp-server over real gRPC (cleartext HTTP/2 on loopback).
#
# Starts its own itp-server (--demo) on a temporary database, seeds PLANS
# extra steel and cement plans of 25 countries (nine in ten submitted), then
# drives fixed numbers of calls with h2load and prints, per scenario,
# requests/s, latency (mean, p50, p99, max, from h2load's per-request log) and
# errors:
#   1. GetPlan of the India steel plan with 1, 8 and 32 concurrent streams;
#   2. ListPlans of all countries, page_size 50, filter `state = SUBMITTED`;
#   3. BenchmarkPlan of the India steel plan (stores a report per call);
#   4. GetPlan and ListPlans together while a benchmark job over every
#      submitted plan runs back to back (job throughput alone and under load).
# Finally the server's peak RSS (VmHWM) and the machine's core count.
#
# h2load only sees HTTP statuses, and gRPC errors travel as HTTP 200 with a
# grpc-status trailer. So every request body is first sent once through
# python3-grpcio, which must return OK, and each scenario's gRPC status codes
# are counted from the server's per-call log lines.
#
# Needs: h2load (Debian package nghttp2-client; this script installs nothing),
# /usr/bin/protoc (protobuf-compiler), python3-grpcio and python3-protobuf,
# and a built server:
#   cmake --build build --target itp-server
# Run (about 30 s on 2 cores; the server flags can be changed through the env):
#   bench/grpc_load.sh
#   MAX_THREADS=64 DB_POOL_SIZE=16 PLANS=1000 bench/grpc_load.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER=${ITP_SERVER:-$ROOT/build/server/itp-server}
PLANS=${PLANS:-500}
MAX_THREADS=${MAX_THREADS:-64}
DB_POOL_SIZE=${DB_POOL_SIZE:-8}
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
[[ -x $SERVER ]] ||
  fail "no server at $SERVER; build it: cmake --build build --target itp-server"

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
  --demo --max_threads="$MAX_THREADS" --db_pool_size="$DB_POOL_SIZE" \
  >"$WORK/server.log" 2>&1 &
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
  "server --max_threads=$MAX_THREADS --db_pool_size=$DB_POOL_SIZE"
started=$EPOCHREALTIME
"${HELPER[@]}" seed "$PLANS"
echo "seeded $PLANS plans ($((PLANS - PLANS / 10)) submitted) in" \
  "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}') s," \
  "on top of" \
  "$(sed -n 's/.* I demo data: \([0-9]*\) plans added.*/\1/p' "$WORK/server.log")" \
  "demo plans"

echo "request bodies, each sent once through grpcio first:"
"${HELPER[@]}" frame itp.v1.PlanService/GetPlan "{\"name\": \"$INDIA_STEEL\"}" \
  "$WORK/get.bin"
"${HELPER[@]}" frame itp.v1.PlanService/ListPlans \
  '{"parent": "countries/-", "page_size": 50, "filter": "state = SUBMITTED"}' \
  "$WORK/list.bin"
"${HELPER[@]}" frame itp.v1.BenchmarkService/BenchmarkPlan \
  "{\"name\": \"$INDIA_STEEL\"}" "$WORK/benchmark.bin"

# start_load NAME METHOD BODY H2LOAD_ARGS...: starts h2load in the
# background and sets LOAD_PID; output in $WORK/NAME.out, per-request log in
# $WORK/NAME.tsv.
start_load() {
  local name=$1 method=$2 body=$3
  shift 3
  timeout "$H2LOAD_TIMEOUT_S" h2load "$@" -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "authorization: Bearer $KEY" --log-file="$WORK/$name.tsv" \
    "http://127.0.0.1:$PORT/$method" >"$WORK/$name.out" &
  LOAD_PID=$!
}

# finish_load NAME PID
finish_load() {
  wait "$2" || fail "h2load $1 failed or took over ${H2LOAD_TIMEOUT_S} s:
$(tail -n 5 "$WORK/$1.out")"
}

# report LABEL NAME METHOD LOG_OFFSET: prints one row for h2load run NAME;
# gRPC codes are those of METHOD in the server log after LOG_OFFSET bytes.
report() {
  local label=$1 name=$2 method=$3 offset=$4
  local out=$WORK/$name.out
  local req_s total http_failed latency calls grpc_ok codes detail
  req_s=$(awk '/^finished in/ {print $4}' "$out")
  read -r total http_failed < <(awk '/^requests:/ {print $2, $10}' "$out")
  latency=$(sort -t $'\t' -k3,3n "$WORK/$name.tsv" | awk -F '\t' '
    function rank(p,  i) { i = int(NR * p); if (i < NR * p) i++; return v[i > 0 ? i : 1] }
    { v[NR] = $3; sum += $3 }
    END { printf "%8.3f %8.3f %8.3f %8.3f", sum / NR / 1000, rank(0.5) / 1000,
          rank(0.99) / 1000, v[NR] / 1000 }')
  calls=$(tail -c +"$((offset + 1))" "$WORK/server.log" | grep -F "rpc /$method code=" || true)
  grpc_ok=$(grep -c ' code=OK ' <<<"$calls" || true)
  codes=$({ grep -v ' code=OK ' <<<"$calls" || true; } | sed -n 's/.* code=\([A-Z_]*\) .*/\1/p' |
    sort | uniq -c | awk '{printf " %s %s", $1, $2}')
  detail=${codes:+ gRPC:$codes}
  ((http_failed == 0)) || detail+=" h2load failed $http_failed"
  printf '%-34s %8s %8.0f %s  %s\n' "$label" "$total" "$req_s" "$latency" \
    "$((total - grpc_ok))${detail:+ (${detail# })}"
}

log_size() { stat -c %s "$WORK/server.log"; }

echo
printf '%-34s %8s %8s %8s %8s %8s %8s  %s\n' scenario requests 'req/s' \
  'mean ms' 'p50 ms' 'p99 ms' 'max ms' errors
# scenario LABEL NAME METHOD BODY H2LOAD_ARGS...
scenario() {
  local label=$1 name=$2 method=$3 offset
  offset=$(log_size)
  start_load "$name" "$method" "${@:4}"
  finish_load "$name" "$LOAD_PID"
  report "$label" "$name" "$method" "$offset"
}
scenario 'GetPlan, 1 stream (c1 m1)' get1 itp.v1.PlanService/GetPlan \
  "$WORK/get.bin" -n 50000 -c 1 -m 1
scenario 'GetPlan, 8 streams (c2 m4)' get8 itp.v1.PlanService/GetPlan \
  "$WORK/get.bin" -n 100000 -c 2 -m 4
scenario 'GetPlan, 32 streams (c4 m8)' get32 itp.v1.PlanService/GetPlan \
  "$WORK/get.bin" -n 100000 -c 4 -m 8
scenario 'ListPlans SUBMITTED, 8 streams' list itp.v1.PlanService/ListPlans \
  "$WORK/list.bin" -n 20000 -c 2 -m 4
scenario 'BenchmarkPlan IND steel, 8 streams' benchmark \
  itp.v1.BenchmarkService/BenchmarkPlan "$WORK/benchmark.bin" -n 10000 -c 2 -m 4

echo
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
