# The platform's data folder (cookie key, instructor hash, database) by any
# route: its host path as such, through /proc/<pid>/root and cwd, and a search
# of every filesystem the sandbox can see. The host compares what comes out
# with strings that exist only in those files.
mkdir -p /srv/drydock-decoy && echo decoy >/srv/drydock-decoy/cookie-secret   # what the search must find
search() {
  { find / -xdev \( -name cookie-secret -o -name instructor-secret.hash -o -name 'drydock.db*' -o -name server-id \) 2>/dev/null
    findmnt -rn -o TARGET | grep -vE '^/(proc|sys|dev)(/|$)' | while read -r m; do
      find "$m" -xdev \( -name cookie-secret -o -name instructor-secret.hash -o -name 'drydock.db*' -o -name server-id \) 2>/dev/null
    done; } | sort -u
}
found=$(search)
grep -qx /srv/drydock-decoy/cookie-secret <<<"$found" && control "search ok" || control "search FAILED: did not find its own decoy"
show() { # FILE: prints what it holds (a database: any learner id in it)
  if grep -aq 'SQLite format 3' "$1" 2>/dev/null; then
    echo "READ: $1: a database with $(grep -aoc 'drydock-canary-' "$1") canary ids: $(grep -ao 'drydock-canary-[0-9a-f]*' "$1" | head -1)"
  else
    echo "READ: $1: $(head -c 200 "$1" | tr -c '[:print:]' '.')"
  fi
}
for f in $found; do case $f in /srv/drydock-decoy/*) ;; *) show "$f";; esac; done
for d in "$DRYDOCK_DATA_DIR" "$DRYDOCK_DEFAULT_DATA_DIR"; do
  for prefix in "" /proc/1/root /proc/self/root /proc/1/cwd /proc/self/cwd; do
    for f in cookie-secret instructor-secret.hash drydock.db; do
      p="$prefix$d/$f"
      if out=$(head -c 1 "$p" 2>&1 >/dev/null) && [ -e "$p" ]; then show "$p"; else blocked "$p: $(why "${out:-No such file or directory}")"; fi
    done
  done
done
rm -rf /srv/drydock-decoy
