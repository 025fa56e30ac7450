#!/usr/bin/env bash
# A headless browser for tests/tools/test_web_demo.py (liifgan-web): Debian's
# chromium and its driver, from apt. tools/setup_env.sh runs this script.
#
# Idempotent and fast: nothing happens when both are on PATH. Never fails the
# setup: without a browser (no apt-get, not root, no package) the test skips
# and says why. LIIFGAN_NO_BROWSER=1 skips the install.
set -uo pipefail
if [ "${LIIFGAN_NO_BROWSER:-0}" = 1 ]; then exit 0; fi
have() { command -v "$1" >/dev/null 2>&1; }
if have chromedriver && { have chromium || have chromium-browser; }; then
  exit 0
fi
skip() { echo "[browser] $1: the browser test will skip (tools/setup_browser.sh)"; exit 0; }
have apt-get || skip "no apt-get here; install chromium and chromedriver"
SUDO=()
if [ "$(id -u)" != 0 ]; then
  { have sudo && sudo -n true 2>/dev/null; } || skip "not root and no sudo"
  SUDO=(sudo -n)
fi
PKGS=(chromium chromium-driver)
install() {
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q \
    --no-install-recommends "${PKGS[@]}" >/dev/null
}
echo "[browser] apt-get install ${PKGS[*]}"
# a fresh machine's package lists may be missing or stale: update once
install || { "${SUDO[@]}" apt-get update -q >/dev/null && install; } \
  || skip "apt-get could not install ${PKGS[*]}"
