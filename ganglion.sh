#!/usr/bin/env bash
# Ganglion's one entry point for a fresh Debian 12 machine.
#   ./ganglion.sh          install what is missing, build (Release), open the workbench on the spiral example
#   ./ganglion.sh test     install what is missing, build, run the whole test suite headless
#   ./ganglion.sh build    install what is missing and build only
#   ./ganglion.sh test --sanitize
#                          the whole suite under ASan + UBSan, from one clang build in
#                          build-sanitize/ that also holds the libFuzzer harnesses (CI runs this)
#   ./ganglion.sh test --sanitize core
#                          only the core tests, from that build
#   ./ganglion.sh fuzz [SECONDS]
#                          the harnesses of that build; runs every libFuzzer harness for SECONDS
#                          (default 60), as many at once as there are cores; prints exec/s and
#                          findings per harness, fails on any finding
# Re-running is fast: apt is skipped when every package is present and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD=${GANGLION_BUILD_DIR:-$ROOT/build}
SAN_BUILD=${GANGLION_SANITIZE_BUILD_DIR:-$ROOT/build-sanitize}

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins libgl-dev
  libvtk9-dev libeigen3-dev libhdf5-dev nlohmann-json3-dev libmuparser-dev
  liblz4-dev libzstd-dev zlib1g-dev
  xvfb xauth fonts-dejavu-core dataset-fashion-mnist
  python3-numpy libopenblas0-pthread  # the NumPy peers of the benchmarks (bench/peers: Hopfield, reservoir), on an optimised BLAS
  python3-torch libopenblas0-openmp   # the PyTorch peers (bench_rnn: ../shared/peers/torch_rnn.py) and the PyTorch export tests (core_tst_torch_*), OpenBLAS built for OpenMP
  python3-brian                       # Brian2: runs the scripts of the Brian2 export in its tests (core_tst_brian2_export)
)
SAN_PACKAGES=(clang-14 libclang-rt-14-dev libgl1-mesa-dri lld)  # libFuzzer and the clang sanitizer runtimes; the GL driver the GUI tests preload there (tests/CMakeLists.txt); LLVM's linker (4-5x faster links)

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
  export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizer/lsan.supp:print_suppressions=0"  # third-party only
}

# The sanitizer build: clang, ASan + UBSan on everything (libFuzzer's coverage instrumentation
# only in the loaders, tests/fuzz/coverage_allowlist.txt), -O2 and line tables only (enough for
# symbolised stacks; full debug info only slows the build). -O2 rather than -O1 for the
# Eigen-heavy tests (core_tst_kan_examples 117 s at -O1, 51 s at -O2 under ASan; 2 s in Release).
sanitize_build() {  # [targets...]
  if [ ! -f "$SAN_BUILD/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$SAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only" \
      -DGANGLION_SANITIZE=ON -DGANGLION_NATIVE=OFF
  fi
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$SAN_BUILD" -j "$(nproc)" "${targets[@]}"
}

sanitize_test() {  # [core]
  local filter=()
  if [ "${1:-}" = core ]; then
    # only the core tests' executables (and what they need, e.g. the app for core_tst_cli)
    local names
    names=$(cd "$ROOT/tests/core" && ls tst_*.cpp | sed 's/^/core_/; s/\.cpp$//')
    # shellcheck disable=SC2086
    sanitize_build $names
    filter=(-R '^core_')
  else
    sanitize_build
  fi
  export_sanitizer_options
  cd "$SAN_BUILD"
  xrun ctest --output-on-failure --timeout 900 -j "$(nproc)" "${filter[@]}"
}

# One harness for SECONDS; its result lines go to $work/result. A crash, hang or memory blow-up
# whose stack reaches libhdf5 before any code of ours (the nir harness parses HDF5 in-process; the
# workbench runs that parser only in the ganglion-h5-reader helper, whose process, time and memory
# limits contain it) is counted apart and the harness goes on for the rest of its time, from the
# corpus it has built; any other finding stops it and fails the run.
fuzz_one() {  # name seconds
  local name=$1 secs=$2
  local work="$SAN_BUILD/fuzz-run/$name" end=$((SECONDS + secs)) left execs log runs=0 crashes=0 leaks=0
  local timeouts=0 ooms=0 hdf5=0 f first status="ok"
  rm -rf "$work"; mkdir -p "$work/corpus" "$work/findings" "$work/hdf5"
  while left=$((end - SECONDS)); [ "$left" -gt 0 ] && [ "$runs" -lt 50 ]; do
    runs=$((runs + 1)); log="$work/log-$runs.txt"
    # New inputs go to the work corpus; the checked-in seeds are only read.
    "$SAN_BUILD/tests/fuzz/fuzz_$name" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/findings/" "$work/corpus" "$ROOT/tests/fuzz/corpus/$name" \
      >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    f=$(find "$work/findings" -type f | head -1)
    [ -n "$f" ] || break
    # The first stack frame in libhdf5 or in our sources (not the sanitizer or libFuzzer runtime,
    # which live in the binary). That includes leaks allocated inside libhdf5: a failing H5Dread
    # of variable-length strings leaks what it converted before failing, none of it handed to us.
    # (What libhdf5 does hand us is freed on every path; the sanitizer run of the regression
    # replay, which reads every seed, would show a string we forgot.)
    first=$(grep -oE "#[0-9]+ 0x[0-9a-f]+ .*(libhdf5|$ROOT/(core|tests)/)" "$log" | head -1 || true)
    if [[ "$first" == *libhdf5* ]]; then
      hdf5=$((hdf5 + 1)); mv "$f" "$work/hdf5/"
      continue
    fi
    case $(basename "$f") in
      crash-*) crashes=1 ;; leak-*) leaks=1 ;; timeout-*) timeouts=1 ;; oom-*) ooms=1 ;; *) crashes=1 ;;
    esac
    status="finding"
    break
  done
  [ -n "$execs" ] || [ "$status" = finding ] || [ "$hdf5" -gt 0 ] || status="did not run to the end"
  {
    printf 'fuzz: %-22s %8s exec/s  crashes %d  leaks %d  timeouts %d  out-of-memory %d' \
      "$name" "${execs:-?}" "$crashes" "$leaks" "$timeouts" "$ooms"
    [ "$hdf5" -eq 0 ] || printf '  inside libhdf5 %d (contained by the helper; inputs in %s)' "$hdf5" "$work/hdf5"
    echo
    if [ "$status" = finding ]; then
      { grep -E '^(SUMMARY|==[0-9]+==ERROR|fuzz target)|runtime error' "$log" || true; } | head -5 | sed 's/^/      /'
      find "$work/findings" -type f | sed 's/^/      input: /'
    elif [ "$status" != ok ]; then
      echo "      the harness $status; see $log"
    fi
  } >"$work/result"
  [ "$status" = ok ] || touch "$work/failed"
}

fuzz() {  # SECONDS per harness
  local secs=${1:-60} jobs name failed=0
  jobs=$(nproc)
  local harnesses=()
  for name in "$ROOT"/tests/fuzz/corpus/*/; do harnesses+=("fuzz_$(basename "$name")"); done
  sanitize_build "${harnesses[@]}"
  export ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1"
  local names=()
  for name in "$ROOT"/tests/fuzz/corpus/*/; do names+=("$(basename "$name")"); done
  # As many harnesses at once as there are cores (each libFuzzer process uses one).
  for name in "${names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    fuzz_one "$name" "$secs" &
  done
  wait
  for name in "${names[@]}"; do
    cat "$SAN_BUILD/fuzz-run/$name/result"
    [ ! -e "$SAN_BUILD/fuzz-run/$name/failed" ] || failed=1
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
      install_missing "${SAN_PACKAGES[@]}"
      sanitize_test "${3:-}"
    else
      install_missing; build
      cd "$BUILD"
      xrun ctest --output-on-failure --timeout 600 -j 2
    fi ;;
  fuzz)
    install_missing "${SAN_PACKAGES[@]}"; fuzz "${2:-60}" ;;
  build)
    install_missing; build ;;
  *)
    echo "usage: ./ganglion.sh [run|test [--sanitize [core]]|build|fuzz [SECONDS]]" >&2; exit 1 ;;
esac
