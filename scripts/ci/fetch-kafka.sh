#!/usr/bin/env bash
# Fetches Apache Kafka (broker, tools, clients and their runtime dependencies) from Maven Central into
# ${XDG_CACHE_HOME:-$HOME/.cache}/nagare/kafka-<version>/libs. Idempotent: does nothing when present.
# Prints the libs dir on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/kafka-pom.xml"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
[ -n "$version" ] || { echo "fetch-kafka: no <kafka.version> in $pom" >&2; exit 1; }

dest="${XDG_CACHE_HOME:-$HOME/.cache}/nagare/kafka-$version"
if [ -d "$dest/libs" ]; then
  echo "Apache Kafka $version already fetched"
  echo "$dest/libs"
  exit 0
fi

mkdir -p "$dest"
# Download beside the final place so the last step is a rename: a half-fetched libs dir never exists.
work="$(mktemp -d "$dest/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$pom" "$work/pom.xml"
echo "Fetching Apache Kafka $version from Maven Central"
mvn -B -q -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$work/libs"
mv "$work/libs" "$dest/libs"
echo "$dest/libs"
