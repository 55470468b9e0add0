#!/usr/bin/env bash
# System packages the tests need: Debian's chromium (driven by Playwright), CJK fonts, and Java 17
# for the cross-checks on Spark (pyspark runs on the JVM).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q . && command -v java >/dev/null 2>&1; then
  exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk openjdk-17-jre-headless >/dev/null
