#!/usr/bin/env bash
# `mamori scan FILE` against zxing-cpp's command-line reader on every file of every QR corpus,
# as whole processes (file decoding, process start and all): for each set, how many files
# Mamori is slower on, the median of Mamori's time over zxing-cpp's, and the sums; then the
# files where the difference is largest. Issue 18 asks for "no slower on the same file"; this
# is the file-by-file check behind the README's numbers.
#
# Needs the release binary, the zxing-cpp reader (benches/peers/build-zxing.sh) and the corpora
# under target/tmp, which `benches/qr-peers.sh` (or the qr_corpus bench) creates. The real
# samples in WebP are read from the bench's PNG copies, which both readers take. QR_RUNS (default
# 5) runs per file and reader, the median kept. About 10 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${QR_RUNS:-5}
mamori=target/release/mamori
zxing=target/peers/zxing-reader
bench=target/tmp/qr-corpus-bench
synth=target/tmp/synthetic-screens-v1-seed20240601
hard=target/tmp/synthetic-hard-v1-seed20240601
for need in "$mamori" "$zxing" "$bench/webp-as-png" "$bench/no-code" "$synth" "$hard"; do
    [[ -e $need ]] || { echo "missing $need: run benches/qr-peers.sh first" >&2; exit 1; }
done
source benches/peers/process-timing.sh

files() { # set name and its files, one "set<TAB>file" a line
    find tests/fixtures/qr-samples -type f \( -name '*.png' -o -name '*.jpg' \) | sed 's/^/real\t/'
    find "$bench/webp-as-png" -type f -name '*.png' | sed 's/^/real\t/'
    for size in 1080p 1440p 4k dual5760; do
        find "$synth/$size" -type f \( -name '*.png' -o -name '*.jpg' \) | sed "s/^/synthetic-$size\t/"
    done
    find "$hard" -type f \( -name '*.png' -o -name '*.jpg' \) | sed 's/^/harder\t/'
    find "$bench/no-code" -type f -name '*.png' | sed 's/^/no-code\t/'
}

table=$scratch/times.tsv
files | sort | while IFS=$'\t' read -r set file; do
    printf '%s\t%s\t%s\t%s\n' "$set" "$file" "$(median_us "$runs" "$mamori" scan "$file")" \
        "$(median_us "$runs" "$zxing" "$file")"
done >"$table"

echo "## Whole process, every file (median of $runs runs each)"
echo
echo "| set | files | Mamori slower on | median Mamori / zxing-cpp | sum, Mamori / zxing-cpp (s) |"
echo "|---|---|---|---|---|"
for set in $(cut -f1 "$table" | sort -u); do
    awk -F'\t' -v set="$set" '$1 == set { print $3 / $4, ($3 > $4), $3, $4 }' "$table" |
        sort -n | awk -v set="$set" '
            { ratio[NR] = $1; slower += $2; m += $3; z += $4 }
            END {
                median = (NR % 2) ? ratio[(NR + 1) / 2] : (ratio[NR / 2] + ratio[NR / 2 + 1]) / 2
                printf "| %s | %d | %d | %.2f | %.2f / %.2f |\n", set, NR, slower, median, m / 1e6, z / 1e6
            }'
done
echo
echo "Largest differences (ms, Mamori / zxing-cpp):"
awk -F'\t' '{ printf "%d\t%s\t%.1f / %.1f\n", $3 - $4, $2, $3 / 1000, $4 / 1000 }' "$table" |
    sort -rn | sed -n '1,10p' | cut -f2-
