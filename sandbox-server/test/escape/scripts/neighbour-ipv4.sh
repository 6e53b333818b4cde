# Another learner's sandbox over IPv4 (DRYDOCK_NEIGHBOUR_V4:8088): directly,
# on-link, and through the host as a router (its address resolved to the MAC
# address that answers ARP for a host address on this sandbox's bridge).
n=$DRYDOCK_NEIGHBOUR_V4
[ "$(fetch "http://$n:8088/")" = hit ] && escaped "the neighbour answered at $n:8088" || blocked "$n:8088: no answer"
onlink "$n"
[ "$(fetch "http://$n:8088/")" = hit ] && escaped "the neighbour answered on-link" || blocked "$n on-link: no answer"
mac=''
for h in $DRYDOCK_HOST_IPV4; do
  case $h in 127.*) continue;; esac
  onlink "$h"; timeout 2 bash -c "exec 3<>/dev/tcp/$h/9" 2>/dev/null
  mac=$(ip -4 neigh show "$h" dev eth0 | awk '/lladdr/ {print $3; exit}'); unroute "$h"
  [ -n "$mac" ] && break
done
if [ -n "$mac" ]; then
  ip neigh replace "$n" lladdr "$mac" dev eth0 nud permanent
  [ "$(fetch "http://$n:8088/")" = hit ] && escaped "reached the neighbour through the host as a router ($mac)" || blocked "through the host ($mac) as a router: no answer"
  ip neigh del "$n" dev eth0 2>/dev/null
else
  blocked "no host address answers ARP on this sandbox's bridge, so the host cannot be used as a router"
fi
unroute "$n"; true
