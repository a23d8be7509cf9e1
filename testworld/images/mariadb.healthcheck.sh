#!/usr/bin/env bash
# The official mariadb image's healthcheck.sh, for the tests it is used with:
# --connect (a TCP connection as the healthcheck user) and
# --innodb_initialized (InnoDB answers). Exit 0 only when all given pass.
set -eo pipefail
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -r "$cnf" ] || { echo "healthcheck: $cnf missing" >&2; exit 1; }
client=(mariadb --defaults-extra-file="$cnf" --skip-column-names --batch)
for test in "$@"; do
  case "$test" in
    --connect) "${client[@]}" -e 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$("${client[@]}" -e "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] ;;
    --*) ;;
  esac
done
