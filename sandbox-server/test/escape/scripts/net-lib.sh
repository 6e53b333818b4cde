# fetch URL: prints the body if it is the host's nonce (DRYDOCK_NONCE).
fetch() { local b; b=$(curl -g -s -m 2 "$1" 2>/dev/null); [ "$b" = "$DRYDOCK_NONCE" ] && echo hit; }
# onlink ADDR: route ADDR straight out of eth0, so the sandbox asks its own
# bridge for it (ARP / neighbour discovery) instead of a gateway.
onlink() { case $1 in *:*) ip -6 route replace "$1/128" dev eth0 2>/dev/null;; *) ip route replace "$1/32" dev eth0 2>/dev/null;; esac; }
unroute() { case $1 in *:*) ip -6 route del "$1/128" dev eth0 2>/dev/null;; *) ip route del "$1/32" dev eth0 2>/dev/null;; esac; true; }
# ipv6_on: switches IPv6 on in the sandbox's own network namespace (it may) and waits for a link-local address.
ipv6_on() {
  sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 2>/dev/null
  local i; for i in $(seq 30); do ip -6 addr show dev eth0 scope link | grep -q 'inet6 .*scope link' && ! ip -6 addr show dev eth0 | grep -q tentative && return 0; sleep 0.2; done
  return 1
}
# ll_responders: link-local addresses, other than its own, that answer a ping to every node on eth0's link.
ll_responders() {
  local own; own=$(ip -6 addr show dev eth0 scope link | awk '/inet6/ {sub("/.*", "", $2); print $2}')
  busybox ping6 -c 2 -w 3 -I eth0 ff02::1 2>/dev/null | awk '/bytes from/ {a = $4; sub(":$", "", a); print a}' | sort -u | grep -vx "$own"
}
