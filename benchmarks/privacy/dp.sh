#!/usr/bin/env bash
# Accuracy against epsilon (DP-FedAvg, fl simulate --dp-clip/--dp-noise, delta 1e-5), on two setups:
#   seed:  the seed's four clients (every client every round), 10 rounds of 50 epochs;
#   100:   100 IID clients of 600 images, 10 a round, 100 rounds of 1 epoch at batch 10, plain SGD.
# Epsilon is the most-exposed client's, from the rounds it took part in (no amplification by sampling: the picks are public).
# Prints one line per run: setup, clip, noise multiplier, epsilon, global test accuracy. Needs cli/target/fl.jar
# (./mvnw -q package -DskipTests). A few minutes on two cores.
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
(($# == 0)) || { echo "usage: benchmarks/privacy/dp.sh (no arguments; --help: what it does)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
jar=cli/target/fl.jar
[[ -f $jar ]] || { echo "no $jar: run ./mvnw -q package -DskipTests first" >&2; exit 1; }

run() { # setup clip noise args...
  local setup=$1 clip=$2 noise=$3
  shift 3
  { "$JAVA" -jar "$jar" simulate "$@" --dp-clip "$clip" --dp-noise "$noise" 2>/dev/null || true; } | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read()
if not line.startswith("{"):
    print("%-5s clip %-4s noise %-5s diverged (training failed)" % (sys.argv[1], sys.argv[2], sys.argv[3]))
    sys.exit(0)
j = json.loads(line)
eps = "inf" if j["epsilon"] is None else "%.3g" % j["epsilon"]
print("%-5s clip %-4s noise %-5s epsilon %-8s accuracy %.2f%%" % (sys.argv[1], sys.argv[2], sys.argv[3], eps,
      100 * j["globalTestAccuracy"]))' "$setup" "$clip" "$noise"
}

for noise in 0 0.01 0.03 0.1 0.3 1; do
  run seed 1 "$noise"
done
for noise in 0 0.1 0.3 1 3; do
  run 100 1 "$noise" --clients 100 --partition iid --batch-size 10 --epochs 1 --momentum 0 --learning-rate 0.2 \
    --fraction 0.1 --train-fraction 1.0 --rounds 100
done
