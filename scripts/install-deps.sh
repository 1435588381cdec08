#!/bin/sh
# Install the Debian packages vardsim needs to build, test and render.
set -e
# Build and test: GSL, libconfig, cmocka, gnuplot. xlsx: libxlsxwriter (write),
# libzip + expat (read). MPI: Open MPI. Report: Chromium (headless). Fuzzing:
# clang with its sanitizer runtimes. Checks: ImageMagick, poppler, valgrind, python3.
PKGS="build-essential pkg-config libgsl-dev libconfig-dev libcmocka-dev gnuplot-nox fonts-dejavu-core time \
      libxlsxwriter-dev libzip-dev libexpat1-dev openmpi-bin libopenmpi-dev chromium \
      clang libclang-rt-14-dev imagemagick poppler-utils valgrind python3 man-db"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
