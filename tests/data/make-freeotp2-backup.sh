#!/bin/sh
# Writes formats/freeotp2-externalBackup.xml with the JDK (17+): see make-freeotp2-backup/MakeBackup.java.
exec java "$(dirname "$0")/make-freeotp2-backup/MakeBackup.java" "$(dirname "$0")/formats/freeotp2-externalBackup.xml"
