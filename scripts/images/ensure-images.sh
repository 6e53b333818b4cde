#!/usr/bin/env bash
# Make sure every image Drydock needs exists in the local Docker engine.
# The one entry point for the start script and CI: `npm run images`.
#
#   1. a Docker engine must answer (else: say what is wrong and how to fix it, exit 2)
#   2. base image debian:trixie-slim (pulled, or made locally by bootstrap-base.sh)
#   3. sandbox image drydock/sandbox:<hash>, <hash> = first 12 hex of a sha256
#      over sandbox-server/images/sandbox/ (see hash_dir); also tagged :latest
#   4. class registry image drydock/registry:<hash>, same scheme over
#      sandbox-server/images/registry/; also tagged :latest
#
# On success stdout ends with two lines for callers to parse:
#   DRYDOCK_REGISTRY_IMAGE=drydock/registry:<hash>
#   DRYDOCK_SANDBOX_IMAGE=drydock/sandbox:<hash>      (always the last line)
# Progress goes to stdout as "[images] ..." lines.
#
# Environment: DRYDOCK_IMAGES_TARGET=unix:///run/drydock-engine/docker.sock also
#              copies each image into that engine (Drydock's hardened engine
#              builds nothing itself: its builds would have no network);
#              DRYDOCK_IMAGES_FORCE=1 rebuilds even when the tag exists
#              (with the layer cache; DRYDOCK_IMAGES_NO_CACHE=1 builds from scratch).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
IMAGES_DIR="$ROOT/sandbox-server/images"

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
START_US=$(now_us)
export DRYDOCK_IMAGES_START_US="$START_US"   # bootstrap-base.sh continues this clock
log() { local d=$(( $(now_us) - START_US )); printf '[images] %3d.%ds %s\n' $((d / 1000000)) $((d / 100000 % 10)) "$*"; }
fail() { local code=$1; shift; printf '[images] error: %s\n' "$@" >&2; exit "$code"; }

# ------------------------------------------------------------------ engine
check_engine() {
  if ! command -v docker >/dev/null 2>&1; then
    fail 2 "the docker command is not installed." \
      "Install Docker Engine, e.g. on Debian/Ubuntu:  sudo apt-get install docker.io" \
      "then start it:  sudo systemctl start docker   (no systemd: sudo dockerd >/var/log/dockerd.log 2>&1 &)"
  fi
  local out
  if out=$(docker version --format '{{.Server.Version}}' 2>&1) && [ -n "$out" ] && [[ "$out" != *rror* ]]; then
    log "Docker engine $out answers (${DOCKER_HOST:-unix:///var/run/docker.sock})"
    return 0
  fi
  local sock=/var/run/docker.sock
  printf '[images] error: no Docker engine answers.\n[images] docker said: %s\n' "$(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | head -n 3)" >&2
  if [ -n "${DOCKER_HOST:-}" ]; then
    printf '[images] DOCKER_HOST is set to %s; check that an engine listens there, or unset it.\n' "$DOCKER_HOST" >&2
  elif [ -S "$sock" ] && [[ "$out" == *"permission denied"* ]]; then
    printf '[images] %s exists but you may not use it: run as root, or add yourself to the docker group:\n' "$sock" >&2
    printf '[images]   sudo usermod -aG docker "$USER"   (then log in again)\n' >&2
  else
    printf '[images] Start the engine:\n' >&2
    printf '[images]   with systemd:     sudo systemctl start docker\n' >&2
    printf '[images]   without systemd:  sudo dockerd >/var/log/dockerd.log 2>&1 &\n' >&2
    if ! command -v dockerd >/dev/null 2>&1; then
      printf '[images] (dockerd is not installed: sudo apt-get install docker.io)\n' >&2
    fi
  fi
  exit 2
}

# ------------------------------------------------------------------ hash
# sha256 over every regular file under the folder, in bytewise-sorted order of
# relative path; for each file: "<path>\n<size in bytes>\n<contents>".
# (Reproduce in TypeScript the same way if the server needs the tag.)
hash_dir() {
  local dir=$1 f
  (
    cd "$dir"
    find . -type f -printf '%P\n' | LC_ALL=C sort | while IFS= read -r f; do
      printf '%s\n%s\n' "$f" "$(stat -c %s "$f")"
      cat "$f"
    done
  ) | sha256sum | cut -c1-12
}

# ------------------------------------------------------------------ main
check_engine
"$HERE/bootstrap-base.sh"

# ensure_image <repo> <folder>: build <repo>:<hash of folder> unless it exists,
# tag it <repo>:latest, and leave the tag in $IMAGE_TAG.
ensure_image() {
  local repo=$1 dir=$2 hash tag
  [ -f "$dir/Dockerfile" ] || fail 1 "missing $dir/Dockerfile"
  hash=$(hash_dir "$dir")
  tag="$repo:$hash"
  if [ "${DRYDOCK_IMAGES_FORCE:-0}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    log "image $tag is up to date"
  else
    local build_log build_args
    build_log=$(mktemp "/tmp/drydock-${repo##*/}-build.XXXXXX.log")
    build_args=(-t "$tag" --label "drydock.image.hash=$hash")
    [ "$repo" = drydock/sandbox ] && build_args+=(--label "drydock.sandbox.hash=$hash")
    [ "${DRYDOCK_IMAGES_NO_CACHE:-0}" = 1 ] && build_args+=(--no-cache)
    # BuildKit through the buildx plugin when the CLI has it; otherwise the
    # classic builder (Debian's docker.io 20.10 ships no buildx). Both use the
    # local base image without pulling.
    if docker buildx version >/dev/null 2>&1; then
      export DOCKER_BUILDKIT=1; build_args+=(--progress=plain)
    else
      export DOCKER_BUILDKIT=0
    fi
    log "building $tag (a few minutes from scratch; log: $build_log)"
    if ! docker build "${build_args[@]}" "$dir" >"$build_log" 2>&1; then
      printf '[images] error: building %s failed; last lines of %s:\n' "$tag" "$build_log" >&2
      tail -n 40 "$build_log" | sed 's/^/[images]   | /' >&2
      exit 1
    fi
    rm -f "$build_log"
    log "built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
  fi
  docker tag "$tag" "$repo:latest"
  log "tagged $repo:latest"
  IMAGE_TAG=$tag
}

# copy_to_target <tag>: the image, as built here, into $DRYDOCK_IMAGES_TARGET (once per tag).
copy_to_target() {
  local tag=$1 target=${DRYDOCK_IMAGES_TARGET:-}
  [ -n "$target" ] && [ "$target" != "${DOCKER_HOST:-unix:///var/run/docker.sock}" ] || return 0
  if DOCKER_HOST=$target docker image inspect "$tag" >/dev/null 2>&1; then
    log "image $tag is in $target"
  else
    log "copying $tag into $target (docker save | docker load, ~15 s)"
    docker save "$tag" | DOCKER_HOST=$target docker load >/dev/null || fail 1 "could not copy $tag into $target"
  fi
  DOCKER_HOST=$target docker tag "$tag" "${tag%%:*}:latest"
}

ensure_image drydock/sandbox "$IMAGES_DIR/sandbox"
SANDBOX_TAG=$IMAGE_TAG
ensure_image drydock/registry "$IMAGES_DIR/registry"
REGISTRY_TAG=$IMAGE_TAG
copy_to_target "$SANDBOX_TAG"
copy_to_target "$REGISTRY_TAG"
echo "DRYDOCK_REGISTRY_IMAGE=$REGISTRY_TAG"
echo "DRYDOCK_SANDBOX_IMAGE=$SANDBOX_TAG"
