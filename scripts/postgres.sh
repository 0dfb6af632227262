#!/bin/sh
# Make sure a local PostgreSQL server runs and has a role and database for tests,
# then print its DATABASE_URL. Installs PostgreSQL (Debian/Ubuntu) where missing.
# Idempotent: when the server already runs, this only checks the role and database.
#
#   DATABASE_URL=$(scripts/postgres.sh)
#
# Settings (environment): PGTEST_USER (flaskgen), PGTEST_PASSWORD (flaskgen),
# PGTEST_DB (flaskgen_test), PGTEST_PORT (5432).
set -eu

user=${PGTEST_USER:-flaskgen}
password=${PGTEST_PASSWORD:-flaskgen}
database=${PGTEST_DB:-flaskgen_test}
port=${PGTEST_PORT:-5432}
url="postgresql://$user:$password@127.0.0.1:$port/$database"

log() { echo "postgres.sh: $*" >&2; }

# The names go into SQL and a URL as they are: plain identifiers only.
for name in "$user" "$database"; do
    case $name in
        "" | [0-9]* | *[!a-z0-9_]*)
            log "'$name' is not a plain name (lowercase letters, digits and _, not first a digit): set PGTEST_USER and PGTEST_DB to one"
            exit 2 ;;
    esac
done

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

ready() { pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; }

# Fast path: server up and the test database reachable with the test role.
if ready && PGPASSWORD=$password psql -q -h 127.0.0.1 -p "$port" -U "$user" -d "$database" -c "select 1" >/dev/null 2>&1; then
    echo "$url"
    exit 0
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    log "installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

if ! ready; then
    if command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        version=$(pg_lsclusters -h | awk -v p="$port" '$3 == p {print $1; exit}')
        cluster=$(pg_lsclusters -h | awk -v p="$port" '$3 == p {print $2; exit}')
        if [ -z "$version" ]; then
            version=$(pg_lsclusters -h | awk 'NR == 1 {print $1}')
            cluster=$(pg_lsclusters -h | awk 'NR == 1 {print $2}')
        fi
        log "starting cluster $version/$cluster"
        pg_ctlcluster "$version" "$cluster" start >&2
    else
        export PGHOST=/tmp
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
        data=/var/lib/postgresql/flaskgen-test
        if [ ! -s "$data/PG_VERSION" ]; then
            log "creating a data folder in $data"
            mkdir -p "$data" && chown postgres "$data" 2>/dev/null || true
            as_postgres "$bin/initdb -D $data -A trust -U postgres" >&2
        fi
        log "starting the server on port $port"
        as_postgres "$bin/pg_ctl -D $data -o '-p $port -k /tmp' -l $data/server.log -w start" >&2
    fi
    tries=0
    until ready; do
        tries=$((tries + 1))
        [ "$tries" -gt 60 ] && { log "the server did not start"; exit 1; }
        sleep 0.5
    done
fi

# Role and database (as the postgres superuser over the local socket).
psql_admin() { as_postgres "psql -v ON_ERROR_STOP=1 -q -p $port -d postgres -tAc \"$1\""; }
if [ "$(psql_admin "select 1 from pg_roles where rolname = '$user'")" != 1 ]; then
    psql_admin "create role $user login password '$password' createdb" >&2
fi
if [ "$(psql_admin "select 1 from pg_database where datname = '$database'")" != 1 ]; then
    psql_admin "create database $database owner $user" >&2
fi
echo "$url"
