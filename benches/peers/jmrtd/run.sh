#!/usr/bin/env bash
# Run the JMRTD peer (builds it with Maven on first use). Arguments go to ReadPassport:
#   benches/peers/jmrtd/run.sh --doc N --birth YYMMDD --expiry YYMMDD [--reader NAME] [--out DIR] [--extended]
# Needs a JDK ≥ 17, Maven and Maven Central (first build only), pcscd running.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=$HERE/target/jmrtd-peer-0.1.0.jar
if [ ! -f "$JAR" ] || [ "$HERE/src/main/java/idproof/peers/ReadPassport.java" -nt "$JAR" ] || [ "$HERE/pom.xml" -nt "$JAR" ]; then
  (cd "$HERE" && mvn -q -B package -DskipTests >&2)
fi
LIB=${PCSC_LIBRARY:-$(ls /usr/lib/*/libpcsclite.so.1 2>/dev/null | head -1)}
exec java -Dsun.security.smartcardio.library="$LIB" -cp "$JAR:$HERE/target/lib/*" idproof.peers.ReadPassport "$@"
