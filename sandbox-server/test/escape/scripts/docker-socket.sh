# Looks for the host's Docker (and containerd) sockets by every path a
# sandbox has, then speaks the Docker API to each socket found: an answer
# from a host engine (its ID) is an escape, as is a socket that is the same
# file as a host engine's (device:inode, compared by the host).
{
  find / -xdev -type s 2>/dev/null
  findmnt -rn -o TARGET | grep -vE '^/(proc|sys|dev)(/|$)' | while read -r m; do find "$m" -xdev -type s 2>/dev/null; done
  # every process's root, once per distinct root (inner containers included)
  declare -A roots=(["$(stat -L -c '%d:%i' /)"]=1)   # its own root is searched above
  for p in /proc/[0-9]*; do
    r=$(stat -L -c '%d:%i' "$p/root" 2>/dev/null) || continue
    [ -n "${roots[$r]:-}" ] && continue; roots[$r]=1
    find "$p/root/" -xdev -maxdepth 8 -type s 2>/dev/null
  done
  awk 'NR > 1 && $8 ~ /^\// {print $8}' /proc/net/unix
  for p in $DRYDOCK_HOST_SOCKETS /var/run/docker.sock /run/docker.sock /run/containerd/containerd.sock \
           /var/run/docker/containerd/containerd.sock /run/drydock-engine/docker.sock /host/var/run/docker.sock; do
    echo "$p"
  done
} | sort -u >/tmp/drydock-sockets
n=0
while read -r p; do
  [ -S "$p" ] || continue
  n=$((n + 1))
  echo "SOCKET: $p $(stat -L -c '%d:%i' "$p")"
  id=$(curl -s -m 2 --unix-socket "$p" http://docker/info 2>/dev/null | grep -o '"ID":"[^"]*"' | head -1 | cut -d'"' -f4)
  [ -n "$id" ] && echo "ENGINE: $p $id"
done </tmp/drydock-sockets
note "$n sockets found by path"
# The sandbox's own engine answers: the probe works.
own=$(curl -s -m 2 --unix-socket /run/docker.sock http://docker/info | grep -o '"ID":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$own" ] && control "docker-api ok (own engine $own)" || control "docker-api FAILED: the sandbox's own engine did not answer"
# Abstract sockets (no path; per network namespace) and sockets held open by processes.
for a in $(awk 'NR > 1 && $8 ~ /^@/ {print substr($8, 2)}' /proc/net/unix | sort -u); do
  id=$(curl -s -m 2 --abstract-unix-socket "$a" http://docker/info 2>/dev/null | grep -o '"ID":"[^"]*"' | head -1 | cut -d'"' -f4)
  echo "ABSTRACT: @$a${id:+ answered as engine $id}"
  [ -n "$id" ] && echo "ENGINE: @$a $id"
done
held=0
for l in /proc/[0-9]*/fd/*; do
  case $(readlink "$l" 2>/dev/null) in socket:*) held=$((held + 1))
    [ $held -le 60 ] || continue
    id=$(curl -s -m 1 --unix-socket "$l" http://docker/info 2>/dev/null | grep -o '"ID":"[^"]*"' | head -1 | cut -d'"' -f4)
    [ -n "$id" ] && echo "ENGINE: $l $id";;
  esac
done
note "$held sockets held open by the sandbox's processes (each tried through /proc/PID/fd, up to 60)"
