#!/usr/bin/env bash
# Debian packages fazhi's tests need: Chromium for the browser tests.
# Installs them with apt-get when missing and we are root; otherwise says what to install.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# CJK fonts, so pages and PDFs render Chinese (screenshots, LibreOffice).
fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk\|noto serif cjk" || need+=(fonts-wqy-microhei fontconfig)
# nginx and systemd-analyze, which check the deployment files (tests/deploy).
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
