#!/usr/bin/python3
"""A credbroker client in another language, generated from the published .proto files.

Generates Python stubs with protoc and grpc_python_plugin (Debian: protobuf-compiler,
protobuf-compiler-grpc), lists services through server reflection, checks health, and calls
WhoAmI through the generated credbroker stub. Prints one "key: value" line per finding.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

GRPC_PROTO_ROOT = "/usr/share/grpc-proto"  # Debian package grpc-proto


def generate(proto_dir, out_dir):
    sources = sorted(glob.glob(os.path.join(proto_dir, "credbroker", "v1", "*.proto")))
    if not sources:
        sys.exit("no .proto files under " + proto_dir)
    # Copied to top-level file names so the generated modules do not shadow the grpcio package.
    std_dir = os.path.join(out_dir, "std")
    os.makedirs(std_dir)
    shutil.copy(os.path.join(GRPC_PROTO_ROOT, "grpc/health/v1/health.proto"),
                os.path.join(std_dir, "std_health.proto"))
    shutil.copy(os.path.join(GRPC_PROTO_ROOT, "grpc/reflection/v1/reflection.proto"),
                os.path.join(std_dir, "std_reflection.proto"))
    subprocess.run(
        ["protoc", "-I", proto_dir, "-I", std_dir, "-I", "/usr/include",
         "--python_out", out_dir, "--grpc_out", out_dir,
         "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"]
        + [os.path.relpath(s, proto_dir) for s in sources]
        + ["std_health.proto", "std_reflection.proto"],
        check=True)
    for package in ["credbroker", "credbroker/v1"]:
        open(os.path.join(out_dir, package, "__init__.py"), "a").close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--token", help="bearer token for WhoAmI (else sent without one)")
    args = parser.parse_args()

    out_dir = tempfile.mkdtemp(prefix="credbroker-py-")
    generate(args.proto_dir, out_dir)
    sys.path.insert(0, out_dir)
    import grpc as grpcio
    import std_reflection_pb2 as reflection_pb2
    import std_reflection_pb2_grpc as reflection_grpc
    import std_health_pb2 as health_pb2
    import std_health_pb2_grpc as health_grpc
    from credbroker.v1 import broker_pb2
    from credbroker.v1 import broker_pb2_grpc as broker_grpc

    with grpcio.insecure_channel(args.target) as channel:
        reflection = reflection_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        for response in reflection.ServerReflectionInfo(iter([request]), timeout=10):
            for service in response.list_services_response.service:
                print("service: " + service.name)

        status = health_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        print("health: " + health_pb2.HealthCheckResponse.ServingStatus.Name(status.status))

        broker = broker_grpc.CredentialBrokerStub(channel)
        try:
            metadata = [("authorization", "Bearer " + args.token)] if args.token else []
            me = broker.WhoAmI(broker_pb2.WhoAmIRequest(), timeout=10, metadata=metadata)
            print("whoami: " + me.subject)
        except grpcio.RpcError as error:
            print("whoami-status: " + error.code().name)


if __name__ == "__main__":
    main()
