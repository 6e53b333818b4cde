#!/usr/bin/env bash
# Drydock sandbox entrypoint — the container's main process and the learner's
# terminal (the server attaches to it with Tty:true before start).
#
#  1. prepare the mounts an inner dockerd needs (no --privileged here)
#  2. start dockerd in the background, wait until it answers
#  3. import the offline busybox and registry:2 images, touch /run/drydock/engine-ready
#  4. run `bash -l` in a loop, so `exit` gives a new shell instead of a dead sandbox;
#     should dockerd exit meanwhile (the learner killed or broke it), say so in the terminal
#  5. on SIGTERM: end the shell, stop inner containers (1 s grace) and dockerd, exit (~1-3 s)
#
# Environment (all optional):
#   DRYDOCK_REGISTRY_MIRROR    e.g. http://10.0.0.1:5000 — registry mirror for the inner engine (also allowed as insecure),
#                              written into /etc/docker/daemon.json so learners see it there and can edit + reload
#   DRYDOCK_INSECURE_REGISTRIES  e.g. drydock-registry:5000 — more host:port (comma or space list) the inner engine may
#                              use over plain HTTP (the class's writable registry), also written into daemon.json
#   DRYDOCK_DOCKERD_ARGS       extra dockerd arguments
#   DRYDOCK_READY_TIMEOUT      seconds to wait for the engine (default 120: a burst of cold boots on a busy
#                              host is slow, not broken; a dockerd that exits is noticed at once)
#   DRYDOCK_QUIET=1            no greeting lines
set -u

READY_FILE=/run/drydock/engine-ready
DOCKERD_LOG=/var/log/dockerd.log
BUSYBOX_ROOTFS=/opt/drydock/images/busybox
REGISTRY_ROOTFS=/opt/drydock/images/registry
DAEMON_JSON=/etc/docker/daemon.json
READY_TIMEOUT="${DRYDOCK_READY_TIMEOUT:-120}"
export TERM="${TERM:-xterm-256color}"
[ "$TERM" = dumb ] && export TERM=xterm-256color

say() { [ "${DRYDOCK_QUIET:-0}" = 1 ] || printf '\033[2m%s\033[0m\n' "$*"; }
warn() { printf '\033[33m%s\033[0m\n' "$*"; }
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# Ctrl-C / Ctrl-\ / Ctrl-Z typed while no shell is running must not kill the
# sandbox. Children get default dispositions back via `env --default-signal`.
trap '' INT QUIT TSTP TTIN TTOU

# Keep the terminal on fd 3: a background job in a script gets /dev/null as
# stdin unless it is redirected explicitly.
exec 3<&0

dockerd_pid=''
shell_pid=''
stopping=0

shutdown() {
  stopping=1
  trap '' TERM HUP
  if [ -n "$shell_pid" ]; then
    # The interactive shell runs its jobs in their own process groups; HUP
    # makes bash pass the hangup on to them before it exits.
    kill -HUP "$shell_pid" 2>/dev/null
  fi
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    # dockerd's own shutdown gives each inner container its stop timeout
    # (10 s by default; daemon.json's shutdown-timeout does not shorten it),
    # which would outlast `docker stop`. Give them 1 s, all in parallel.
    local running
    running=$(timeout 1 docker ps -q 2>/dev/null)
    [ -z "$running" ] || timeout 2.5 docker stop -t 1 $running >/dev/null 2>&1
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  exit 0
}
trap shutdown TERM HUP

# ---------------------------------------------------------------- 1. mounts
prepare_mounts() {
  # /sys is mounted read-only in an unprivileged container; dockerd and runc
  # need to write cgroup files and create cgroups (cgroup v1 and v2).
  mount -o remount,rw /sys 2>/dev/null || true
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    # cgroup v2: move ourselves out of the root cgroup so that controllers can
    # be enabled for children (same as moby's hack/dind).
    # (Done in nest_cgroup_v2, once the cgroup is ours: see wait_for_cgroups.)
    mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
  else
    # cgroup v1: /sys/fs/cgroup is a tmpfs with one read-only mount per controller.
    mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
    local d
    for d in /sys/fs/cgroup/*; do
      [ -d "$d" ] && ! [ -L "$d" ] || continue
      mount -o remount,bind,rw "$d" 2>/dev/null || true
    done
  fi
  # Debugfs/securityfs are optional; AppArmor checks securityfs if present.
  if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security; then
    mount -t securityfs none /sys/kernel/security 2>/dev/null || true
  fi
  mkdir -p /run/drydock /var/log
  # The inner engine cannot keep its data on the container's own overlay.
  if ! mountpoint -q /var/lib/docker; then
    warn "warning: /var/lib/docker is not a volume; the inner engine will be slow (vfs) or fail"
  fi
}

# Use whichever iptables backend the kernel answers to (nf_tables first).
choose_iptables() {
  if iptables-nft -t nat -L -n >/dev/null 2>&1 && iptables-nft -t filter -L -n >/dev/null 2>&1; then
    update-alternatives --quiet --set iptables /usr/sbin/iptables-nft 2>/dev/null
    update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-nft 2>/dev/null
  elif iptables-legacy -t nat -L -n >/dev/null 2>&1; then
    update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy 2>/dev/null
    update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-legacy 2>/dev/null
  else
    warn "warning: neither iptables-nft nor iptables-legacy works here; starting the engine without iptables"
    DRYDOCK_DOCKERD_ARGS="${DRYDOCK_DOCKERD_ARGS:-} --iptables=false"
  fi
}

# Give the sandbox a readable hostname unless the server chose one.
name_host() {
  local h
  h=$(hostname 2>/dev/null)
  if [[ "$h" =~ ^[0-9a-f]{12}$ ]] && hostname sandbox 2>/dev/null; then
    echo "127.0.1.1	sandbox" >>/etc/hosts 2>/dev/null || true
  fi
}

# In a user namespace (the hardened tier) the host hands this sandbox its own
# cgroup folders just after it starts; the inner engine needs them to make
# cgroups for inner containers. Wait for that (normally milliseconds).
in_user_namespace() { ! grep -qE '^ *0 +0 +4294967295' /proc/self/uid_map; }
wait_for_cgroups() {
  in_user_namespace || return 0
  local probe=/sys/fs/cgroup/pids
  [ -f /sys/fs/cgroup/cgroup.controllers ] && probe=/sys/fs/cgroup
  for _ in $(seq 100); do [ -w "$probe" ] && return 0; sleep 0.05; done
  warn "warning: this sandbox's cgroups were not handed to it; inner containers will not start"
}

nest_cgroup_v2() {
  [ -f /sys/fs/cgroup/cgroup.controllers ] || return 0
  mkdir -p /sys/fs/cgroup/init.scope 2>/dev/null
  xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init.scope/cgroup.procs 2>/dev/null || true
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers \
    >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
}

# The shell must own the terminal. `setsid -c` would take it by force, which a
# user namespace may not do (the terminal belongs to docker-init's session), so
# the shell stays in this session and this script hands the terminal back to
# its own process group before each new shell (TIOCSPGRP; SIGTTOU is ignored).
reclaim_terminal() {
  perl -e 'ioctl(STDIN, 0x5410, pack("i", getpgrp())) or exit 1' <&3 2>/dev/null || true
}

# ------------------------------------------------------------- 2. dockerd
engine_version() { docker version --format '{{.Server.Version}}' 2>/dev/null; }

start_engine() {
  local args=() insecure=() h
  local mirror=${DRYDOCK_REGISTRY_MIRROR:-} more=${DRYDOCK_INSECURE_REGISTRIES:-}
  if [ -n "$mirror" ]; then
    h=${mirror#*://}; insecure+=("${h%%/*}")
  fi
  # shellcheck disable=SC2086  # a comma- or space-separated list
  for h in ${more//,/ }; do insecure+=("$h"); done
  if [ ${#insecure[@]} -gt 0 ]; then
    # In daemon.json rather than as flags: a setting given both ways stops
    # dockerd, and the registries lesson edits this file and reloads (SIGHUP).
    if jq --arg m "$mirror" \
         'if $m == "" then . else ."registry-mirrors" = ((."registry-mirrors" // []) - [$m] + [$m]) end
          | ."insecure-registries" = ((."insecure-registries" // []) - $ARGS.positional + $ARGS.positional)' \
         "$DAEMON_JSON" --args "${insecure[@]}" >"$DAEMON_JSON.tmp" 2>/dev/null; then
      mv "$DAEMON_JSON.tmp" "$DAEMON_JSON"
    else
      rm -f "$DAEMON_JSON.tmp"
      [ -z "$mirror" ] || args+=(--registry-mirror "$mirror")
      for h in "${insecure[@]}"; do args+=(--insecure-registry "$h"); done
    fi
  fi
  # shellcheck disable=SC2206  # word splitting of extra args is intended
  args+=(${DRYDOCK_DOCKERD_ARGS:-})
  # Own session: no terminal signals, no SIGHUP when a shell ends.
  setsid env --default-signal dockerd "${args[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
  dockerd_pid=$!
}

wait_for_engine() {
  local t0 deadline v d
  t0=$(now_us); deadline=$(( t0 + READY_TIMEOUT * 1000000 ))
  while :; do
    v=$(engine_version)
    if [ -n "$v" ]; then
      d=$(( $(now_us) - t0 ))
      say "Docker $v ready in $((d / 1000000)).$((d / 100000 % 10)) s"
      return 0
    fi
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
      warn "The Docker engine stopped while starting. Last lines of $DOCKERD_LOG:"
      break
    fi
    if [ "$(now_us)" -ge "$deadline" ]; then
      warn "The Docker engine is not up after ${READY_TIMEOUT} s. Last lines of $DOCKERD_LOG:"
      break
    fi
    sleep 0.05
  done
  tail -n 15 "$DOCKERD_LOG"
  warn "You still get a shell; 'docker' commands will fail until the engine runs."
  return 1
}

import_busybox() {
  docker image inspect busybox:latest >/dev/null 2>&1 && return 0
  [ -d "$BUSYBOX_ROOTFS" ] || return 0
  tar -C "$BUSYBOX_ROOTFS" -c . \
    | docker import --change 'CMD ["sh"]' --message 'drydock offline busybox' - busybox:latest >/dev/null 2>>"$DOCKERD_LOG" \
    || warn "warning: could not import the offline busybox image"
}

# registry:2 as on Docker Hub (entrypoint, default config, port, volume), from
# Debian's docker-registry. ~27 MB: about 0.3 s, run alongside the busybox import.
import_registry() {
  docker image inspect registry:2 >/dev/null 2>&1 && return 0
  [ -d "$REGISTRY_ROOTFS" ] || return 0
  tar -C "$REGISTRY_ROOTFS" -c . \
    | docker import --message 'drydock offline registry (distribution 2.8)' \
        --change 'ENTRYPOINT ["/entrypoint.sh"]' --change 'CMD ["/etc/docker/registry/config.yml"]' \
        --change 'EXPOSE 5000' --change 'VOLUME /var/lib/registry' \
        - registry:2 >/dev/null 2>>"$DOCKERD_LOG" \
    || warn "warning: could not import the offline registry:2 image"
}

import_images() {
  import_registry &
  local reg=$!
  import_busybox
  wait "$reg"
}

prepare_mounts
wait_for_cgroups
nest_cgroup_v2
choose_iptables
name_host
say "Starting your Docker engine…"
start_engine
engine_ok=0
wait_for_engine && engine_ok=1
[ "$engine_ok" = 1 ] && import_images
echo "$engine_ok" >"$READY_FILE"   # grader probe: exists when startup is done; content 1 = engine up

# ------------------------------------------------------------- 4. shells
# dockerd exited while the sandbox runs: the learner stopped it or broke it.
# `docker` would only say "Cannot connect to the Docker daemon"; this says
# what happened and how to get it back (the grader says the same).
engine_stopped() {
  local status=$1 how
  if [ "$status" -gt 128 ]; then how="killed by signal $((status - 128))"; else how="exit status $status"; fi
  # The browser's header says so at once (protocol/sandbox-engine-signal.ts); each prompt says it again.
  printf '\033]7770;engine=down\007'
  printf '\r\n\033[33m[drydock] Your Docker engine (dockerd) stopped: %s.\033[0m\n' "$how"
  printf '\033[33m[drydock] docker commands fail until it runs again. Start it with\033[0m\n'
  printf '\033[33m[drydock]   dockerd >>%s 2>&1 &\033[0m\n' "$DOCKERD_LOG"
  printf '\033[33m[drydock] (its log: tail %s), or press Reset for a fresh sandbox.\033[0m\n' "$DOCKERD_LOG"
}

cd /root || cd /
while [ "$stopping" = 0 ]; do
  # Background + wait (not a foreground command) so SIGTERM is handled at once.
  # The terminal goes back to this script's process group first, so the new
  # shell starts in the foreground even if the last one was killed without
  # handing it back; bash then takes it for its own process group.
  reclaim_terminal
  env --default-signal bash -l <&3 &
  shell_pid=$!
  while kill -0 "$shell_pid" 2>/dev/null; do
    # Whichever of our children ends first: the shell, or dockerd. No "Killed"
    # job notice from this script.
    ended=''
    wait -n -p ended 2>/dev/null
    status=$?
    if [ -n "$dockerd_pid" ] && [ "$ended" = "$dockerd_pid" ]; then
      dockerd_pid=''
      [ "$stopping" = 1 ] || engine_stopped "$status"
    fi
  done
  shell_pid=''
  [ "$stopping" = 0 ] || break
  printf '\n\033[2m[shell exited — starting a new one]\033[0m\n'
  sleep 0.2  # a shell that dies at once must not spin
done
