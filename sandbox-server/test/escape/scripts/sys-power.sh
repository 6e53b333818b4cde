# /sys/power/state suspends the host. A value the kernel rejects (EINVAL) is
# written: EINVAL means the write got past the permission check.
probe() {
  [ -e "$1" ] || { note "no $1"; return; }
  local r; r=$(write_to "$1" drydock-not-a-state)
  case $r in
    ok) escaped "wrote $1";;
    *"Permission denied"*|*"not permitted"*|*"Read-only file system"*) blocked "$1: $r";;
    *) escaped "$1 took the write past its permission check (the kernel answered: $r)";;
  esac
}
probe /sys/power/state
if r=$(mount -o remount,rw /sys 2>&1); then note "remounted /sys read-write"; probe /sys/power/state; else blocked "remount /sys read-write: $(why "$r")"; fi
mkdir -p /mnt/drydock-sys
for o in rw ro; do
  if r=$(mount -t sysfs -o "$o" sysfs /mnt/drydock-sys 2>&1); then probe /mnt/drydock-sys/power/state; umount /mnt/drydock-sys
  else blocked "mount a fresh sysfs ($o): $(why "$r")"; fi
done
# A network namespace of its own comes with a sysfs of its own.
r=$(unshare -n -m sh -c 'mount -t sysfs sysfs /mnt/drydock-sys && printf drydock-not-a-state > /mnt/drydock-sys/power/state' 2>&1)
case $r in
  "") escaped "wrote power/state in a sysfs of a new network namespace";;
  *"Permission denied"*|*"not permitted"*|*"Read-only file system"*|*"too revealing"*|*"No such file"*) blocked "sysfs of a new network namespace: $(why "$r")";;
  *) escaped "power/state in a new network namespace's sysfs took the write: $(why "$r")";;
esac
