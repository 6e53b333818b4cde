# Another learner's sandbox over IPv6 (its link-local DRYDOCK_NEIGHBOUR_V6,
# and anything answering ff02::1 on this sandbox's link), port 8088.
ipv6_on && control "ipv6-on ok" || control "ipv6-on FAILED"
for a in $DRYDOCK_NEIGHBOUR_V6 $(ll_responders); do
  [ "$(fetch "http://[$a%25eth0]:8088/")" = hit ] && escaped "the neighbour answered at [$a]:8088" || blocked "[$a%eth0]:8088: no answer"
done
