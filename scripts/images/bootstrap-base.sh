#!/usr/bin/env bash
# Ensure the base image debian:trixie-slim exists in the local Docker engine.
#
# On a machine that reaches Docker Hub this is just a pull. Where no registry is
# reachable (the project's own machines), the image is made locally from the
# Debian package mirror with debootstrap and `docker import`, so that ordinary
# `FROM debian:trixie-slim` Dockerfiles build offline.
#
# Environment:
#   DRYDOCK_BASE_IMAGE   image to ensure         (default debian:trixie-slim)
#   DRYDOCK_DEBIAN_MIRROR  mirror for debootstrap (default http://deb.debian.org/debian)
#   DRYDOCK_PULL_TIMEOUT   seconds for the pull attempt (default 20)
set -euo pipefail

IMAGE="${DRYDOCK_BASE_IMAGE:-debian:trixie-slim}"
SUITE="${IMAGE#*:}"; SUITE="${SUITE%-slim}"          # debian:trixie-slim -> trixie
MIRROR="${DRYDOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PULL_TIMEOUT="${DRYDOCK_PULL_TIMEOUT:-20}"
# Elapsed time for progress lines (bash 5 EPOCHREALTIME, microseconds, no bc needed).
# A caller (ensure-images.sh) may pass its own start so the clock runs on.
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
START_US="${DRYDOCK_IMAGES_START_US:-$(now_us)}"
log() { local d=$(( $(now_us) - START_US )); printf '[images] %3d.%ds %s\n' $((d / 1000000)) $((d / 100000 % 10)) "$*"; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "base image $IMAGE is present"
  exit 0
fi

log "base image $IMAGE is missing; trying docker pull (timeout ${PULL_TIMEOUT}s)"
if timeout "$PULL_TIMEOUT" docker pull "$IMAGE" >/dev/null 2>&1; then
  log "pulled $IMAGE"
  exit 0
fi
log "pull failed (no registry reachable?); building $IMAGE locally with debootstrap"

if [ "$(id -u)" -ne 0 ]; then
  echo "[images] debootstrap needs root: run this script as root (sudo $0)" >&2
  exit 1
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
fi
if [ ! -e "/usr/share/debootstrap/scripts/$SUITE" ]; then
  echo "[images] this debootstrap does not know the suite '$SUITE'; upgrade the debootstrap package" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/drydock-rootfs.XXXXXX)
ROOTFS="$WORK/rootfs"
LOG="$WORK/debootstrap.log"
cleanup() {
  # Never rm -rf through a live mount (debootstrap mounts /proc and /sys inside).
  local m
  for m in $(awk -v r="$ROOTFS" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if ! awk -v r="$ROOTFS" '$2 ~ "^"r {found=1} END {exit !found}' /proc/mounts; then
    rm -rf "$WORK"
  else
    echo "[images] left $WORK behind: something is still mounted there" >&2
  fi
}
trap cleanup EXIT

log "debootstrap --variant=minbase $SUITE from $MIRROR (about a minute)"
if ! debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$LOG" 2>&1; then
  echo "[images] debootstrap failed; last lines of its log:" >&2
  tail -n 30 "$LOG" >&2
  [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
  exit 1
fi
log "debootstrap done; slimming"

# The same slimming the official -slim images do: no docs, man pages, locales,
# apt lists or caches, and dpkg/apt told to keep it that way in derived images.
mkdir -p "$ROOTFS/etc/dpkg/dpkg.cfg.d" "$ROOTFS/etc/apt/apt.conf.d"
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# Drop docs, man pages and translations (as in the official debian:*-slim images).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
Acquire::Languages "none";
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-gzip-indexes" <<'EOF'
Acquire::GzipIndexes "true";
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'EOF'
Apt::AutoRemove::SuggestsImportant "false";
EOF
# deb822 sources like the official image (main + updates + security).
rm -f "$ROOTFS/etc/apt/sources.list"
mkdir -p "$ROOTFS/etc/apt/sources.list.d"
SECURITY_MIRROR="${MIRROR%/debian}/debian-security"
cat >"$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
find "$ROOTFS/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$ROOTFS/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/groff/* "$ROOTFS"/usr/share/info/* \
       "$ROOTFS"/usr/share/lintian/* "$ROOTFS"/usr/share/linda/*
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/cache/debconf/*-old \
       "$ROOTFS"/var/log/* "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/* "$ROOTFS"/debootstrap \
       "$ROOTFS"/dev/* "$ROOTFS"/run/* "$ROOTFS"/root/.bash_history
# The engine supplies these at run time.
: >"$ROOTFS/etc/hostname"
: >"$ROOTFS/etc/resolv.conf"
rm -f "$ROOTFS/etc/machine-id" && : >"$ROOTFS/etc/machine-id"

log "importing into docker as $IMAGE ($(du -sh "$ROOTFS" | cut -f1))"
tar --numeric-owner --xattrs -C "$ROOTFS" -c . \
  | docker import --change 'CMD ["bash"]' --message "debootstrap --variant=minbase $SUITE (drydock bootstrap-base.sh)" - "$IMAGE" >/dev/null
log "base image $IMAGE ready ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
