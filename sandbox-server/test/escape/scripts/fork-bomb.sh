# Every process forks as fast as it can for DRYDOCK_SECONDS, then they all
# exit: the pids limit must hold it, with the host and neighbours unharmed.
perl -e 'my $end = time + $ARGV[0]; while (time < $end) { fork } exit 0' "$DRYDOCK_SECONDS" 2>/dev/null
echo "BOMB: done"
