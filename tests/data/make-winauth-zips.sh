#!/bin/sh
# Writes the WinAuth ZIP fixtures of tests/data/formats/ with Info-ZIP's zip (an implementation
# independent of Mamori; ZipCrypto, as WinAuth's SharpZipLib writes by default):
#   winauth-export.zip           winauth.txt as winauth-export.txt, no password
#   winauth-export-password.zip  the same plus a WinAuth Steam line (more.txt), password
#                                "winauth export 3.6"
set -eu
cd "$(dirname "$0")/formats"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp winauth.txt "$work/winauth-export.txt"
printf 'otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&digits=5&issuer=Steam&deviceid=android%%3A0000&data=%%7B%%7D\r\n' >"$work/more.txt"
rm -f winauth-export.zip winauth-export-password.zip
(cd "$work" && zip -q -X winauth-export.zip winauth-export.txt &&
  zip -q -X -P "winauth export 3.6" winauth-export-password.zip winauth-export.txt more.txt)
cp "$work/winauth-export.zip" "$work/winauth-export-password.zip" .
