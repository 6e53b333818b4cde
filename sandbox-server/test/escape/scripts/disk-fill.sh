# Fills the sandbox's disk: up to twice its quota (DRYDOCK_DISK_MB), so a
# sandbox without a quota stops there too. The file stays for the host's
# checks; disk-fill-after.sh deletes it.
cap=$((DRYDOCK_DISK_MB * 2))
out=$(dd if=/dev/zero of=/root/drydock-fill bs=1M count=$cap conv=fsync 2>&1)
size=$(( $(stat -c %s /root/drydock-fill 2>/dev/null || echo 0) / 1048576 ))
case $out in
  *"No space left"*) blocked "dd into /root stopped at $size MiB of a $DRYDOCK_DISK_MB MiB quota: No space left on device";;
  *) escaped "wrote $size MiB into /root, past its $DRYDOCK_DISK_MB MiB quota, without running out of space";;
esac
# Twice the quota, not more: without a quota (the capability tier) a 1 TiB fallocate
# takes every free block of the host's disk until it is deleted (it did, once).
if r=$(fallocate -l "${cap}M" /srv/drydock-big 2>&1); then escaped "fallocate reserved $cap MiB in /srv past the quota"; else blocked "fallocate $cap MiB: $(why "$r")"; fi
rm -f /srv/drydock-big
if r=$(dd if=/dev/zero of=/var/lib/docker/drydock-fill bs=1M count=16 2>&1) && ! grep -q 'No space' <<<"$r"; then
  note "/var/lib/docker still took 16 MiB with /root full"
else blocked "the inner engine's /var/lib/docker shares the quota: $(why "$(grep -m1 'No space' <<<"$r")")"; fi
rm -f /var/lib/docker/drydock-fill
echo "FILLED_MB: $size"
