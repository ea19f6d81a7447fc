#!/usr/bin/env bash
# Measures the release window under a private Xvfb (not part of CI; numbers go in the README):
#   - cold start: from exec to the window being mapped, and to its first non-blank frame
#   - idle CPU over 60 s (share of one core, from /proc/PID/stat), for each account count given
#   - resident memory after about a minute
# The counts are measured one after the other in the same run, so they can be compared: the
# list lays out only the rows in view, so 20 and 500 accounts should cost the same.
# Usage: benches/measure-window.sh [path/to/mamori] [ACCOUNTS...]   (default: release, 20 500)
# Needs Xvfb, xdotool and ImageMagick's `import` (a screenshot to see the first frame).
set -euo pipefail
bin="${1:-target/release/mamori}"
shift || true
counts=("${@:-20}")
if (($# == 0)); then counts=(20 500); fi
work="$(mktemp -d)"
trap 'kill "${app:-}" "${xvfb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export MAMORI_CONFIG_DIR="$work/config" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY WAYLAND_SOCKET
# -noreset: the server would reset whenever its last client leaves (between the counts),
# dropping a client that connects meanwhile (tests/integration/display.rs says more).
exec 3< <(Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp -noreset 2>/dev/null)
xvfb=$!
read -r display <&3
export DISPLAY=":$display"
hz=$(getconf CLK_TCK)

for count in "${counts[@]}"; do
  vault="$work/vault-$count.mamori"
  "$bin" --vault "$vault" init --no-password >/dev/null 2>&1
  list="$work/accounts-$count.txt"
  : >"$list"
  for i in $(seq 1 "$count"); do
    # A distinct 80-bit key per account (digits mapped to A-J), so none is a duplicate.
    key=$(printf '%016d' "$i" | tr 0-9 A-J)
    echo "otpauth://totp/Service%20$i:admin$i%40example.com?secret=$key&issuer=Service%20$i" >>"$list"
  done
  "$bin" --vault "$vault" import "$list" >/dev/null
  rm -f "$MAMORI_CONFIG_DIR/window.ron"
  start=$(date +%s.%N)
  "$bin" --vault "$vault" --lang en gui >/dev/null 2>&1 &
  app=$!
  until xdotool search --name '^Mamori$' >/dev/null 2>&1; do sleep 0.01; done
  mapped=$(date +%s.%N)
  # First frame: the window's pixels are no longer one colour.
  until [[ "$(import -window root -crop 560x640+0+0 -format '%k' info: 2>/dev/null || echo 0)" -gt 8 ]]; do
    sleep 0.02
  done
  painted=$(date +%s.%N)
  sleep 5
  ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
  t0=$(ticks)
  w0=$(date +%s.%N)
  sleep 60
  t1=$(ticks)
  w1=$(date +%s.%N)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
  python3 - "$count" "$start" "$mapped" "$painted" "$t0" "$t1" "$w0" "$w1" "$hz" "$rss" <<'PY'
import sys
count = sys.argv[1]
start, mapped, painted, t0, t1, w0, w1, hz, rss = map(float, sys.argv[2:])
print(f"{count} accounts: mapped {mapped - start:.2f} s, first frame {painted - start:.2f} s, "
      f"idle CPU over {w1 - w0:.0f} s {(t1 - t0) / hz / (w1 - w0) * 100:.2f} % of one core, "
      f"RSS {rss / 1024:.1f} MiB")
PY
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
done
