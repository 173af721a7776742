#!/usr/bin/env bash
# Ganglion's one entry point for a fresh Debian 12 machine.
#   ./ganglion.sh          install what is missing, build (Release), open the workbench on the spiral example
#   ./ganglion.sh test     install what is missing, build, run the whole test suite headless
#   ./ganglion.sh build    install what is missing and build only
#   ./ganglion.sh test --sanitize [core]
#                          the suite (or only the core tests) built with ASan + UBSan in build-asan/
#   ./ganglion.sh fuzz [SECONDS]
#                          build the libFuzzer harnesses (clang) in build-fuzz/ and run each for
#                          SECONDS (default 60); prints exec/s and findings, fails on any finding
# Re-running is fast: apt is skipped when every package is present and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD=${GANGLION_BUILD_DIR:-$ROOT/build}
ASAN_BUILD=${GANGLION_ASAN_BUILD_DIR:-$ROOT/build-asan}
FUZZ_BUILD=${GANGLION_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins libgl-dev
  libvtk9-dev libeigen3-dev libhdf5-dev nlohmann-json3-dev libmuparser-dev
  liblz4-dev libzstd-dev zlib1g-dev
  xvfb xauth fonts-dejavu-core dataset-fashion-mnist
  python3-numpy libopenblas0-pthread  # the NumPy peers of the benchmarks (bench/peers: Hopfield, reservoir), on an optimised BLAS
)
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)  # libFuzzer and the clang sanitizer runtimes

install_missing() {  # [extra packages...]
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ganglion: installing ${#missing[@]} Debian packages: ${missing[*]}"
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "ganglion: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD" -j "$(nproc)"
}

# ASan + UBSan build of the suite: any finding fails the test that hit it.
export_sanitizer_options() {
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=0:strict_init_order=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
}

sanitize_test() {  # [core]
  if [ ! -f "$ASAN_BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$ASAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DGANGLION_SANITIZE=ON -DGANGLION_NATIVE=OFF
  fi
  local filter=()
  if [ "${1:-}" = core ]; then
    # Only the core tests that link just the core library: not the GUI suites, nor the tests that
    # run the app's executable (those need the whole app instrumented; the full run covers them).
    local tests
    tests=$(cd "$ROOT/tests/core" && grep -L GANGLION_EXE tst_*.cpp | sed 's/^/core_/; s/\.cpp$//')
    cmake --build "$ASAN_BUILD" -j "$(nproc)" --target $tests
    filter=(-R "^($(echo $tests | tr ' ' '|'))\$")
  else
    cmake --build "$ASAN_BUILD" -j "$(nproc)"
  fi
  export_sanitizer_options
  cd "$ASAN_BUILD"
  xrun ctest --output-on-failure --timeout 900 -j 2 "${filter[@]}"
}

fuzz() {  # SECONDS per harness
  local secs=${1:-60}
  if [ ! -f "$FUZZ_BUILD/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGANGLION_FUZZ=ON
  fi
  cmake --build "$FUZZ_BUILD" -j "$(nproc)"
  export ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1"
  local failed=0 dir name work log execs n crashes leaks timeouts ooms
  for dir in "$ROOT"/tests/fuzz/corpus/*/; do
    name=$(basename "$dir")
    work="$FUZZ_BUILD/fuzz-run/$name"
    rm -rf "$work"; mkdir -p "$work/corpus" "$work/findings"
    log="$work/log.txt"
    # New inputs go to the work corpus; the checked-in seeds are only read.
    "$FUZZ_BUILD/tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/findings/" "$work/corpus" "$dir" >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$(find "$work/findings" -name 'crash-*' | wc -l)
    leaks=$(find "$work/findings" -name 'leak-*' | wc -l)
    timeouts=$(find "$work/findings" -name 'timeout-*' | wc -l)
    ooms=$(find "$work/findings" -name 'oom-*' | wc -l)
    n=$((crashes + leaks + timeouts + ooms))
    printf 'fuzz: %-22s %8s exec/s  crashes %d  leaks %d  timeouts %d  out-of-memory %d\n' \
      "$name" "${execs:-?}" "$crashes" "$leaks" "$timeouts" "$ooms"
    if [ "$n" -gt 0 ]; then
      failed=1
      grep -E '^(SUMMARY|==[0-9]+==ERROR|fuzz target)|runtime error' "$log" | head -5 | sed 's/^/      /'
      find "$work/findings" -type f | sed 's/^/      input: /'
    elif [ -z "$execs" ]; then
      failed=1; echo "      the harness did not run to the end; see $log"
    fi
  done
  [ "$failed" -eq 0 ] || { echo "ganglion: fuzzing found problems (inputs above; add them to tests/fuzz/regressions/<harness>/ once fixed)" >&2; return 1; }
}

xrun() {  # run under a virtual X server when there is no display
  if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then "$@"; else xvfb-run -a -s '-screen 0 1600x1000x24' "$@"; fi
}

cmd=${1:-run}
case "$cmd" in
  run)
    install_missing; build
    shift || true
    if [ -z "${DISPLAY:-}" ]; then
      echo "ganglion: no DISPLAY; starting under xvfb-run (use a desktop session to see the window)"
    fi
    xrun "$BUILD/app/ganglion" --example spiral "$@" ;;
  test)
    if [ "${2:-}" = "--sanitize" ]; then
      install_missing; sanitize_test "${3:-}"
    else
      install_missing; build
      cd "$BUILD"
      xrun ctest --output-on-failure --timeout 600 -j 2
    fi ;;
  fuzz)
    install_missing "${FUZZ_PACKAGES[@]}"; fuzz "${2:-60}" ;;
  build)
    install_missing; build ;;
  *)
    echo "usage: ./ganglion.sh [run|test [--sanitize [core]]|build|fuzz [SECONDS]]" >&2; exit 1 ;;
esac
