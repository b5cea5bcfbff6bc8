#!/usr/bin/env bash
# Install Debian's chromium and chromium-driver for the browser tests when they are missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "error: the web chat tests need Debian's chromium and chromium-driver; run: sudo apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "==> Installing chromium and chromium-driver (Debian packages) for the browser tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
