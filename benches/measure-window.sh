#!/usr/bin/env bash
# Measures the release window under a private Xvfb (issue 5's numbers; not part of CI):
#   - cold start: from exec to the window being mapped, and to its first non-blank frame
#   - idle CPU over 60 s with 20 accounts (share of one core, from /proc/PID/stat)
#   - resident memory after 1 minute
# Usage: benches/measure-window.sh [path/to/mamori]   (default target/release/mamori)
set -euo pipefail
bin="${1:-target/release/mamori}"
work="$(mktemp -d)"
trap 'kill "${app:-}" "${xvfb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export MAMORI_CONFIG_DIR="$work/config" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY WAYLAND_SOCKET
vault="$work/vault.mamori"
"$bin" --vault "$vault" init --no-password >/dev/null 2>&1
keys=(JBSWY3DPEHPK3PXP GEZDGNBVGY3TQOJQ GAYTEMZUGU3DOOBZ MFRGGZDFMZTWQ2LK)
for i in $(seq 1 20); do
  "$bin" --vault "$vault" add --allow-duplicate --secret "${keys[$((i % 4))]}" \
    --issuer "Service $i" --name "admin$i@example.com" >/dev/null 2>&1
done
exec 3< <(Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp 2>/dev/null)
xvfb=$!
read -r display <&3
export DISPLAY=":$display"
hz=$(getconf CLK_TCK)
start=$(date +%s.%N)
"$bin" --vault "$vault" --lang en gui >/dev/null 2>&1 &
app=$!
until xdotool search --name '^Mamori$' >/dev/null 2>&1; do sleep 0.01; done
mapped=$(date +%s.%N)
# First frame: the window's pixels are no longer one colour.
until python3 - "$DISPLAY" <<'PY' 2>/dev/null
import sys
from PIL import ImageGrab
im = ImageGrab.grab(xdisplay=sys.argv[1]).crop((0, 0, 560, 640))
sys.exit(0 if len(im.getcolors(1 << 16) or [0] * 99) > 8 else 1)
PY
do sleep 0.02; done
painted=$(date +%s.%N)
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
t0=$(ticks); w0=$(date +%s.%N)
sleep 60
t1=$(ticks); w1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
python3 - "$start" "$mapped" "$painted" "$t0" "$t1" "$w0" "$w1" "$hz" "$rss" <<'PY'
import sys
start, mapped, painted, t0, t1, w0, w1, hz, rss = map(float, sys.argv[1:])
print(f"window mapped after  {mapped - start:.2f} s")
print(f"first painted frame  {painted - start:.2f} s (includes a screenshot poll of ~0.1 s)")
print(f"idle CPU, 20 accounts, {w1 - w0:.0f} s: {(t1 - t0) / hz / (w1 - w0) * 100:.2f} % of one core")
print(f"RSS after ~65 s       {rss / 1024:.1f} MiB")
PY
