# Prepended to every escape-suite script. It runs as root in the sandbox, as
# `bash -s` — what a learner could type into their terminal. Verdict lines:
#   ESCAPED: <evidence>   the attack got what it tried
#   BLOCKED: <evidence>   one attempt was refused (with the refusal)
#   CONTROL: <name> ok | CONTROL: <name> FAILED <why>   a positive control
#   NOTE: <text>          context for the report
# Every attack stops at the first proof and does no harm when it succeeds: it
# writes back the value it read, writes a value the kernel rejects after its
# permission check, or opens without writing.
set -u
escaped() { echo "ESCAPED: $*"; }
blocked() { echo "BLOCKED: $*"; }
control() { echo "CONTROL: $*"; }
note() { echo "NOTE: $*"; }

# The last part of an error message ("bash: line 3: /x: Permission denied" -> "Permission denied").
why() { local m=${1%%$'\n'*}; m=${m##*: }; echo "${m:-failed}"; }

# write_to FILE VALUE: writes VALUE into FILE; prints "ok" or why not.
write_to() {
  local err
  if err=$( { printf '%s' "$2" >"$1"; } 2>&1 ) && [ -z "$err" ]; then echo ok; return 0; fi
  why "$err"; return 1
}

# mounted_as DIR TYPE: DIR is a mount point of that filesystem type (so a write lands there).
mounted_as() { mountpoint -q "$1" && [ "$(stat -f -c %T "$1")" = "$2" ]; }
