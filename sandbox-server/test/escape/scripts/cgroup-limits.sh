# Raise its own limits (pids, memory, CPU) and move itself out of its cgroup,
# through the cgroup files it sees and through fresh cgroup mounts. A process
# `sleep $DRYDOCK_SLEEP` is what it tries to move; the host checks where it
# ended up, and that the limits are unchanged.
sleep "$DRYDOCK_SLEEP" </dev/null >/dev/null 2>&1 &
s=$!
raise() { # FILE: the value that would lift the limit
  case $1 in
    *pids.max) echo max;; *memory.max|*memory.high|*memory.swap.max) echo max;;
    *limit_in_bytes) echo -1;; *cfs_quota_us) echo -1;; *cpu.max) echo 'max 100000';; *cpu.shares) echo 262144;; *) echo max;;
  esac
}
try_raise() { # DIR LABEL
  local f p v r
  for f in pids/pids.max memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes memory/memory.soft_limit_in_bytes \
           cpu/cpu.cfs_quota_us cpu/cpu.shares pids.max memory.max memory.high memory.swap.max cpu.max; do
    p=$1/$f; [ -f "$p" ] || continue
    v=$(cat "$p")
    if r=$(write_to "$p" "$(raise "$p")"); then escaped "raised $2 $f from $v to $(cat "$p")"; else blocked "$2 $f: $r"; fi
    if r=$(chmod 666 "$p" 2>&1); then escaped "chmod of $2 $f"; else blocked "chmod $2 $f: $(why "$r")"; fi
  done
}
try_move() { # DIR LABEL: moves $s into DIR/.. and DIR
  local procs
  for procs in "$1/../cgroup.procs" "$1/cgroup.procs"; do
    [ -e "$procs" ] || continue
    if r=$(write_to "$procs" "$s"); then note "wrote pid $s into $2 $procs"; else blocked "move into $2 $procs: $r"; fi
  done
}
try_raise /sys/fs/cgroup "its"
for d in /sys/fs/cgroup/*/; do try_move "${d%/}" "its"; done
try_move /sys/fs/cgroup "its"
mkdir -p /mnt/drydock-cgl
for c in pids memory cpu,cpuacct cpu; do
  if r=$(mount -t cgroup -o "$c" cgroup /mnt/drydock-cgl 2>&1); then
    mounted_as /mnt/drydock-cgl cgroupfs && { for f in pids.max memory.limit_in_bytes cpu.cfs_quota_us; do
      [ -f /mnt/drydock-cgl/$f ] || continue; r=$(write_to /mnt/drydock-cgl/$f "$(raise $f)") && escaped "raised $f in a fresh -o $c mount" || blocked "fresh -o $c $f: $r"; done
      try_move /mnt/drydock-cgl "fresh-$c"; }
    umount /mnt/drydock-cgl
  else blocked "mount -t cgroup -o $c: $(why "$r")"; fi
done
if r=$(mount -t cgroup2 cgroup2 /mnt/drydock-cgl 2>&1); then
  for f in pids.max memory.max memory.high cpu.max; do
    [ -f /mnt/drydock-cgl/$f ] || continue; r=$(write_to /mnt/drydock-cgl/$f "$(raise $f)") && escaped "raised $f in a fresh cgroup2 mount" || blocked "cgroup2 $f: $r"
  done
  try_move /mnt/drydock-cgl "cgroup2"
  umount /mnt/drydock-cgl
else blocked "mount -t cgroup2: $(why "$r")"; fi
# A child cgroup may set any limit; the kernel still charges its parent.
if mkdir /sys/fs/cgroup/pids/drydock-x 2>/dev/null; then
  echo max >/sys/fs/cgroup/pids/drydock-x/pids.max 2>/dev/null && note "a child pids cgroup may say max (its parent still counts)"
  rmdir /sys/fs/cgroup/pids/drydock-x
fi
echo "SLEEPER: $s"
