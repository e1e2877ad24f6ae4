#!/usr/bin/env bash
# Builds librdkafka's own integration test suite (tests/test-runner) from the librdkafka source that the
# npm package @confluentinc/kafka-javascript carries in deps/librdkafka. The package is only packed
# and unpacked (npm pack), never installed. The result goes to
# ${XDG_CACHE_HOME:-$HOME/.cache}/nagare/librdkafka-suite-<version>-r<recipe>, keyed by the version
# and build recipe in test/compat/librdkafka/suite.json, so CI builds once. Idempotent: does nothing
# when present. Prints that directory on its last line.
#
# The kept build: lib/ (librdkafka.so, librdkafka++.so), tests/ (test-runner, test.c whose test table
# the runner reads, the plugin the 0066 test loads, the fixtures), src/statistics_schema.json (which
# 0053 reads as ../src/ from the tests dir), suite.env (the pinned versions).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
suite_json="$root/test/compat/librdkafka/suite.json"
field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p" "$suite_json"; }
package="$(field package)"
version="$(field version)"
recipe="$(field recipe)"
librdkafka="$(field librdkafka)"
[ -n "$package" ] && [ -n "$version" ] && [ -n "$recipe" ] && [ -n "$librdkafka" ] || {
  echo "librdkafka-suite: $suite_json needs package, version, librdkafka and recipe" >&2
  exit 1
}

dest="${XDG_CACHE_HOME:-$HOME/.cache}/nagare/librdkafka-suite-$version-r$recipe"
if [ -x "$dest/tests/test-runner" ]; then
  echo "librdkafka test suite from $package@$version already built"
  echo "$dest"
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
# Headers the build uses: TLS and SASL/SCRAM (OpenSSL), gzip and zstd codecs (snappy and lz4 are built
# in), and RapidJSON, with which the tests that check statistics JSON (0053, 0110) run instead of
# skipping. Required rather than optional so that every machine builds the same suite.
missing=()
for pkg in libssl-dev zlib1g-dev libzstd-dev rapidjson-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

mkdir -p "$(dirname "$dest")"
# Build beside the final place and rename at the end: a half-built suite never exists under $dest.
work="$(mktemp -d "$dest.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "Packing $package@$version"
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/deps/librdkafka
src="$work/package/deps/librdkafka"

# The librdkafka inside is named in suite.json too, so that a package bump shows what it brings.
found="$(sed -n 's/^# librdkafka v\([0-9.]*\).*/\1/p' "$src/CHANGELOG.md" | head -n 1)"
[ "$found" = "$librdkafka" ] || {
  echo "librdkafka-suite: $package@$version carries librdkafka $found, suite.json says $librdkafka" >&2
  exit 1
}
echo "Building librdkafka $librdkafka and its test suite"
jobs="$(nproc 2>/dev/null || echo 2)"
(
  cd "$src"
  # No downloads (--no-download) and no optional system libraries beyond the ones above: GSSAPI
  # (Kerberos) and libcurl (OIDC) are not used against a local broker.
  ./configure --no-download --disable-gssapi --disable-curl --disable-lz4-ext \
    --enable-ssl --enable-zlib --enable-zstd >"$work/configure.log" 2>&1 ||
    { tail -n 40 "$work/configure.log" >&2; exit 1; }
  grep -q '^#define WITH_RAPIDJSON 1' config.h || { echo "librdkafka-suite: RapidJSON not found" >&2; exit 1; }
  make -j"$jobs" libs >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }
  make -j"$jobs" -C tests build >>"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }
)

out="$work/out"
mkdir -p "$out/lib" "$out/src" "$out/tests/interceptor_test"
cp -P "$src"/src/librdkafka.so* "$src"/src-cpp/librdkafka++.so* "$out/lib/"
cp "$src/tests/test-runner" "$src/tests/test.c" "$out/tests/"
cp -P "$src"/tests/interceptor_test/*.so* "$out/tests/interceptor_test/"
cp -r "$src/tests/fixtures" "$out/tests/"
cp "$src/src/statistics_schema.json" "$out/src/"
printf 'package=%s\nversion=%s\nlibrdkafka=%s\nrecipe=%s\n' "$package" "$version" "$librdkafka" "$recipe" \
  >"$out/suite.env"
# A concurrent run that got there first has built the same thing.
mv -T "$out" "$dest" 2>/dev/null || true
echo "$dest"
