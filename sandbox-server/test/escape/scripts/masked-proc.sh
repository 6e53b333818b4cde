# What Docker's masked paths hide: unmount each mask (a user namespace's root
# may unmount what runc mounted inside it) or mount a /proc of its own, then
# read the files. Each file read is reported as `READ: <how> <path> <start>`;
# the host decides: a file any host user may read anyway is only a note, one
# the host keeps from ordinary users (kernel memory, timers, firmware tables)
# is an escape.
for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/timer_stats /proc/acpi /proc/scsi /proc/asound /sys/firmware /sys/devices/virtual/powercap; do
  mountpoint -q "$p" || continue
  if r=$(umount "$p" 2>&1); then note "unmounted Docker's mask on $p"; else blocked "umount the mask on $p: $(why "$r")"; fi
done
read_all() { # HOW
  local f r
  for f in /proc/kcore /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/keys $(find /sys/firmware /sys/devices/virtual/powercap -type f 2>/dev/null | head -200); do
    [ -e "$f" ] || continue
    if r=$(head -c 48 "$f" 2>&1) && [ -n "$r" ]; then echo "READ: $1 $f $(tr -c '[:print:]' . <<<"$r")"; else echo "BLOCKED: $1 read $f: $(why "${r:-empty}")"; fi
  done
}
export -f read_all why
read_all unmasked
unshare -pf --mount-proc bash -c 'read_all fresh-proc' 2>&1
if [ -r /proc/keys ]; then
  own=$(grep -o 'containers/[0-9a-f]\{64\}' /proc/self/mountinfo | head -1 | cut -d/ -f2)
  total=$(grep -c . /proc/keys); others=$(grep -c '_ses\.[0-9a-f]\{64\}' /proc/keys); mine=$(grep -c "_ses\.${own:-none}" /proc/keys)
  note "/proc/keys lists $total keys: $((others - mine)) session keyrings named after other containers (same host uid), $mine of its own"
fi
true
