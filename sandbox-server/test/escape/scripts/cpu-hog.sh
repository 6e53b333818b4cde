# Busy loops for DRYDOCK_SECONDS: four in the sandbox and two in an inner
# container that asks for more CPUs than the sandbox has (or, refused that,
# as many). Returns at once.
for i in 1 2 3 4; do setsid timeout "$DRYDOCK_SECONDS" sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 & done
spin='while :; do :; done & while :; do :; done'
if r=$(docker run -d --rm --cpus 2 busybox timeout "$DRYDOCK_SECONDS" sh -c "$spin" 2>&1); then
  note "an inner container spins with --cpus 2 in a sandbox of $DRYDOCK_CPUS (the host measures what it gets)"
else
  blocked "inner --cpus 2: $(why "$(grep -o 'cfs_quota_us: [a-z ]*' <<<"$r" || echo "$r")")"
  docker run -d --rm --cpus "$DRYDOCK_CPUS" busybox timeout "$DRYDOCK_SECONDS" sh -c "$spin" >/dev/null 2>&1 && note "an inner container spins with --cpus $DRYDOCK_CPUS"
fi
echo "HOG: started"
