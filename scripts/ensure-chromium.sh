#!/usr/bin/env bash
# Playwright runs Debian's Chromium (it cannot download its own browsers here). Installs it when
# /usr/bin/chromium is missing; needs root or passwordless sudo.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "ensure-chromium: /usr/bin/chromium is missing, installing Debian's chromium package" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium || { echo "ensure-chromium: install failed" >&2; exit 1; }
