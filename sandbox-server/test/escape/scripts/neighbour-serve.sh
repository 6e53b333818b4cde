# In the neighbour: a server on every address, IPv4 and IPv6, port 8088,
# answering DRYDOCK_NONCE; IPv6 switched on; then the positive controls: the
# neighbour reaches its own service on both.
ipv6_on || note "no IPv6 link-local address in the neighbour"
setsid perl -MIO::Socket::IP -e '
  my $s = IO::Socket::IP->new(LocalHost => "::", LocalPort => 8088, Listen => 16, ReuseAddr => 1, V6Only => 0) or die "listen: $@";
  while (my $c = $s->accept) { my $l = <$c>; print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n$ENV{DRYDOCK_NONCE}"; close $c }
' </dev/null >/dev/null 2>&1 &
sleep 0.5
v4=$(ip -4 addr show dev eth0 | awk '/inet / {sub("/.*", "", $2); print $2}')
v6=$(ip -6 addr show dev eth0 scope link | awk '/inet6/ {sub("/.*", "", $2); print $2}')
[ "$(fetch "http://$v4:8088/")" = hit ] && control "neighbour-v4 ok" || control "neighbour-v4 FAILED at $v4"
[ "$(fetch "http://[$v6%25eth0]:8088/")" = hit ] && control "neighbour-v6 ok" || control "neighbour-v6 FAILED at $v6"
echo "NEIGHBOUR: $v4 $v6"
