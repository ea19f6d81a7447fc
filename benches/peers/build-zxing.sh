#!/usr/bin/env bash
# Builds zxing-cpp's core (the version Mamori's QR numbers are compared with) and
# benches/peers/zxing_reader.cpp against it, into target/peers/zxing-reader. Used by
# benches/qr-peers.sh; not part of the test suite.
#
# Needs g++, cmake and ninja (from PyPI when missing: `pip install cmake ninja`) and stb_image
# (Debian's libstb-dev, installed when missing and root). The source is the zxing-cpp sdist on
# PyPI (Apache-2.0), checked against its SHA-256.
set -euo pipefail
VERSION=3.1.1
SHA256=1051a521b21a9fe206702ad4186aeb195154e3e1badcd99576d030723f36382b
URL=https://files.pythonhosted.org/packages/b9/30/ad0e0352c593712ebb47143571ff11b130812e2852d7540e7c80cdf23340/zxing_cpp-$VERSION.tar.gz

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/target/peers
mkdir -p "$out"
if [[ -x $out/zxing-reader && $out/zxing-reader -nt $root/benches/peers/zxing_reader.cpp ]]; then
    echo "$out/zxing-reader is up to date"
    exit 0
fi
if [[ ! -f /usr/include/stb/stb_image.h ]]; then
    if [[ $(id -u) == 0 ]]; then apt-get install -y libstb-dev >/dev/null; else sudo apt-get install -y libstb-dev >/dev/null; fi
fi
command -v cmake >/dev/null && command -v ninja >/dev/null || pip install --quiet cmake ninja
cd "$out"
if [[ ! -d zxing_cpp-$VERSION ]]; then
    curl -sSfL -o zxing-cpp.tar.gz "$URL"
    echo "$SHA256  zxing-cpp.tar.gz" | sha256sum -c --quiet
    tar xzf zxing-cpp.tar.gz
fi
cmake -S "zxing_cpp-$VERSION/core" -B zxing-build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DZXING_READERS=ON -DZXING_WRITERS=OFF -DBUILD_SHARED_LIBS=OFF >/dev/null
ninja -C zxing-build >/dev/null
g++ -O2 -std=c++20 -I "zxing_cpp-$VERSION/core/src" -I zxing-build \
    "$root/benches/peers/zxing_reader.cpp" zxing-build/libZXing.a -o zxing-reader
echo "built $out/zxing-reader (zxing-cpp $VERSION)"
