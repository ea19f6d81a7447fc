#!/usr/bin/env bash
# Measures the window hidden (not part of CI; numbers go in the README), under a private Xvfb:
#   - idle CPU of `mamori gui --hidden` over SECONDS (default 300), as a share of one core,
#     from /proc/PID/stat: the cost of keeping Mamori ready in the background
#   - the latency from the global hotkey (xdotool key ctrl+alt+m) to the quick pick window
#     being mapped, and from `mamori gui --quick-pick` (a second process) to the same, over
#     10 rounds each (Esc hides it between rounds); median and worst
# Usage: benches/measure-hidden.sh [path/to/mamori] [SECONDS]   (default: release, 300)
# Needs Xvfb and xdotool.
set -euo pipefail
bin="${1:-target/release/mamori}"
seconds="${2:-300}"
work="$(mktemp -d)"
trap 'kill "${app:-}" "${xvfb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export MAMORI_CONFIG_DIR="$work/config" XDG_RUNTIME_DIR="$work/run" MAMORI_VAULT="$work/vault.mamori"
mkdir -p "$XDG_RUNTIME_DIR" "$MAMORI_CONFIG_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
echo '{"clock_check": false}' >"$MAMORI_CONFIG_DIR/settings.json"
unset WAYLAND_DISPLAY WAYLAND_SOCKET
exec 3< <(Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp -noreset 2>/dev/null)
xvfb=$!
read -r display <&3
export DISPLAY=":$display"
hz=$(getconf CLK_TCK)
"$bin" init --no-password >/dev/null 2>&1
for i in $(seq 1 20); do
  key=$(printf '%016d' "$i" | tr 0-9 A-J)
  "$bin" add --uri "otpauth://totp/Service%20$i:admin$i?secret=$key&issuer=Service%20$i" >/dev/null 2>&1
done
"$bin" --lang en gui --hidden >/dev/null 2>&1 &
app=$!
until ls "$XDG_RUNTIME_DIR"/*.sock >/dev/null 2>&1; do sleep 0.05; done
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
t0=$(ticks); w0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); w1=$(date +%s.%N)
python3 -c "import sys; t0,t1,w0,w1,hz=map(float,sys.argv[1:]); print(f'hidden: {(t1-t0)/hz/(w1-w0)*100:.3f} % of one core over {w1-w0:.0f} s ({t1-t0:.0f} ticks)')" "$t0" "$t1" "$w0" "$w1" "$hz"

# Milliseconds from START until the quick pick is mapped (polled with xdotool, a few ms each).
until_shown() {
  local start=$1
  until xdotool search --onlyvisible --name '^Mamori Quick Pick$' >/dev/null 2>&1; do sleep 0.002; done
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%d\n", (b - a) * 1000 }'
}
hide() {
  local id
  id=$(xdotool search --onlyvisible --name '^Mamori Quick Pick$' | head -n 1)
  # No window manager: focus the quick pick, then Esc through XTEST (a synthetic
  # `key --window` Esc is not seen).
  xdotool windowfocus --sync "$id"
  xdotool key Escape
  while xdotool search --onlyvisible --name '^Mamori' >/dev/null 2>&1; do sleep 0.02; done
  sleep 1
}
report() {
  python3 -c "import sys,statistics as s; v=sorted(map(int,sys.argv[2:])); print(f'{sys.argv[1]}: median {s.median(v):.0f} ms, worst {v[-1]} ms over {len(v)} rounds')" "$@"
}
hotkey=()
for _ in $(seq 1 10); do
  start=$(date +%s.%N); xdotool key ctrl+alt+m; hotkey+=("$(until_shown "$start")"); hide
done
report "hotkey to quick pick" "${hotkey[@]}"
second=()
for _ in $(seq 1 10); do
  start=$(date +%s.%N); "$bin" gui --quick-pick >/dev/null 2>&1; second+=("$(until_shown "$start")"); hide
done
report "gui --quick-pick (second process) to quick pick" "${second[@]}"
# And hidden again after showing: the same idle cost as before.
t0=$(ticks); w0=$(date +%s.%N); sleep 60; t1=$(ticks); w1=$(date +%s.%N)
python3 -c "import sys; t0,t1,w0,w1,hz=map(float,sys.argv[1:]); print(f'hidden again after the quick pick: {(t1-t0)/hz/(w1-w0)*100:.3f} % of one core over {w1-w0:.0f} s')" "$t0" "$t1" "$w0" "$w1" "$hz"
