#!/usr/bin/env bash
# Builds the Linux packages from a clean tree:
#   target/debian/mamori_VERSION-1_ARCH.deb      (cargo deb; metadata in Cargo.toml)
#   target/dist/mamori-VERSION-ARCH-linux.tar.gz (binary, README, licences, desktop files)
# Installs cargo-deb and cargo-about (pinned) into ~/.cargo/bin when missing, and the Debian
# packages the build needs (.ci/install-deps).
set -euo pipefail
cd "$(dirname "$0")/../.."

CARGO_DEB_VERSION=3.8.0
CARGO_ABOUT_VERSION=0.9.3

.ci/install-deps
for tool in "cargo-deb@$CARGO_DEB_VERSION" "cargo-about@$CARGO_ABOUT_VERSION"; do
  name="${tool%@*}"
  version="${tool#*@}"
  if ! "$name" --version 2>/dev/null | grep -qF "$version"; then
    echo "installing $tool" >&2
    features=()
    # cargo-about builds its binary only with the `cli` feature.
    [[ "$name" == cargo-about ]] && features=(--features cli)
    cargo install --locked --quiet "${features[@]}" "$tool"
    command -v "$name" >/dev/null || { echo "installing $tool gave no $name" >&2; exit 1; }
  fi
done

version="$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')"
arch="$(uname -m)"

cargo build --release --locked
mkdir -p target/licenses
cargo about generate --locked --fail \
  -c packaging/licenses/about.toml packaging/licenses/about.hbs \
  -o target/licenses/THIRD-PARTY-LICENSES.html
cargo deb --no-build --locked

stage="target/dist/mamori-$version"
rm -rf "$stage"
mkdir -p "$stage/share/applications" "$stage/share/metainfo" "$stage/share/icons"
cp target/release/mamori README.md LICENSE-MIT LICENSE-APACHE \
  assets/fonts/LICENSE-NotoSansCJK.txt target/licenses/THIRD-PARTY-LICENSES.html "$stage/"
cp packaging/linux/io.github.mamori.Mamori.desktop "$stage/share/applications/"
cp packaging/linux/io.github.mamori.Mamori.metainfo.xml "$stage/share/metainfo/"
cp -r assets/icons/hicolor "$stage/share/icons/"
for png in "$stage"/share/icons/hicolor/*/apps/mamori.png; do
  mv "$png" "$(dirname "$png")/io.github.mamori.Mamori.png"
done
tar -C target/dist -czf "target/dist/mamori-$version-$arch-linux.tar.gz" "mamori-$version"

ls -l target/release/mamori target/debian/*.deb "target/dist/mamori-$version-$arch-linux.tar.gz"
