#!/bin/sh
# Make sure a headless-capable Chromium is installed, then print the path of its binary.
# Installs Debian's chromium package where none is found (needs root, as apt-get does).
# Idempotent: when a browser is already there, this only prints its path.
#
#   CHROMIUM=$(scripts/chromium.sh)
#
# Settings (environment): CHROMIUM (a browser binary to use as it is; nothing is installed).
set -eu

log() { echo "chromium.sh: $*" >&2; }

found() {
    for name in chromium chromium-browser google-chrome; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] || { log "CHROMIUM=$CHROMIUM is not an executable file"; exit 2; }
    echo "$CHROMIUM"
    exit 0
fi

if found; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    log "no Chromium found and not root: install Debian's chromium package, or set CHROMIUM to a browser binary"
    exit 1
fi

log "installing Chromium"
export DEBIAN_FRONTEND=noninteractive
# Bounded: a package mirror that stops answering fails the run instead of hanging it.
timeout 300 apt-get update -qq >&2
timeout 900 apt-get install -y -qq --no-install-recommends chromium >&2
found || { log "chromium was installed but no binary is on PATH"; exit 1; }
