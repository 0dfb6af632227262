#!/bin/sh
# Make sure redis-server is installed, then print the path of its binary. Installs
# Debian's redis-server package where missing (needs root, as apt-get does); the tests
# start and stop their own server on 127.0.0.1 with it.
# Idempotent: when redis-server is already there, this only prints its path.
#
#   REDIS_SERVER=$(scripts/redis.sh)
#
# Settings (environment): REDIS_SERVER (a redis-server binary to use as it is).
set -eu

log() { echo "redis.sh: $*" >&2; }

if [ -n "${REDIS_SERVER:-}" ]; then
    [ -x "$REDIS_SERVER" ] || { log "REDIS_SERVER=$REDIS_SERVER is not an executable file"; exit 2; }
    echo "$REDIS_SERVER"
    exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # The package's own service is not needed: stop it if the install started one.
    apt-get install -y -qq --no-install-recommends redis-server >&2
    if command -v service >/dev/null 2>&1; then
        service redis-server stop >/dev/null 2>&1 || true
    fi
fi
command -v redis-server
