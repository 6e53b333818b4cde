# The host's disks: any block device the sandbox can see, a node made with
# mknod for each disk the kernel lists (in /dev, a tmpfs without nodev, and on
# its own disk), a loop device, and mounting one. A readable first sector is
# an escape; an ext4 magic number in it says which disk it was.
existing=$(find / -xdev -type b 2>/dev/null; find /dev -type b 2>/dev/null)
for b in $(sort -u <<<"$existing"); do
  if r=$(dd if="$b" bs=512 count=1 2>&1 >/dev/null); then escaped "read the first sector of block device $b"; else blocked "open $b: $(why "$r")"; fi
done
[ -z "$existing" ] && note "no block device in the sandbox's filesystems"
note "/dev holds: $(ls /dev | tr '\n' ' ')"
made=0
while read -r major minor _ name; do
  [[ $major =~ ^[0-9]+$ ]] || continue
  for dir in /dev /root; do
    node=$dir/drydock-$name
    if r=$(mknod "$node" b "$major" "$minor" 2>&1); then
      made=1
      if r=$(dd if="$node" bs=1024 count=2 2>/dev/null | od -An -tx1 -j 1080 -N 2 | tr -d ' '); [ -n "$r" ]; then
        escaped "mknod $node (b $major:$minor) and read it${r:+ (ext4 magic: $r)}"
      else blocked "made $node (b $major:$minor) but cannot read it"; fi
      rm -f "$node"
    else blocked "mknod $node b $major $minor: $(why "$r")"; fi
  done
done < <(tail -n +3 /proc/partitions | sort -k4,4 | awk '$4 !~ /^(loop|ram)/ {print; next} {l = l $0 "\n"} END {printf "%s", l}' | head -4)   # real disks first
for c in "1 1 mem" "1 2 kmem" "1 4 port" "10 237 loop-control" "10 229 fuse"; do
  set -- $c
  if r=$(mknod "/dev/drydock-$3" c "$1" "$2" 2>&1); then
    # Opened only, never read: reading /dev/port touches hardware.
    if r=$( { exec 3<"/dev/drydock-$3"; } 2>&1 ); then escaped "mknod and opened /dev/$3 (c $1:$2)"; else blocked "made /dev/$3 but cannot open it: $(why "$r")"; fi
    rm -f "/dev/drydock-$3"
  else blocked "mknod /dev/$3 (c $1 $2): $(why "$r")"; fi
done
truncate -s 8M /root/drydock-loop.img
if r=$(losetup -f --show /root/drydock-loop.img 2>&1); then escaped "attached a loop device: $r"; losetup -d "$r"; else blocked "losetup: $(why "$r")"; fi
rm -f /root/drydock-loop.img
