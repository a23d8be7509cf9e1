#!/usr/bin/env bash
# The official mariadb image's entrypoint interface, in short: init an empty
# data folder from MARIADB_* / MYSQL_* (or *_FILE), then run mariadbd as mysql.
set -Eeo pipefail

file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-}
  local mysql_var="MYSQL_${1#MARIADB_}" mysql_file="MYSQL_${1#MARIADB_}_FILE"
  local val=$def
  if [ "${!var:-}" ]; then val=${!var}
  elif [ "${!file_var:-}" ]; then val=$(< "${!file_var}")
  elif [ "${!mysql_var:-}" ]; then val=${!mysql_var}
  elif [ "${!mysql_file:-}" ]; then val=$(< "${!mysql_file}")
  fi
  export "$var"="$val"
  unset "$file_var" "$mysql_file"
}

setup_env() {
  file_env MARIADB_ROOT_PASSWORD
  file_env MARIADB_ROOT_HOST %
  file_env MARIADB_DATABASE
  file_env MARIADB_USER
  file_env MARIADB_PASSWORD
  file_env MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
  file_env MARIADB_RANDOM_ROOT_PASSWORD
  DATADIR=/var/lib/mysql
  DATABASE_ALREADY_EXISTS=
  if [ -d "$DATADIR/mysql" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

init_database() {
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    echo >&2 'error: database is uninitialized and password option is not specified'
    echo >&2 '  You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
    exit 1
  fi
  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD=$(pwgen --numerals --capitalize --symbols --remove-chars="'\\" -1 32)
    echo "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
    --rpm --old-mode='UTF8_IS_UTF8MB3' --cross-bootstrap --skip-name-resolve > /dev/null
  local socket=/run/mysqld/mysqld.sock
  mariadbd --skip-networking --socket="$socket" "${@:2}" &
  local pid=$! tries
  for tries in $(seq 60); do
    mariadb --protocol=socket --socket="$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    [ "$tries" = 60 ] && { echo >&2 'error: the temporary server did not answer within 60 s'; exit 1; }
    sleep 1
  done
  local hc_pass; hc_pass=$(pwgen -1 32)
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.user WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
    echo "SET PASSWORD FOR 'root'@'localhost'=PASSWORD('$(sql_escape "$MARIADB_ROOT_PASSWORD")');"
    if [ "$MARIADB_ROOT_HOST" != localhost ]; then
      echo "CREATE USER 'root'@'$MARIADB_ROOT_HOST' IDENTIFIED BY '$(sql_escape "$MARIADB_ROOT_PASSWORD")';"
      echo "GRANT ALL ON *.* TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;"
    fi
    local h
    for h in 127.0.0.1 ::1 localhost; do
      echo "CREATE USER 'healthcheck'@'$h' IDENTIFIED BY '$hc_pass';"
      echo "GRANT USAGE ON *.* TO 'healthcheck'@'$h';"
    done
    if [ -n "$MARIADB_DATABASE" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"; fi
    if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
      echo "CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_PASSWORD")';"
      if [ -n "$MARIADB_DATABASE" ]; then echo "GRANT ALL ON \`${MARIADB_DATABASE//_/\\_}\`.* TO '$MARIADB_USER'@'%';"; fi
    fi
  } | mariadb --protocol=socket --socket="$socket" -uroot --binary-mode
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\nprotocol=tcp\n' \
    "$socket" "$hc_pass" > "$DATADIR/.my-healthcheck.cnf"
  chmod 0600 "$DATADIR/.my-healthcheck.cnf"
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        echo "running $f"
        # shellcheck source=/dev/null
        . "$f"
        ;;
      *.sql) echo "running $f"; mariadb --protocol=socket --socket="$socket" -uroot -p"$MARIADB_ROOT_PASSWORD" "${MARIADB_DATABASE:+--database=$MARIADB_DATABASE}" < "$f" ;;
      *) ;;
    esac
  done
  kill "$pid"; wait "$pid" || true
  echo 'MariaDB init process done. Ready for start up.'
}

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  setup_env
  if [ "$(id -u)" = 0 ]; then
    chown mysql:mysql /var/lib/mysql /run/mysqld
    exec gosu mysql "${BASH_SOURCE[0]}" "$@"
  fi
  if [ -z "$DATABASE_ALREADY_EXISTS" ]; then init_database "$@"; fi
  unset MARIADB_ROOT_PASSWORD MARIADB_PASSWORD MYSQL_ROOT_PASSWORD MYSQL_PASSWORD
fi
exec "$@"
