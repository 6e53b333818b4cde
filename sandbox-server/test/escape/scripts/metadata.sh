# A cloud metadata service (169.254.169.254:80; the host stands one up),
# directly and on-link.
for path in / /latest/meta-data/; do
  [ "$(fetch "http://169.254.169.254$path")" = hit ] && escaped "169.254.169.254 answered $path" || blocked "169.254.169.254$path: no answer"
done
onlink 169.254.169.254
[ "$(fetch "http://169.254.169.254/")" = hit ] && escaped "169.254.169.254 answered on-link" || blocked "169.254.169.254 on-link: no answer"
unroute 169.254.169.254
