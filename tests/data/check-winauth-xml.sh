#!/bin/sh
# Reads the winauth.xml fixtures of tests/data/formats/ (written by make-winauth-xml.py with
# hashlib + OpenSSL) a second time with BouncyCastle for Java, and checks every code at Unix
# time 1700000000. Needs a JDK 11+ and Debian's libbcprov-java (apt-get install libbcprov-java).
set -eu
cd "$(dirname "$0")"
bc=${BCPROV_JAR:-/usr/share/java/bcprov.jar}
[ -r "$bc" ] || { echo "missing $bc: apt-get install libbcprov-java" >&2; exit 1; }
exec java -cp "$bc" check-winauth-xml/CheckWinauthXml.java formats/winauth-plain.xml formats/winauth-password.xml \
  formats/winauth-authpassword.xml formats/winauth-dpapi-user.xml formats/winauth-yubikey.xml
