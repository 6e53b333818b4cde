# The host's services over IPv6, which the sandbox may switch on in its own
# network namespace: every host IPv6 address (DRYDOCK_HOST_IPV6; link-local
# ones tried on the sandbox's link), and whatever answers a ping to all nodes
# of that link (ff02::1). The host serves on [::]:DRYDOCK_PORT.
if ipv6_on; then control "ipv6-on ok: $(ip -6 addr show dev eth0 scope link | awk '/inet6/ {print $2}')"; else control "ipv6-on FAILED: no link-local address"; fi
others=$(ll_responders)
[ -n "$others" ] && note "answered ff02::1 on the sandbox's link: $(tr '\n' ' ' <<<"$others")" || note "nothing but itself answered ff02::1"
try6() { # ADDR [zone]
  local url
  case $1 in fe80:*) url="http://[$1%25eth0]:$DRYDOCK_PORT/";; *) url="http://[$1]:$DRYDOCK_PORT/";; esac
  [ "$(fetch "$url")" = hit ] && { escaped "the host's service answered at [$1]:$DRYDOCK_PORT"; return; }
  case $1 in fe80:*) ;; *) onlink "$1"; [ "$(fetch "$url")" = hit ] && { escaped "the host's service answered at [$1]:$DRYDOCK_PORT on-link"; return; }; unroute "$1";; esac
  blocked "[$1]:$DRYDOCK_PORT: no answer"
}
for a in $DRYDOCK_HOST_IPV6 $others; do try6 "$a" & done
wait
