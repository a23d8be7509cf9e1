#!/usr/bin/env bash
# The official postgres image's entrypoint interface, in short: init an empty
# PGDATA from POSTGRES_* (or *_FILE), then run postgres as user postgres.
set -Eeo pipefail

file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-}
  if [ "${!var:-}" ] && [ "${!file_var:-}" ]; then
    echo >&2 "error: both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  local val=$def
  if [ "${!var:-}" ]; then val=${!var}; elif [ "${!file_var:-}" ]; then val=$(< "${!file_var}"); fi
  export "$var"="$val"
  unset "$file_var"
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  DATABASE_ALREADY_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

psql_run() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }

init_database() {
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
MSG
    exit 1
  fi
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    psql_run --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        echo "running $f"
        # shellcheck source=/dev/null
        . "$f"
        ;;
      *.sql) echo "running $f"; psql_run --dbname "$POSTGRES_DB" -f "$f" ;;
      *) ;;
    esac
  done
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ]; then
  setup_env
  mkdir -p "$PGDATA"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PGDATA"; chmod 00700 "$PGDATA"
    exec gosu postgres "${BASH_SOURCE[0]}" "$@"
  fi
  chmod 00700 "$PGDATA" 2>/dev/null || true
  if [ -z "$DATABASE_ALREADY_EXISTS" ]; then init_database; fi
  unset POSTGRES_PASSWORD
fi
exec "$@"
