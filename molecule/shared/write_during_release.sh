#!/bin/sh
# Writes rows through the serving site while a release runs, from the moment
# a new file matches AFTER (the release's backup) until the file STOP exists
# or 120 s have passed; each row the site accepted is a line of LOG. A failed
# release must keep every one of them (nothing restored over them).
#   Usage: write_during_release.sh notes|uploads URL LOG STOP AFTER
set -u
kind=$1 url=$2 log=$3 stop=$4 after=$5
: > "$log"
end=$(( $(date +%s) + 120 ))
# shellcheck disable=SC2086 # AFTER is a glob
before=$(ls -d $after 2>/dev/null)
# shellcheck disable=SC2086
while [ "$(ls -d $after 2>/dev/null)" = "$before" ] && [ ! -e "$stop" ] && [ "$(date +%s)" -lt "$end" ]; do
  sleep 0.2
done
n=0
if [ "$kind" = notes ]; then
  jar=$(mktemp)
  token=$(curl -s -c "$jar" "$url/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
fi
while [ ! -e "$stop" ] && [ "$(date +%s)" -lt "$end" ]; do
  n=$((n + 1))
  text="during-release-$n"
  if [ "$kind" = notes ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -d "text=$text" -d "csrfmiddlewaretoken=$token" "$url/")
    [ "$code" = 302 ] && echo "$text" >> "$log"
  else
    code=$(printf '%s\n' "$text" | curl -s -o /dev/null -w '%{http_code}' \
      -F "file=@-;filename=$text.txt;type=text/plain" "$url/api/uploads/")
    [ "$code" = 201 ] && echo "$text" >> "$log"
  fi
  # Pacing, not waiting for anything: a few writes a second.
  sleep 0.2
done
