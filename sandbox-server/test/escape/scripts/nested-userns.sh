# A user namespace inside the sandbox (unprivileged ones are allowed, and
# give every capability over new namespaces): from there, the host-wide
# writes and mounts of the other attacks once more.
if ! r=$(unshare -U -r true 2>&1); then blocked "unshare --user: $(why "$r")"; exit 0; fi
note "nested user namespaces: allowed"
cat >/root/drydock-nested.sh <<'NESTED'
echo "NOTE: nested: uid_map $(tr -s ' ' <"/proc/self/uid_map"), capabilities $(grep CapEff /proc/self/status | cut -f2)"
printf '%s' "$(cat /proc/sys/kernel/core_pattern)" >/proc/sys/kernel/core_pattern 2>/dev/null && echo "ESCAPED: nested: wrote kernel.core_pattern (its own value)" || echo "BLOCKED: nested: kernel.core_pattern refused"
mkdir -p /mnt/drydock-n
if mount -t cgroup -o none,name=drydock-n cgroup /mnt/drydock-n 2>/dev/null; then
  if [ -e /mnt/drydock-n/release_agent ]; then printf /x >/mnt/drydock-n/release_agent 2>/dev/null && echo "ESCAPED: nested: wrote a release_agent" || echo "BLOCKED: nested: release_agent refused"; else echo "BLOCKED: nested: the new hierarchy has no release_agent here"; fi
  umount /mnt/drydock-n
else echo "BLOCKED: nested: cannot mount a new cgroup hierarchy"; fi
if mount -t sysfs sysfs /mnt/drydock-n 2>/dev/null; then
  r=$( { printf drydock-not-a-state >/mnt/drydock-n/power/state; } 2>&1 )
  case $r in "") echo "ESCAPED: nested: wrote power/state";; *"Permission denied"*|*"not permitted"*|*"Read-only"*) echo "BLOCKED: nested: power/state: ${r##*: }";; *) echo "ESCAPED: nested: power/state took the write: ${r##*: }";; esac
  umount /mnt/drydock-n
else echo "BLOCKED: nested: cannot mount a sysfs"; fi
mknod /mnt/drydock-n/b b 254 0 2>/dev/null && echo "ESCAPED: nested: mknod of a block device" || echo "BLOCKED: nested: mknod refused"
cat "$DRYDOCK_DATA_DIR/cookie-secret" 2>/dev/null && echo "ESCAPED: nested: read the data folder" || echo "BLOCKED: nested: no data folder"
NESTED
unshare -U -r -m -n -i -u -C -p -f --mount-proc bash /root/drydock-nested.sh 2>&1
rm -f /root/drydock-nested.sh
