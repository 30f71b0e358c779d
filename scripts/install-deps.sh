#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing ITP needs.
# Idempotent: does nothing when everything is installed already.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libgrpc++-dev libgrpc-dev libabsl-dev
  libsqlitecpp-dev libsqlite3-dev libssl-dev openssl
  libgtest-dev libgmock-dev
  libcli11-dev
  librsvg2-bin
  prometheus-cpp-dev prometheus
  python3 python3-grpcio python3-grpc-tools python3-h2
  python3-pip python3-setuptools python3-wheel
  # The partner SDKs (client/, ctest -L sdk). Go: Debian's Go packages in
  # GOPATH mode; protobuf 1.5 named, or apt takes the 1.3 one, which panics
  # on proto3 optional.
  golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
  golang-google-protobuf-dev golang-google-genproto-dev
  golang-github-golang-protobuf-1-5-dev
  # Java: Debian's grpc-java and what it does not declare; netty-tcnative for
  # ALPN (TLS).
  openjdk-17-jdk-headless protobuf-compiler-grpc-java-plugin libprotobuf-java
  libgrpc-java libguava-java libperfmark-java libnetty-java
  libnetty-tcnative-java libnetty-tcnative-jni
  libgeronimo-annotation-1.3-spec-java
)
# --sanitizers: clang and its sanitizer and libFuzzer runtimes as well
# (scripts/sanitize.sh, scripts/fuzz.sh).
if [ "${1:-}" = "--sanitizers" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

# The checks of deploy/ (tests/deploy): node and npm unless some other
# installation provides them, and systemd-analyze.
command -v npm >/dev/null || packages+=(nodejs npm)
command -v systemd-analyze >/dev/null || packages+=(systemd)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
