#!/bin/sh
# Same as the official registry:2 image's entrypoint: a config file as the
# first argument means `registry serve <file>`.
set -e
case "$1" in
  *.yaml|*.yml) set -- registry serve "$@" ;;
  serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac
exec "$@"
