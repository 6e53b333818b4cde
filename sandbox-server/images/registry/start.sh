#!/bin/bash
# drydock/registry's entrypoint. One image, two ways to run (README.md):
#
#  - by default, Distribution alone, like the official registry:2 image: the
#    class's read-only mirror, and the short-lived registry that seeds it.
#  - DRYDOCK_REGISTRY_GATE=1: the class's writable registry behind its gate.
#    The registry listens on 127.0.0.1:5001 only, nginx (gate.conf) on :5000
#    checks every request's login and namespace. Prints "drydock gate ready"
#    once both accept connections (class-registry.ts waits for that line),
#    and exits as soon as either of them stops, so a broken gate is never
#    half up.
set -u
CONFIG=${1:-/etc/docker/registry/config.yml}

if [ "${DRYDOCK_REGISTRY_GATE:-0}" != 1 ]; then
  exec /usr/bin/docker-registry serve "$CONFIG"
fi

umask 077
mkdir -p /tmp/drydock
# Nobody is let in until the platform writes the class's logins.
: >/tmp/drydock/htpasswd

REGISTRY_HTTP_ADDR=127.0.0.1:5001 /usr/bin/docker-registry serve "$CONFIG" &
registry=$!
/usr/sbin/nginx -e stderr -c /etc/drydock/gate.conf -g 'daemon off;' &
gate=$!
trap 'kill -TERM "$registry" "$gate" 2>/dev/null' TERM INT

listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 400); do
  if listens 5001 && listens 5000; then
    echo "drydock gate ready: nginx on :5000 in front of the registry on 127.0.0.1:5001"
    break
  fi
  kill -0 "$registry" "$gate" 2>/dev/null || break
  sleep 0.05
done

wait -n "$registry" "$gate"
status=$?
kill -TERM "$registry" "$gate" 2>/dev/null
wait
exit "$status"
