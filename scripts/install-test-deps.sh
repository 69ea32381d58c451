#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, and only those missing. Idempotent.
#   python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc grpc-proto:
#     a Python client generated from our .proto files (cross-language contract test)
#   awscli: the AWS CLI as a real consumer of `credbroker credential-process` and of the
#     container credentials endpoint (`credbroker serve`); tests run /usr/bin/aws
set -euo pipefail

packages=(python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc grpc-proto awscli)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing test dependencies: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
