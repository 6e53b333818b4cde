#!/bin/bash
# Replaces the gate's logins with the htpasswd lines on stdin. The platform
# runs it with `docker exec` (class-registry.ts, ClassRegistry.admit) and
# sends the whole list each time; nginx reads the file on every request, so
# the new list counts from the next request on. The file exists only in this
# container's /tmp: no sandbox ever sees it.
set -euo pipefail
USERS=/tmp/drydock/htpasswd
new=$(mktemp /tmp/drydock/htpasswd.XXXXXX)
trap 'rm -f "$new"' EXIT
cat >"$new"
# One "<namespace>:{SSHA}<base64>" per line, nothing else.
if grep -qvE '^[a-z0-9]+([._-][a-z0-9]+)*:\{SSHA\}[A-Za-z0-9+/]+={0,2}$' "$new"; then
  echo "drydock-registry-users: refused, every line must be <namespace>:{SSHA}<base64>" >&2
  exit 2
fi
mv -f "$new" "$USERS"
echo "drydock-registry-users: $(wc -l <"$USERS") login(s)"
