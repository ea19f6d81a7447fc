# Sourced by benches/qr-peers.sh and benches/qr-whole-process.sh, which time whole processes:
# a scratch home (removed on exit), so no vault or settings are read or touched, and the median
# wall time of a command.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data

median_us() { # runs command...: the median wall time of `runs` runs of the command, in µs
    local runs=$1 times=()
    shift
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        times+=($(((end - start) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
