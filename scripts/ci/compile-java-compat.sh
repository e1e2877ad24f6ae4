#!/usr/bin/env bash
# Compiles the Java compat program (test/compat/java) against the fetched kafka-clients into a cache
# dir keyed by the hash of its sources and the Kafka pom: nothing is written into the repo.
# Idempotent. Prints the classes dir on its last line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
libs="$(bash "$root/scripts/ci/fetch-kafka.sh" | tail -n 1)"
sources=("$root"/test/compat/java/*.java)
hash="$(cat "$root/scripts/ci/kafka-pom.xml" "${sources[@]}" | sha256sum | cut -c1-16)"
dest="${XDG_CACHE_HOME:-$HOME/.cache}/nagare/java-compat-$hash"

if [ ! -d "$dest/classes" ]; then
  work="$(mktemp -d "$dest.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  javac -Xlint:all -Werror -d "$work/classes" -cp "$libs/*" "${sources[@]}"
  mkdir -p "$dest"
  # Rename into place; a concurrent run that got there first has produced the same classes.
  mv -T "$work/classes" "$dest/classes" 2>/dev/null || true
fi
echo "$dest/classes"
