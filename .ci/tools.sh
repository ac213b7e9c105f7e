#!/usr/bin/env bash
# Installs what the integration tests run against when it is missing: a
# private Mosquitto and PostgreSQL (started by the tests themselves),
# headless Chromium for the shopper's page, poppler/zbar to read printed
# tags back, and qemu user-mode emulation to run the Raspberry Pi binaries.
# As root it uses apt-get; otherwise it says what to install and, in CI,
# fails. Running it once before `go test` keeps parallel test packages from
# racing each other for the dpkg lock.
set -euo pipefail

missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v chromium-headless-shell >/dev/null 2>&1 || command -v chromium >/dev/null 2>&1 || missing+=(chromium-headless-shell)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
# qemu-user's dynamic emulators do as well (and its binfmt package conflicts with qemu-user-static).
{ command -v qemu-aarch64-static || command -v qemu-aarch64; } >/dev/null 2>&1 &&
  { command -v qemu-arm-static || command -v qemu-arm; } >/dev/null 2>&1 || missing+=(qemu-user-static)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the integration tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi
echo "the integration tests need: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
if [ -n "${CI:-}" ]; then exit 1; fi
echo "continuing: those tests will be skipped on this machine" >&2
