#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, and only those missing. Idempotent.
# Every program or file a test runs or reads outside the JDK and the Maven build is here
# (docs/testing.md, "Fresh-machine check", says how to prove it):
#   python3 (/usr/bin/python3), python3-grpcio, python3-protobuf: a Python client generated
#     from our .proto files (server ExecutableJarIT, src/test/interop/python_client.py)
#   protobuf-compiler (protoc), protobuf-compiler-grpc (/usr/bin/grpc_python_plugin): generate it
#   libprotobuf-dev: the well-known types it imports (/usr/include/google/protobuf/*.proto);
#     Debian's protobuf-compiler ships none of them
#   grpc-proto: health.proto and reflection.proto (/usr/share/grpc-proto)
#   awscli: the AWS CLI as a real consumer of `credbroker credential-process` and of the
#     container credentials endpoint (`credbroker serve`); tests run /usr/bin/aws
#   procps: kill(1), how the process tests send SIGTERM, SIGHUP and SIGKILL (minimal images
#     such as the debian:12 container lack it)
#   prometheus: /usr/bin/promtool checks the shipped alert rules (server MonitoringTest)
#   python3-prometheus-client: the Prometheus Python client's text-format parser reads the
#     broker's scrapes (server src/test/interop/parse_scrape.py, testing/Scrape)
#   postgresql-15: /usr/lib/postgresql/15/bin/{initdb,pg_ctl,postgres}, a throwaway cluster per
#     test class for the fleet audit store (store PostgresCluster, run as nobody via setpriv
#     from util-linux, which every Debian image has); the package's own cluster is not used
#   systemd: /usr/bin/systemd-analyze verifies the shipped units, /usr/bin/systemd-sysusers runs
#     in the .deb's postinst (dist PackageIT, which also uses dpkg and util-linux's unshare)
set -euo pipefail

packages=(python3 python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
  libprotobuf-dev grpc-proto awscli procps prometheus python3-prometheus-client postgresql-15
  systemd)

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
