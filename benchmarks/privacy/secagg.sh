#!/usr/bin/env bash
# What secure aggregation costs and changes (fl simulate --secure-aggregation against the same run without it):
#   seed:  the seed's four clients, 10 rounds of 50 epochs;
#   10:    10 IID clients, 10 rounds of 5 epochs;
#   100:   100 IID clients of 600 images, 10 a round, 100 rounds of 1 epoch at batch 10, plain SGD.
# Prints per setup: accuracy without and with it, the protocol's time per round (all clients' and the server's work,
# in one process on this machine), and the bytes each client sends and receives per round in the protocol against
# the 4 bytes per parameter a plain update sends. Needs cli/target/fl.jar (./mvnw -q package -DskipTests).
# A few minutes on two cores.
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
(($# == 0)) || { echo "usage: benchmarks/privacy/secagg.sh (no arguments; --help: what it does)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
jar=cli/target/fl.jar
[[ -f $jar ]] || { echo "no $jar: run ./mvnw -q package -DskipTests first" >&2; exit 1; }

compare() { # setup args...
  local setup=$1
  shift
  plain=$("$JAVA" -jar "$jar" simulate "$@" | tail -1)
  secure=$("$JAVA" -jar "$jar" simulate "$@" --secure-aggregation | tail -1)
  python3 - "$setup" "$plain" "$secure" <<'PY'
import json, sys
setup, plain, secure = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
c = secure["secAgg"]
params = 784 * 20 + 20 + 20 * 15 + 15 + 15 * 10 + 10
print("%-5s plain %.2f%%  secure %.2f%% (%+.2f pt)  protocol %6.1f ms/round  per client %5.1f kB up, %5.1f kB down"
      " (plain update %.1f kB)" % (setup, 100 * plain["globalTestAccuracy"], 100 * secure["globalTestAccuracy"],
      100 * (secure["globalTestAccuracy"] - plain["globalTestAccuracy"]), c["millisPerRound"],
      c["bytesUpPerClient"] / 1e3, c["bytesDownPerClient"] / 1e3, 4 * params / 1e3))
PY
}

compare seed
compare 10 --clients 10 --partition iid --rounds 10 --epochs 5
compare 100 --clients 100 --partition iid --batch-size 10 --epochs 1 --momentum 0 --learning-rate 0.2 \
  --fraction 0.1 --train-fraction 1.0 --rounds 100
