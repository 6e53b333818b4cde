# The host's services over IPv4: a server on every host address
# (DRYDOCK_PORT, answering DRYDOCK_NONCE), tried at each host address, the
# network's gateway and the default route, directly and on-link; plus a TCP
# connect to ports hosts often serve on. Every attempt runs in parallel.
targets=$(printf '%s\n' $DRYDOCK_HOST_IPV4 $DRYDOCK_GATEWAY $(ip -4 route | awk '/^default/ {print $3}') | sort -u)
attempt() { # IP
  local ip=$1 port hits=0
  [ "$(fetch "http://$ip:$DRYDOCK_PORT/")" = hit ] && { escaped "the host's service answered at $ip:$DRYDOCK_PORT"; hits=1; }
  case $ip in 127.*) ;; *)
    onlink "$ip"
    [ "$(fetch "http://$ip:$DRYDOCK_PORT/")" = hit ] && { escaped "the host's service answered at $ip:$DRYDOCK_PORT on-link (through the sandbox's own bridge)"; hits=1; }
    for port in 22 53 80 443 2375 2376 3000 3001 5000 8080; do
      { timeout 2 bash -c "exec 3<>/dev/tcp/$ip/$port" 2>/dev/null && escaped "TCP $ip:$port accepted a connection"; } &
    done
    wait;;
  esac
  [ $hits = 0 ] && blocked "$ip: the host service does not answer on :$DRYDOCK_PORT (direct or on-link); ports 22,53,80,443,2375,2376,3000,3001,5000,8080 probed"
}
for ip in $targets; do attempt "$ip" & done
wait
for ip in $targets; do unroute "$ip"; done
arp=$(ip -4 neigh show dev eth0 | grep -v FAILED | awk '{print $1}' | tr '\n' ' ')
[ -n "$arp" ] && note "addresses that answered ARP on the sandbox's bridge: $arp"
true
