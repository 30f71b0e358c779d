#!/usr/bin/env bash
# Builds the ITP Java client offline from Debian 12's packages: generates the
# itp.v1 messages and gRPC stubs (and the vendored google.rpc status and error
# details) from the repository's proto/ with protoc and protoc-gen-grpc-java,
# compiles them with the helper library (org.leadit.itp.client), the example
# and the unit tests, and runs the unit tests.
#
# Usage: client/java/build.sh [--proto-dir DIR] [--googleapis-jar JAR] [--no-test]
#
#   --proto-dir DIR       the .proto files (default: $ITP_PROTO_DIR, else
#                         ../../proto next to this script)
#   --googleapis-jar JAR  take com.google.rpc (Status, ErrorInfo, BadRequest,
#                         RetryInfo) from this jar instead of generating the
#                         vendored proto/google/rpc files; it goes on the
#                         classpath (proto-google-common-protos >= 1.18 has
#                         ErrorInfo; Debian 12's 1.16 does not)
#   --no-test             skip the unit tests
#
# Everything goes to build/ next to this script (git-ignored):
#   build/itp-client.jar        generated org.leadit.itp.v1 + com.google.rpc
#                               classes and org.leadit.itp.client
#   build/itp-examples.jar      org.leadit.itp.examples.PartnerExample
#   build/itp-client-tests.jar  org.leadit.itp.client.ItpClientTest
#   build/native/               links Debian's libnetty-tcnative.so under the
#                               name netty loads (for TLS)
#   build/classpath             the runtime classpath: the two jars above, the
#                               Debian jars and build/native, absolute paths,
#                               ':'-separated
#   build/test-classpath        build/classpath plus the tests' jar
#
# Then: java -cp "$(cat client/java/build/classpath)" \
#         org.leadit.itp.examples.PartnerExample green-steel-2050
#
# Needs (apt-get install): openjdk-17-jdk-headless protobuf-compiler
#   protobuf-compiler-grpc-java-plugin libprotobuf-java libgrpc-java
#   libguava-java libperfmark-java libnetty-java libnetty-tcnative-java
#   libnetty-tcnative-jni libgeronimo-annotation-1.3-spec-java
# Overrides: JAVA_LIB_DIR (default /usr/share/java), PROTOC (default protoc),
# PROTOC_GEN_GRPC_JAVA (default: protoc-gen-grpc-java or grpc_java_plugin on PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_dir="${ITP_PROTO_DIR:-$here/../../proto}"
googleapis_jar=""
run_tests=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --proto-dir) proto_dir="${2:?--proto-dir needs a directory}"; shift 2 ;;
    --proto-dir=*) proto_dir="${1#*=}"; shift ;;
    --googleapis-jar) googleapis_jar="${2:?--googleapis-jar needs a jar}"; shift 2 ;;
    --googleapis-jar=*) googleapis_jar="${1#*=}"; shift ;;
    --no-test) run_tests=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "build.sh: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

# --- tools ------------------------------------------------------------------
for tool in javac jar java; do
  command -v "$tool" >/dev/null ||
    fail "'$tool' not found: apt-get install openjdk-17-jdk-headless"
done
protoc="${PROTOC:-protoc}"
command -v "$protoc" >/dev/null || fail "'$protoc' not found: apt-get install protobuf-compiler"
grpc_plugin="${PROTOC_GEN_GRPC_JAVA:-}"
if [[ -z "$grpc_plugin" ]]; then
  grpc_plugin="$(command -v protoc-gen-grpc-java || command -v grpc_java_plugin || true)"
fi
[[ -n "$grpc_plugin" && -x "$grpc_plugin" ]] ||
  fail "protoc-gen-grpc-java not found (Debian: /usr/bin/grpc_java_plugin):" \
       "apt-get install protobuf-compiler-grpc-java-plugin"

# --- Debian's jars (libnetty-java's netty-all.jar is empty: list the modules) --
lib="${JAVA_LIB_DIR:-/usr/share/java}"
runtime_jars=()
missing=()
need() {  # need PACKAGE JAR...
  local package="$1" jar
  shift
  for jar in "$@"; do
    if [[ -f "$lib/$jar" ]]; then
      runtime_jars+=("$lib/$jar")
    else
      missing+=("$lib/$jar ($package)")
    fi
  done
}
need libprotobuf-java protobuf.jar
need libgrpc-java grpc-api.jar grpc-context.jar grpc-core.jar grpc-netty.jar \
  grpc-protobuf.jar grpc-protobuf-lite.jar grpc-stub.jar
need libguava-java guava.jar
need libperfmark-java perfmark-api.jar
need libnetty-java netty-common.jar netty-buffer.jar netty-resolver.jar \
  netty-transport.jar netty-codec.jar netty-codec-http.jar netty-codec-http2.jar \
  netty-codec-socks.jar netty-handler.jar netty-handler-proxy.jar
# TLS: HTTP/2 needs ALPN, which Debian's netty-handler has only through
# netty-tcnative (OpenSSL); its JNI library is set up below.
need libnetty-tcnative-java netty-tcnative.jar
# javax.annotation.Generated, on the generated stubs.
need libgeronimo-annotation-1.3-spec-java geronimo-annotation-1.3-spec.jar
tcnative_so="$(ls /usr/lib/*/jni/libnetty-tcnative.so 2>/dev/null | head -n 1 || true)"
[[ -n "$tcnative_so" ]] || missing+=("/usr/lib/<arch>/jni/libnetty-tcnative.so (libnetty-tcnative-jni)")
if [[ ${#missing[@]} -gt 0 ]]; then
  printf 'build.sh: missing %s\n' "${missing[@]}" >&2
  fail "apt-get install the packages named above"
fi
if [[ -n "$googleapis_jar" ]]; then
  googleapis_jar="$(cd "$(dirname "$googleapis_jar")" && pwd)/$(basename "$googleapis_jar")"
  [[ -f "$googleapis_jar" ]] || fail "no such jar: $googleapis_jar"
  jar tf "$googleapis_jar" | grep -qx 'com/google/rpc/ErrorInfo.class' ||
    fail "$googleapis_jar has no com.google.rpc.ErrorInfo (proto-google-common-protos" \
         ">= 1.18 has it); leave --googleapis-jar out to generate proto/google/rpc"
  runtime_jars+=("$googleapis_jar")
fi
[[ -f "$proto_dir/itp/v1/plan_service.proto" ]] ||
  fail "no itp/v1/plan_service.proto in $proto_dir (use --proto-dir)"
proto_dir="$(cd "$proto_dir" && pwd)"

join() { local IFS=:; echo "$*"; }
libs="$(join "${runtime_jars[@]}")"

out="$here/build"
rm -rf "$out"
mkdir -p "$out/gen" "$out/classes" "$out/example-classes" "$out/test-classes"

# Netty loads tcnative by the name libnetty_tcnative.so, from java.library.path
# or from META-INF/native/ on the classpath; Debian installs it as
# libnetty-tcnative.so. A classpath folder linking that name to Debian's
# library makes TLS work without JVM flags.
mkdir -p "$out/native/META-INF/native"
ln -s "$tcnative_so" "$out/native/META-INF/native/libnetty_tcnative.so"
runtime_jars+=("$out/native")

# --- generate ---------------------------------------------------------------
start="$(now)"
protos=("$proto_dir"/itp/v1/*.proto)
if [[ -z "$googleapis_jar" ]]; then
  protos+=("$proto_dir"/google/rpc/status.proto "$proto_dir"/google/rpc/error_details.proto)
fi
"$protoc" --proto_path="$proto_dir" \
  --java_out="$out/gen" \
  --plugin=protoc-gen-grpc="$grpc_plugin" --grpc_out="$out/gen" \
  "${protos[@]}"
# javac argument files, one quoted path a line (paths may hold spaces).
sources() { find "$1" -name '*.java' | sort | sed 's/.*/"&"/'; }
sources "$out/gen" > "$out/main-sources"
echo "build.sh: generated $(wc -l < "$out/main-sources") Java files from ${#protos[@]} .proto files in $(since "$start") s"

# --- compile and package ----------------------------------------------------
# C1 only (TieredStopAtLevel=1): javac of the ~250 generated files takes
# about 12 s instead of 18 s on 2 busy cores.
javac_flags=(-encoding UTF-8 --release 11 -nowarn -Xlint:none -J-Xmx1g -J-XX:TieredStopAtLevel=1)
start="$(now)"
sources "$here/src/main/java" >> "$out/main-sources"
javac "${javac_flags[@]}" -cp "$libs" -d "$out/classes" @"$out/main-sources"
# The .proto files too, as Maven's protobuf jars carry theirs.
cp -r "$proto_dir/itp" "$out/classes/"
jar --create --file "$out/itp-client.jar" -C "$out/classes" .
echo "build.sh: compiled $(wc -l < "$out/main-sources") files into build/itp-client.jar in $(since "$start") s"

start="$(now)"
sources "$here/src/examples/java" > "$out/example-sources"
sources "$here/src/test/java" > "$out/test-sources"
javac "${javac_flags[@]}" -cp "$out/itp-client.jar:$libs" -d "$out/example-classes" @"$out/example-sources"
javac "${javac_flags[@]}" -cp "$out/itp-client.jar:$libs" -d "$out/test-classes" @"$out/test-sources"
cp -r "$here/src/test/resources/." "$out/test-classes/"
jar --create --file "$out/itp-examples.jar" -C "$out/example-classes" .
jar --create --file "$out/itp-client-tests.jar" -C "$out/test-classes" .
echo "build.sh: compiled the example and the tests in $(since "$start") s"

join "$out/itp-client.jar" "$out/itp-examples.jar" "${runtime_jars[@]}" > "$out/classpath"
join "$out/itp-client.jar" "$out/itp-examples.jar" "$out/itp-client-tests.jar" \
  "${runtime_jars[@]}" > "$out/test-classpath"
echo "build.sh: runtime classpath in $out/classpath"

# --- unit tests -------------------------------------------------------------
if [[ $run_tests -eq 1 ]]; then
  java -cp "$(cat "$out/test-classpath")" org.leadit.itp.client.ItpClientTest
fi
