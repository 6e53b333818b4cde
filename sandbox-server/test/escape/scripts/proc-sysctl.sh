# Writes each host-wide sysctl in DRYDOCK_SYSCTLS (paths under /proc/sys)
# with the value it already has: through /proc/sys, with sysctl(8), and
# through a /proc of its own (a new PID namespace). The host checks that the
# values did not change.
fresh_write() { unshare -pf --mount-proc sh -c 'printf "%s" "$2" > "/proc/sys/$1"' sh "$1" "$2" 2>&1; }
for k in $DRYDOCK_SYSCTLS; do
  f=/proc/sys/$k
  if [ ! -e "$f" ]; then note "no $f in the sandbox"; continue; fi
  v=$(cat "$f" 2>/dev/null) || { blocked "read $f: refused"; continue; }
  if r=$(write_to "$f" "$v"); then escaped "wrote $f (its own value back: '$v')"; else blocked "write $f: $r"; fi
  if r=$(sysctl -q -w "$(tr / . <<<"$k")=$v" 2>&1); then escaped "sysctl -w $(tr / . <<<"$k")"; else blocked "sysctl -w $(tr / . <<<"$k"): $(why "$r")"; fi
  if r=$(fresh_write "$k" "$v") && [ -z "$r" ]; then escaped "wrote $k through a /proc of its own"; else blocked "$k through a fresh /proc: $(why "$r")"; fi
done
# The classic use: a binary with unknown magic makes the kernel run kernel.modprobe.
printf '\xde\xad\xbe\xef' >/root/drydock-unknown && chmod +x /root/drydock-unknown && /root/drydock-unknown 2>/dev/null
rm -f /root/drydock-unknown
