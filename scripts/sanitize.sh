#!/usr/bin/env bash
# Builds the project under a sanitizer in its own build directory and runs
# tests there; any sanitizer report fails the run.
#
#   scripts/sanitize.sh address      # ASan + UBSan (clang, with the libFuzzer
#                                    # targets), the whole suite: build-asan/
#   scripts/sanitize.sh thread       # TSan (clang): the tests of the
#                                    # threaded parts (worker pool, event
#                                    # bus, job runner, storage pool, the
#                                    # serving core): build-tsan/
#
# Extra arguments go to ctest (address) or to the test binaries (thread).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:?usage: scripts/sanitize.sh address|thread [args]}"
shift
"$root/scripts/install-deps.sh" --sanitizers
jobs="${ITP_BUILD_JOBS:-$(nproc)}"
supp="$root/tests/sanitizers"

configure() {  # dir, sanitizers, extra cmake args...
  local dir="$1" sanitizers="$2"
  shift 2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    # -O1 and line tables only: what sanitizer reports need, and a good
    # deal faster to build than -O2 -g.
    CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
      -DITP_SANITIZE="$sanitizers" \
      -DITP_WERROR="${ITP_WERROR:-OFF}" "$@" >/dev/null
  fi
}

case "$mode" in
  address)
    dir="${ITP_ASAN_BUILD_DIR:-$root/build-asan}"
    configure "$dir" address,undefined -DITP_FUZZ=ON
    cmake --build "$dir" -j "$jobs"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    cd "$dir"
    ctest --output-on-failure -j "${ITP_TEST_JOBS:-2}" "$@"
    ;;
  thread)
    dir="${ITP_TSAN_BUILD_DIR:-$root/build-tsan}"
    configure "$dir" thread
    tests=(common_test storage_test app_test service_test)
    for t in "${tests[@]}"; do cmake --build "$dir" --target "$t" -j "$jobs"; done
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    cd "$dir/tests"
    status=0
    for t in "${tests[@]}"; do
      echo "sanitize: $t under TSan" >&2
      "./$t" --gtest_brief=1 "$@" || status=1
    done
    exit "$status"
    ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread [args]" >&2
    exit 2
    ;;
esac
