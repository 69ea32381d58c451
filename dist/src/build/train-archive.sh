#!/bin/sh
# train-archive.sh STAGE WORK EXAMPLES: the CLI's class-data archive in STAGE/lib (docs/install.md).
# Starts the staged broker in --dev mode on a free loopback port (its files under WORK), then
# runs the staged launcher's `credential-process` once against it, a real cache miss (token,
# settings, gRPC and Netty up to the answer, the cache write), with the launcher's own flags
# plus the dump of an AppCDS archive, lib/credbroker.jsa (-XX:ArchiveClassesAtExit). Against a
# closed port instead (the earlier training), serve idled 4 MiB higher (docs/performance.md).
set -eu
stage=$1 work=$2 examples=$3
rm -rf "$work"
mkdir -p "$work/home" "$work/tmp"
broker_pid=
trap '[ -z "$broker_pid" ] || kill "$broker_pid" 2>/dev/null || true' EXIT

sed 's/listen: 127.0.0.1:8443/listen: 127.0.0.1:0/' "$examples/dev.yaml" > "$work/dev.yaml"
HOME=$work/home CREDBROKER_SERVER_JAVA_OPTS="-Djava.io.tmpdir=$work/tmp" \
  "$stage/bin/credbroker-server" --dev --config "$work/dev.yaml" > "$work/broker.out" 2>&1 &
broker_pid=$!
tries=0
until grep -q '^export CREDBROKER_TOKEN_FILE=' "$work/broker.out"; do
  tries=$((tries + 1))
  if [ "$tries" -gt 1200 ] || ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "train-archive: the --dev broker did not start (2 minutes); its output:" >&2
    cat "$work/broker.out" >&2
    exit 1
  fi
  sleep 0.1
done
target=$(sed -n 's/^export CREDBROKER_TARGET=\([^ ]*\) .*/\1/p' "$work/broker.out")
token_file=$(sed -n 's/^export CREDBROKER_TOKEN_FILE=//p' "$work/broker.out")

version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$stage/runtime/release")
dump="-XX:ArchiveClassesAtExit=$stage/lib/credbroker.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
archive=$stage/lib/credbroker.jsa
# JDK_JAVA_OPTIONS: the java launcher appends it to the flags bin/credbroker passes.
HOME=$work/home JDK_JAVA_OPTIONS=$dump "$stage/bin/credbroker" credential-process --role dev-readonly \
  --target "$target" --plaintext --token-file "$token_file" > "$work/credentials.json"
rm -f "$work/credentials.json"
[ -f "$archive" ] || { echo "train-archive: no $archive" >&2; exit 1; }
echo "train-archive: $archive, Java $version, $(wc -c < "$archive") bytes"
