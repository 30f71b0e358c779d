#!/bin/sh
# Generates the itp.v1 Go package (itpv1/*.pb.go, *_grpc.pb.go) from the
# repository's proto/ and lays out the GOPATH that builds this folder offline
# on Debian's Go packages:
#
#   itpv1/                           package itpv1 (gitignored)
#   build/gopath/src/github.com/leadit/itp/client/go -> this folder
#
# Then build with
#   export GO111MODULE=off GOPATH="$PWD/build/gopath:/usr/share/gocode"
#
# Usage: ./generate.sh [PROTO_DIR]   (default: ITP_PROTO_DIR, else ../../proto)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
proto_dir=${1:-${ITP_PROTO_DIR:-$here/../../proto}}
if [ ! -f "$proto_dir/itp/v1/plan_service.proto" ]; then
  echo "generate.sh: no itp/v1/plan_service.proto in $proto_dir" >&2
  exit 2
fi
proto_dir=$(cd "$proto_dir" && pwd)

missing=""
command -v protoc >/dev/null 2>&1 || missing="$missing protobuf-compiler"
command -v protoc-gen-go >/dev/null 2>&1 || missing="$missing protoc-gen-go"
command -v protoc-gen-go-grpc >/dev/null 2>&1 || missing="$missing protoc-gen-go-grpc"
if [ -n "$missing" ]; then
  echo "generate.sh: missing tools; install the Debian packages:$missing" >&2
  exit 2
fi

# The well-known types (google/protobuf/*.proto) come with libprotobuf-dev.
include=""
if [ -f /usr/include/google/protobuf/timestamp.proto ]; then
  include="-I/usr/include"
fi

# Only itp/v1: none of its files imports google/rpc, whose Go packages come
# from Debian's golang-google-genproto-dev (errdetails, status), nor the
# health service, which golang-google-grpc-dev ships as grpc_health_v1.
rm -rf "$here/itpv1"
mkdir -p "$here/itpv1"
module=github.com/leadit/itp/client/go
# shellcheck disable=SC2086
protoc -I"$proto_dir" $include \
  --go_out="$here" --go_opt=module=$module \
  --go-grpc_out="$here" --go-grpc_opt=module=$module \
  "$proto_dir"/itp/v1/*.proto

link="$here/build/gopath/src/github.com/leadit/itp/client/go"
mkdir -p "$(dirname "$link")"
rm -f "$link"
ln -s ../../../../../../.. "$link"
echo "generated $(find "$here/itpv1" -name "*.go" | wc -l) files in $here/itpv1"
