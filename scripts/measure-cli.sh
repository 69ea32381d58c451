#!/usr/bin/env bash
# Measures the CLI as docs/performance.md ("The command on a host") reports it: the median of 5
# runs of `aws sts get-caller-identity` against the development AWS endpoint with static
# credentials (the baseline) and through a credential_process profile (cache miss, cache hit),
# the `credential-process` command alone (miss, hit), and `serve --imds`'s idle RSS.
#   scripts/measure-cli.sh [INSTALL_DIR]
# INSTALL_DIR: an unpacked credbroker-VERSION-linux-x64.tar.gz (default: the newest one in
# dist/target, unpacked into a temp dir); its bin/credbroker-server --dev is the broker.
# Needs /usr/bin/aws (Debian awscli). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
broker_pid=
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
install=${1:-}
if [ -z "$install" ]; then
  tar -xzf "$(ls -t dist/target/credbroker-*-linux-x64.tar.gz | head -1)" -C "$work" # the newest
  install=$(echo "$work"/credbroker-*)
fi
cli=$install/bin/credbroker

# Waits (up to a minute) for a line matching $3 in file $1, written by process $2.
await_line() {
  for _ in $(seq 600); do
    grep -q "$3" "$1" && return 0
    kill -0 "$2" || { cat "$1" >&2; exit 1; }
    sleep 0.1
  done
  echo "no line matching $3 in $1" >&2
  exit 1
}

# The broker in --dev mode on a free port, from the package itself.
sed 's/listen: 127.0.0.1:8443/listen: 127.0.0.1:0/' examples/dev.yaml > "$work/dev.yaml"
"$install/bin/credbroker-server" --dev --config "$work/dev.yaml" > "$work/broker.out" 2>&1 &
broker_pid=$!
await_line "$work/broker.out" "$broker_pid" '^export AWS_CONFIG_FILE='
target=$(sed -n 's/^export CREDBROKER_TARGET=\([^ ]*\) .*/\1/p' "$work/broker.out")
token_file=$(sed -n 's/^export CREDBROKER_TOKEN_FILE=//p' "$work/broker.out")
dev_aws=$(sed -n 's/^ AWS (development): \([^ ]*\) .*/\1/p' "$work/broker.out")

export HOME=$work/home AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/none
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset JAVA_HOME AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME"
process="$cli credential-process --role dev-readonly --target $target --plaintext --token-file $token_file"
printf '[profile broker]\nregion = us-east-1\ncredential_process = %s\n' "$process" > "$AWS_CONFIG_FILE"

# "wall cpu" seconds of "$@" (cpu: user + system, its child processes included), output discarded.
# CPU time is the steadier number on a shared machine, where waiting for a core inflates wall time.
seconds() {
  local TIMEFORMAT='%R %U %S' t wall user sys
  t=$({ time "$@" > /dev/null 2>&1; } 2>&1)
  read -r wall user sys <<< "$t"
  echo "$wall $(echo "$user + $sys" | bc)"
}
# The medians of 5 "wall cpu" lines: "wall cpu".
median() {
  local lines
  lines=$(cat)
  echo "$(cut -d' ' -f1 <<< "$lines" | sort -n | sed -n 3p) $(cut -d' ' -f2 <<< "$lines" | sort -n | sed -n 3p)"
}
caller() { aws sts get-caller-identity --endpoint-url "$dev_aws" --region us-east-1 "$@"; }

# Warm the broker (its first STS call, JIT) and the OS file cache before measuring.
$process > "$work/creds.json"
caller --profile broker > /dev/null

keys=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])' "$work/creds.json")
read -r key secret session <<< "$keys"
baseline=$(for _ in 1 2 3 4 5; do AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret \
  AWS_SESSION_TOKEN=$session seconds caller; done | median)
miss=$(for _ in 1 2 3 4 5; do rm -rf "$HOME/.cache/credbroker"; seconds caller --profile broker; done | median)
hit=$(for _ in 1 2 3 4 5; do seconds caller --profile broker; done | median)
cmd_miss=$(for _ in 1 2 3 4 5; do rm -rf "$HOME/.cache/credbroker"; seconds $process; done | median)
cmd_hit=$(for _ in 1 2 3 4 5; do seconds $process; done | median)

# serve --imds: RSS after start and one credentials request through the IMDS routes, then 15 s idle
# (the launcher trims the C library's heap every 10 s for serve).
CREDBROKER_TOKEN_FILE=$token_file "$cli" serve --role dev-readonly --imds --target "$target" --plaintext \
  > "$work/serve.out" 2>&1 &
serve_pid=$!
await_line "$work/serve.out" "$serve_pid" 'AWS_EC2_METADATA_SERVICE_ENDPOINT='
imds=$(sed -n 's/^# export AWS_EC2_METADATA_SERVICE_ENDPOINT=//p' "$work/serve.out")
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$imds AWS_CONFIG_FILE=/dev/null \
  caller > /dev/null
sleep 15
rss_kib=$(ps -o rss= -p "$serve_pid" | tr -d ' ') # the launcher exec's java: the same process

wall() { cut -d' ' -f1 <<< "$1"; }
cpu() { cut -d' ' -f2 <<< "$1"; }
over() { echo "+$(echo "$(wall "$1") - $(wall "$baseline")" | bc) s wall, +$(echo "$(cpu "$1") - $(cpu "$baseline")" | bc) s CPU"; }
row() { echo "| $1 | $(wall "$2") | $(cpu "$2") | $3 |"; }
cat <<EOF
Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)

| median of 5 runs | wall s | CPU s | over the baseline |
|---|---|---|---|
$(row "aws sts get-caller-identity, static credentials (baseline)" "$baseline" "")
$(row "the same through credential_process, cache miss" "$miss" "$(over "$miss")")
$(row "the same through credential_process, cache hit" "$hit" "$(over "$hit")")
$(row "\`credbroker credential-process\` alone, cache miss" "$cmd_miss" "")
$(row "\`credbroker credential-process\` alone, cache hit" "$cmd_hit" "")

\`credbroker serve --imds\` idle RSS: $((rss_kib / 1024)) MiB ($rss_kib KiB)
EOF
