# Host-wide /sys knobs (DRYDOCK_SYS_KNOBS, paths under /sys that exist on the
# host, its bridge's among them), each written with the value it has: through
# /sys as mounted, after remounting it read-write, and through a fresh sysfs.
# The host checks the values afterwards.
current() { local v; v=$(cat "$1") || return 1; if [[ $v =~ \[([^]]+)\] ]]; then echo "${BASH_REMATCH[1]}"; else echo "$v"; fi; }
probe() { # ROOT LABEL
  local k f v r
  for k in $DRYDOCK_SYS_KNOBS; do
    f=$1/$k
    [ -e "$f" ] || { note "$2: no $k here"; continue; }
    v=$(current "$f") || { blocked "$2 read $k: refused"; continue; }
    if r=$(write_to "$f" "$v"); then escaped "$2: wrote $k (its own value '$v')"; else blocked "$2 $k: $r"; fi
  done
}
probe /sys "/sys"
if r=$(mount -o remount,rw /sys 2>&1); then note "remounted /sys read-write"; probe /sys "/sys (rw)"; else blocked "remount /sys read-write: $(why "$r")"; fi
mkdir -p /mnt/drydock-sysk
if r=$(mount -t sysfs sysfs /mnt/drydock-sysk 2>&1); then probe /mnt/drydock-sysk "fresh sysfs"; umount /mnt/drydock-sysk; else blocked "mount a fresh sysfs: $(why "$r")"; fi
