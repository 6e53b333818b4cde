# Fills one memory-backed filesystem (DRYDOCK_TMPFS) with up to twice the
# sandbox's memory (DRYDOCK_MEMORY_MB): it must stop at the filesystem's size
# or at the sandbox's memory limit, and the file is deleted afterwards.
d=$DRYDOCK_TMPFS
cap=$((DRYDOCK_MEMORY_MB * 2))
note "$d: $(df -h --output=fstype,size "$d" | tail -1 | tr -s ' ')"
out=$(dd if=/dev/zero of="$d/drydock-fill" bs=1M count=$cap 2>&1)
size=$(( $(stat -c %s "$d/drydock-fill" 2>/dev/null || echo 0) / 1048576 ))
echo "FILLED_MB: $size"
case $out in
  *"No space left"*) blocked "$d full at $size MiB: No space left on device";;
  *) note "dd into $d ended at $size MiB: $(why "$(tail -1 <<<"$out")")";;
esac
rm -f "$d/drydock-fill"
