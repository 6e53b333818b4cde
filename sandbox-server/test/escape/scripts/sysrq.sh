# /proc/sysrq-trigger reboots, crashes or syncs the host. Opened for writing
# only (nothing is written): the permission check is at open.
probe() {
  [ -e "$1" ] || { note "no $1"; return; }
  local r; if r=$( { : >"$1"; } 2>&1 ); then escaped "opened $1 for writing"; else blocked "$1: $(why "$r")"; fi
}
probe /proc/sysrq-trigger
r=$(unshare -pf --mount-proc sh -c '[ -e /proc/sysrq-trigger ] || { echo "no-file"; exit 0; }; : > /proc/sysrq-trigger' 2>&1)
case $r in no-file) note "no sysrq-trigger in a fresh /proc either";; "") escaped "opened sysrq-trigger of a fresh /proc for writing";; *) blocked "fresh /proc: $(why "$r")";; esac
[ -e /proc/sys/kernel/sysrq ] && { r=$(write_to /proc/sys/kernel/sysrq "$(cat /proc/sys/kernel/sysrq)") && escaped "wrote kernel.sysrq" || blocked "kernel.sysrq: $r"; }
true
