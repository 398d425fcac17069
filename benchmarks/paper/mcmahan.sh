#!/usr/bin/env bash
# McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data", Table 2, 2NN
# rows: 100 clients of 600 MNIST images, E=1, B=10, C=0.1, FedAvg, rounds to 97% test accuracy.
#   benchmarks/paper/mcmahan.sh           both rows at the learning rate our sweep chose (0.2, the best for both)
#   benchmarks/paper/mcmahan.sh --sweep   the sweep: each row at learning rates 0.05, 0.1 and 0.2
# Plain SGD (--momentum 0) as in the paper; the 2NN is our 784-200-200-10 with leaky ReLU. Needs cli/target/fl.jar
# (./mvnw -q package -DskipTests) and data/mnist. Prints one line per run and the JSON lines under target/paper/.
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
[[ $# -eq 0 || ( $# -eq 1 && $1 == --sweep ) ]] || { echo "usage: benchmarks/paper/mcmahan.sh [--sweep] (--help: what it does)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
jar=cli/target/fl.jar
[[ -f $jar ]] || { echo "mcmahan: $jar is missing: ./mvnw -q package -DskipTests" >&2; exit 1; }
mkdir -p target/paper
run() { # partition learning-rate max-rounds paper-rounds
  local out="target/paper/${1/:/-}-lr$2.json"
  "$JAVA" -jar "$jar" simulate --clients 100 --partition "$1" --layers 784,200,200,10 --batch-size 10 --epochs 1 \
    --fraction 0.1 --train-fraction 1.0 --momentum 0 --learning-rate "$2" --rounds "$3" --target-accuracy 0.97 \
    | tail -1 > "$out"
  python3 - "$out" "$1" "$2" "$4" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["roundsToTarget"]
print(f"{sys.argv[2]:9} lr {sys.argv[3]:5} rounds to 97%: {r if r is not None else 'not reached'} "
      f"(paper {sys.argv[4]}), {j['secondsToTarget'] or j['seconds']} s, final {100 * j['globalTestAccuracy']:.2f}%")
PY
}
if [[ ${1:-} == --sweep ]]; then
  for lr in 0.05 0.1 0.2; do run iid $lr 300 87; done
  for lr in 0.05 0.1 0.2; do run shards:2 $lr 1000 664; done
else
  run iid 0.2 300 87
  run shards:2 0.2 1000 664
fi
