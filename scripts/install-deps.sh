#!/bin/sh
# Install the Debian packages vardsim needs to build, test and render.
set -e
PKGS="build-essential pkg-config libgsl-dev libconfig-dev libcmocka-dev gnuplot-nox fonts-dejavu-core time"
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
