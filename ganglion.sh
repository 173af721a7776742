#!/usr/bin/env bash
# Ganglion's one entry point for a fresh Debian 12 machine.
#   ./ganglion.sh          install what is missing, build (Release), open the workbench on the spiral example
#   ./ganglion.sh test     install what is missing, build, run the whole test suite headless
#   ./ganglion.sh build    install what is missing and build only
# Re-running is fast: apt is skipped when every package is present and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD=${GANGLION_BUILD_DIR:-$ROOT/build}

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins libgl-dev
  libvtk9-dev libeigen3-dev libhdf5-dev nlohmann-json3-dev libmuparser-dev
  liblz4-dev libzstd-dev zlib1g-dev
  xvfb xauth fonts-dejavu-core dataset-fashion-mnist
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
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
    install_missing; build
    cd "$BUILD"
    xrun ctest --output-on-failure --timeout 600 -j 2 ;;
  build)
    install_missing; build ;;
  *)
    echo "usage: ./ganglion.sh [run|test|build]" >&2; exit 1 ;;
esac
