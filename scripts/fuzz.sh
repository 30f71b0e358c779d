#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, starting from the seed
# corpus in tests/fuzz/corpus/<target>. The targets are built in the ASan +
# UBSan build (scripts/sanitize.sh address builds them; this script builds
# them itself when that has not run). Inputs found along the way go to a
# scratch corpus in the build directory, never into the repository; a crash
# or a violated property leaves its input there (crash-*) and fails the run.
#
#   scripts/fuzz.sh                    # every target, ITP_FUZZ_SECONDS each (60)
#   scripts/fuzz.sh filter_fuzz        # one target
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" --sanitizers
dir="${ITP_ASAN_BUILD_DIR:-$root/build-asan}"
seconds="${ITP_FUZZ_SECONDS:-60}"
jobs="${ITP_BUILD_JOBS:-$(nproc)}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(plan_validation_fuzz filter_fuzz page_token_fuzz resource_names_fuzz
           cli_json_fuzz)
fi
if [ ! -f "$dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DITP_SANITIZE=address,undefined \
    -DITP_FUZZ=ON >/dev/null
fi
for t in "${targets[@]}"; do cmake --build "$dir" --target "$t" -j "$jobs"; done
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
summary=()
for t in "${targets[@]}"; do
  work="$dir/fuzz/$t"
  mkdir -p "$work/corpus"
  cp -n "$root/tests/fuzz/corpus/$t/"* "$work/corpus/" 2>/dev/null || true
  log="$work/last-run.log"
  echo "fuzz: $t for ${seconds}s" >&2
  if (cd "$work" && "$dir/tests/fuzz/$t" -max_total_time="$seconds" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        corpus > "$log" 2>&1); then
    result="ok"
  else
    result="FAILED (see $log)"
    status=1
    tail -40 "$log" >&2
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  summary+=("$(printf '%-22s %12s executions  coverage %6s  %s' "$t" "${runs:-?}" "${cov:-?}" "$result")")
done
printf '%s\n' "${summary[@]}"
exit "$status"
