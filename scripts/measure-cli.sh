#!/usr/bin/env bash
# Measures the CLI as docs/performance.md ("The command on a host") reports it: the median of 5
# runs of `aws sts get-caller-identity` against the development AWS endpoint with static
# credentials (the baseline) and through a credential_process profile (cache miss, cache hit),
# the `credential-process` command alone (miss, hit), and `serve --imds`'s idle RSS.
#   scripts/measure-cli.sh [INSTALL_DIR]
# INSTALL_DIR: an unpacked credbroker-VERSION-linux-x64.tar.gz (default: the one `mvn package`
# left in dist/target, unpacked into a temp dir); its bin/credbroker-server --dev is the broker.
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

install=${1:-}
if [ -z "$install" ]; then
  tar -xzf dist/target/credbroker-*-linux-x64.tar.gz -C "$work"
  install=$(echo "$work"/credbroker-*)
fi
cli=$install/bin/credbroker

# The broker in --dev mode on a free port, from the package itself.
sed 's/listen: 127.0.0.1:8443/listen: 127.0.0.1:0/' examples/dev.yaml > "$work/dev.yaml"
"$install/bin/credbroker-server" --dev --config "$work/dev.yaml" > "$work/broker.out" 2>&1 &
broker_pid=$!
for _ in $(seq 600); do
  grep -q '^export AWS_CONFIG_FILE=' "$work/broker.out" && break
  kill -0 "$broker_pid" || { cat "$work/broker.out" >&2; exit 1; }
  sleep 0.1
done
target=$(sed -n 's/^export CREDBROKER_TARGET=\([^ ]*\) .*/\1/p' "$work/broker.out")
token_file=$(sed -n 's/^export CREDBROKER_TOKEN_FILE=//p' "$work/broker.out")
dev_aws=$(sed -n 's/^ AWS (development): \([^ ]*\) .*/\1/p' "$work/broker.out")

export HOME=$work/home AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/none
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset JAVA_HOME AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME"
process="$cli credential-process --role dev-readonly --target $target --plaintext --token-file $token_file"
printf '[profile broker]\nregion = us-east-1\ncredential_process = %s\n' "$process" > "$AWS_CONFIG_FILE"

# Seconds taken by "$@", output discarded; fails if the command does.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}
median() { sort -n | sed -n 3p; }
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

# serve --imds: RSS after start and one credentials request through the IMDS routes, then 5 s idle.
CREDBROKER_TOKEN_FILE=$token_file "$cli" serve --role dev-readonly --imds --target "$target" --plaintext \
  > "$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 600); do
  grep -q 'AWS_EC2_METADATA_SERVICE_ENDPOINT=' "$work/serve.out" && break
  kill -0 "$serve_pid" || { cat "$work/serve.out" >&2; exit 1; }
  sleep 0.1
done
imds=$(sed -n 's/^# export AWS_EC2_METADATA_SERVICE_ENDPOINT=//p' "$work/serve.out")
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$imds AWS_CONFIG_FILE=/dev/null \
  caller > /dev/null
sleep 5
java_pid=$(pgrep -P "$serve_pid" java || echo "$serve_pid")
rss_kib=$(ps -o rss= -p "$java_pid" | tr -d ' ')

over() { echo "scale=3; $1 - $baseline" | bc; }
cat <<EOF
| measurement (median of 5, seconds) | value | over the baseline |
|---|---|---|
| aws sts get-caller-identity, static credentials (baseline) | $baseline | |
| the same through credential_process, cache miss | $miss | $(over "$miss") |
| the same through credential_process, cache hit | $hit | $(over "$hit") |
| \`credbroker credential-process\` alone, cache miss | $cmd_miss | |
| \`credbroker credential-process\` alone, cache hit | $cmd_hit | |
| \`credbroker serve --imds\` idle RSS | $((rss_kib / 1024)) MiB ($rss_kib KiB) | |
EOF
