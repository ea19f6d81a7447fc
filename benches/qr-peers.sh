#!/usr/bin/env bash
# Mamori's QR reading beside zxing-cpp's, in one run (issue 18; numbers in the README):
#  1. every corpus decoded from memory: Mamori on one core and on every core, zxing-cpp on one
#     (benches/qr_corpus.rs), then each group again under criterion;
#  2. whole processes: `mamori scan FILE` against zxing-cpp's command-line reader on the same
#     files (file decoding, process start and all), median of 11 runs each.
# Needs g++ and network access to PyPI once (benches/peers/build-zxing.sh). About 35 minutes on
# two cores. QR_REPS and QR_SETS are passed on to the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
benches/peers/build-zxing.sh
cargo build --release --locked --bin mamori
last_core=$(($(nproc) - 1))

echo "## In memory, one core"
taskset -c "$last_core" cargo bench --locked --bench qr_corpus 2>/dev/null
echo
echo "## In memory, $(nproc) cores (zxing-cpp on one)"
cargo bench --locked --bench qr_corpus 2>/dev/null

# Whole processes.
source benches/peers/process-timing.sh
synth=$(ls -d target/tmp/synthetic-screens-v1-seed20240601)
nocode=target/tmp/qr-corpus-bench/no-code
median_ms() { # command...: the median wall time of 11 runs, in ms
    median_us 11 "$@" | awk '{printf "%.1f", $1 / 1000}'
}
echo
echo "## Whole process, ms (median of 11)"
echo
echo "| file | mamori scan | zxing-reader |"
echo "|---|---|---|"
for file in "$synth/1080p/clean_m3_0.png" "$synth/4k/clean_m3_0.png" "$synth/4k/jpeg_m3_0.jpg" \
    "$synth/dual5760/two_m3_0.png" "$nocode/4k_clean_m3_0_png.png" "$nocode/1080p_clean_m3_0_png.png" \
    "tests/fixtures/qr-samples/qrcode-2/#1086.png"; do
    [[ -f $file ]] || continue
    echo "| ${file#target/tmp/} | $(median_ms target/release/mamori scan "$file") | $(median_ms target/peers/zxing-reader "$file") |"
done
