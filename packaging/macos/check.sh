#!/usr/bin/env bash
# Type-checks Mamori for both macOS architectures from Linux (what CI can do without a Mac):
# every cfg(target_os = "macos") path of Mamori and its dependencies — the session-lock watcher
# (CoreGraphics), screen-capture protection, screen capture (xcap), the clipboard, the window,
# the global hotkey and the menu-bar icon (global-hotkey, tray-icon) —
# compiles with all features. Not checked: linking (needs Apple's SDK), running, signing.
#
# Usage: packaging/macos/check.sh   (installs the two rustup targets when missing)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
targets=(aarch64-apple-darwin x86_64-apple-darwin)
for target in "${targets[@]}"; do
  if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
done
start=$(date +%s)
# tee -a: opening /dev/stderr without O_APPEND truncates a log file that stderr goes to
# (it did: a CI log kept only its last 273 lines).
cargo check --locked --all-features --target aarch64-apple-darwin --target x86_64-apple-darwin \
  --message-format short 2>&1 | tee -a /dev/stderr | { ! grep -E '(^|: )(warning|error)(\[|:)' >/dev/null; }
echo "macOS type-check of ${targets[*]}: clean ($(($(date +%s) - start)) s)"
