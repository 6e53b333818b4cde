#!/usr/bin/env bash
# The hardened sandbox engine: a dockerd of Drydock's own, beside (never
# instead of) the operator's engine, that runs every sandbox in a user
# namespace. Needs root; started by `npm start` and `.ci/run`.
#
#   drydock-engine.sh start    start it unless it already answers (idempotent)
#   drydock-engine.sh stop     stop it (sandboxes keep running: live-restore)
#   drydock-engine.sh status   exit 0 when it answers
#
# Why a separate engine (README, "Isolation tiers"):
#   - userns-remap is engine-wide; turning it on in the operator's engine would
#     hide the operator's own images and containers and change their meaning.
#   - its own socket, data-root, exec-root, pidfile and containerd namespace,
#     so the two engines never share state (a second engine that shares any of
#     them breaks the first one).
#   - iptables off: two engines rewriting the same DOCKER chains fight. Sandbox
#     networks need no NAT or published ports; the few rules they need (no
#     packet from a sandbox bridge reaches the host or is routed anywhere) are
#     installed here, for bridges whose names start with `drysb`.
#
# Settings (environment):
#   DRYDOCK_ENGINE_DIR      state (data-root)   default /var/lib/drydock-engine
#   DRYDOCK_ENGINE_RUN      socket, exec-root   default /run/drydock-engine
#   DRYDOCK_REMAP_USER      the user namespace's host user   default drydock-sandbox
set -euo pipefail

DATA=${DRYDOCK_ENGINE_DIR:-/var/lib/drydock-engine}
RUN=${DRYDOCK_ENGINE_RUN:-/run/drydock-engine}
REMAP_USER=${DRYDOCK_REMAP_USER:-drydock-sandbox}
SOCK="$RUN/docker.sock"
LOG=/var/log/drydock-engine.log
CONFIG="$RUN/daemon.json"
# One range of 65536 host ids for every sandbox's user namespace. High, so that
# it never meets ordinary users, and disjoint from any range already listed.
SUBID_COUNT=65536
BRIDGE_PREFIX=drysb

say() { printf '[engine] %s\n' "$*"; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit "${2:-1}"; }

answers() { [ -S "$SOCK" ] && [ -n "$(DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.Version}}' 2>/dev/null)" ]; }

require_root() {
  [ "$(id -u)" = 0 ] || die "the hardened engine needs root to start (it sets up a user namespace, cgroups and loop disks): run 'sudo $0 start', or start Drydock as root" 3
  command -v dockerd >/dev/null || die "dockerd is not installed: apt-get install docker.io" 3
}

# The remap user and its subordinate ids (/etc/subuid, /etc/subgid).
ensure_remap_user() {
  if ! id "$REMAP_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$REMAP_USER"
  fi
  local f start
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    grep -q "^$REMAP_USER:" "$f" && continue
    # First multiple of 65536 at or above 2^30 that no listed range touches.
    start=$(awk -F: -v c=$SUBID_COUNT 'BEGIN { s = 1073741824 } { a = $2; b = $2 + $3; if (b > s && a < s + c) s = (int((b + c - 1) / c)) * c } END { print s }' "$f")
    echo "$REMAP_USER:$start:$SUBID_COUNT" >>"$f"
  done
}

# No packet from a sandbox network reaches the host or leaves through it.
# Sandbox bridges have no host address (inhibit_ipv4), but the host would still
# accept packets sent to its other addresses, or route them onward, and IPv6
# link-local needs no address at all.
install_firewall() {
  local ipt
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || { say "warning: $ipt is missing; sandbox networks are not firewalled"; continue; }
    # Within one sandbox bridge (sandbox <-> its class registry) frames are bridged, not routed.
    "$ipt" -w -C FORWARD -i "$BRIDGE_PREFIX+" -o "$BRIDGE_PREFIX+" -j ACCEPT 2>/dev/null \
      || "$ipt" -w -I FORWARD 1 -i "$BRIDGE_PREFIX+" -o "$BRIDGE_PREFIX+" -j ACCEPT
    "$ipt" -w -C FORWARD -i "$BRIDGE_PREFIX+" -j DROP 2>/dev/null || "$ipt" -w -I FORWARD 2 -i "$BRIDGE_PREFIX+" -j DROP
    "$ipt" -w -C FORWARD -o "$BRIDGE_PREFIX+" -j DROP 2>/dev/null || "$ipt" -w -I FORWARD 3 -o "$BRIDGE_PREFIX+" -j DROP
    "$ipt" -w -C INPUT -i "$BRIDGE_PREFIX+" -j DROP 2>/dev/null || "$ipt" -w -I INPUT 1 -i "$BRIDGE_PREFIX+" -j DROP
  done
  # Replies to the engine's own pushes to a seeding registry on the default bridge
  # (host-initiated only; nothing there may open a connection to the host).
  iptables -w -C INPUT -i "$BRIDGE_PREFIX-default" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT 2>/dev/null \
    || iptables -w -I INPUT 1 -i "$BRIDGE_PREFIX-default" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
}

# No sandbox uses the engine's default bridge network (each gets its own); a
# class's seeding registry does, for the minutes it takes to fill a mirror, and
# the engine pushes to it there over plain HTTP (insecure-registries below).
# "bridge": "none" is no option: dockerd would then delete the *other* engine's
# docker0 (it removes the default bridge interface by that name). So it gets
# one of its own, link-local, inside the firewalled prefix.
DEFAULT_BRIDGE_CIDR=169.254.213.1/24
ensure_default_bridge() {
  local br="$BRIDGE_PREFIX-default"
  ip link show "$br" >/dev/null 2>&1 || ip link add "$br" type bridge
  if ! ip -4 addr show dev "$br" | grep -q "inet $DEFAULT_BRIDGE_CIDR"; then
    ip addr flush dev "$br"
    ip addr add "$DEFAULT_BRIDGE_CIDR" dev "$br"
  fi
  ip link set "$br" up
}

# raise_knob FILE VALUE: a host setting raised to VALUE, never lowered.
raise_knob() {
  [ -w "$1" ] && [ "$(cat "$1")" -lt "$2" ] && echo "$2" >"$1"
  return 0
}

# The kernel's key quota is per host uid, and every sandbox's root is the same
# uid: the default 200 keys ran out with a handful of sandboxes ("unable to
# create session key: disk quota exceeded"). Sandboxes cannot make keys
# themselves (keyctl is ENOSYS in their seccomp profile), but the engine's runc
# makes a session keyring for each sandbox and each exec into one. Host-wide,
# as LXD advises for the same reason.
raise_key_quota() {
  raise_knob /proc/sys/kernel/keys/maxkeys 20000
  raise_knob /proc/sys/kernel/keys/maxbytes 2000000
}

# Host root creates every sandbox's user namespace, so the kernel also counts
# what a sandbox holds against host root's per-user limits: inotify instances
# and watches (128 instances by default, all sandboxes and host root together;
# escape suite: shared-inotify). Instances: no count at all (a sandbox can hold
# 20000 per process and has 1024 processes); what bounds them is the sandbox's
# memory (inotify objects are charged to its memory cgroup). Watches: raised far
# enough that a sandbox's memory limit ends them first. Host-wide, every user.
raise_inotify_limits() {
  raise_knob /proc/sys/fs/inotify/max_user_instances 2147483647
  raise_knob /proc/sys/fs/inotify/max_user_watches 4194304
}

# write_config [file]: the engine's daemon.json (default: where the engine reads it).
write_config() {
  local out=${1:-$CONFIG}
  # Only the socket's folder is made here (root only). The data-root is dockerd's
  # to make (0710, group = the remapped root): that root must traverse it, or no
  # container can mount its root filesystem.
  [ -d "$RUN" ] || mkdir -m 0700 -p "$RUN"
  cat >"$out" <<JSON
{
  "hosts": ["unix://$SOCK"],
  "data-root": "$DATA",
  "exec-root": "$RUN/exec",
  "pidfile": "$RUN/dockerd.pid",
  "containerd-namespace": "drydock",
  "containerd-plugins-namespace": "drydock-plugins",
  "userns-remap": "$REMAP_USER",
  "bridge": "$BRIDGE_PREFIX-default",
  "insecure-registries": ["${DEFAULT_BRIDGE_CIDR%.*}.0/24"],
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "userland-proxy": false,
  "no-new-privileges": true,
  "live-restore": true,
  "log-driver": "json-file",
  "log-opts": { "max-size": "2m", "max-file": "2" },
  "storage-driver": "overlay2"
}
JSON
}

start() {
  if answers; then
    if [ "$(id -u)" = 0 ]; then
      local wanted; wanted=$(mktemp); write_config "$wanted"
      if ! cmp -s "$wanted" "$CONFIG"; then
        rm -f "$wanted"
        # A newer Drydock changed the engine's settings: restart it (sandboxes keep running: live-restore).
        say "its configuration changed; restarting it"
        stop
        start
        return
      fi
      rm -f "$wanted"
      # Host settings can be lost while the engine runs (a firewall reload): put them back.
      ensure_default_bridge; raise_key_quota; raise_inotify_limits; install_firewall
    fi
    say "already running at unix://$SOCK"
    return 0
  fi
  require_root
  ensure_remap_user
  raise_key_quota
  raise_inotify_limits
  write_config
  ensure_default_bridge
  install_firewall
  say "starting dockerd (userns-remap=$REMAP_USER) at unix://$SOCK; log $LOG"
  # Its own session, detached: the engine outlives `npm start`, like the sandboxes.
  # RLIMIT_SIGPENDING unlimited where the host allows it (raising a hard limit needs
  # CAP_SYS_RESOURCE, which some hosts, these machines among them, do not have):
  # each sandbox's user namespace takes the engine's as the cap on what its signals
  # count at host root's level, shared by all (shared-sigpending); each sandbox
  # process has a low limit of its own either way (isolation/tier.ts).
  (ulimit -i unlimited 2>/dev/null || true; exec setsid dockerd --config-file "$CONFIG") </dev/null >>"$LOG" 2>&1 &
  local pid=$! i
  for i in $(seq 1 100); do
    answers && { say "ready (unix://$SOCK)"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 20 "$LOG" >&2
  die "dockerd did not start (its log above)"
}

stop() {
  [ -f "$RUN/dockerd.pid" ] || { say "not running"; return 0; }
  local pid; pid=$(cat "$RUN/dockerd.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }; sleep 0.2; done
  die "dockerd ($pid) did not stop"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers && { echo "unix://$SOCK"; exit 0; } || exit 1 ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
