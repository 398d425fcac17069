#!/usr/bin/env bash
# Runs the whole federated setup as five local processes, no containers: one aggregator on port 8080 and four
# clients (ports 8081-8084), each reading only its own shard from data/shards (data/shards-fashion-mnist with
# FL_DATASET=fashion-mnist). Follows the run until it completes, saves the workbook to out/metrics.xlsx, then stops
# everything. The run's state goes to out/state (a new run each time). Settings come from the environment (FL_ROUNDS,
# FL_LOCAL_EPOCHS, FL_BATCH_SIZE, FL_LEARNING_RATE, FL_MOMENTUM, FL_SEED, FL_DATASET, ...), as for the services.
# The five ports (SERVER_PORT, 8080 by default, and the next four) must be free: if one is taken (say by a compose
# stack) the script says so and stops, and it follows only the status of the aggregator it started.
# Usage: scripts/run-local.sh          (build first: ./mvnw -q package -DskipTests)
#        SERVER_PORT=18080 scripts/run-local.sh    (aggregator on 18080, clients on 18081-18084)
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
[[ $# -eq 0 ]] || { echo "usage: scripts/run-local.sh (settings from the environment; --help: what it does)" >&2; exit 2; }
cd "$(dirname "$0")/.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
# -Dspring.aot.enabled=true: the application contexts generated at build time (process-aot), as in the images.
JVM=("$JAVA" --add-modules jdk.incubator.vector -Xmx1g -Dspring.aot.enabled=true)
AGG=aggregator-service/target/aggregator-service.jar
CLIENT=client-service/target/client-service.jar
PORT=${SERVER_PORT:-8080}
for jar in "$AGG" "$CLIENT"; do
  [[ -f $jar ]] || { echo "run-local: $jar is missing: build with ./mvnw -q package -DskipTests" >&2; exit 1; }
done
# Something answering on a port means it is taken: our aggregator would fail to start, and the status we follow
# would be another run's.
for p in $PORT $((PORT + 1)) $((PORT + 2)) $((PORT + 3)) $((PORT + 4)); do
  if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
    echo "run-local: port $p is already in use (another run? a compose stack?): stop it, or choose other ports with" \
      "SERVER_PORT=<port> scripts/run-local.sh (the aggregator takes that port, the clients the next four)" >&2
    exit 1
  fi
done
mkdir -p out/logs
rm -rf out/state # a new run each time (the aggregator would resume a kept one)
export FL_STATE_DIR=out/state
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

SERVER_PORT=$PORT "${JVM[@]}" -jar "$AGG" >out/logs/aggregator.log 2>&1 &
agg_pid=$!
pids+=($agg_pid)
for c in 1 2 3 4; do
  SERVER_PORT=$((PORT + c)) FL_CLIENT_ID=client-$c FL_CLIENT_SHARD=data/shards${FL_DATASET:+-$FL_DATASET}/client-$c.csv.gz \
    FL_AGGREGATOR_URL=http://localhost:$PORT "${JVM[@]}" -jar "$CLIENT" >out/logs/client-$c.log 2>&1 &
  pids+=($!)
done
echo "run-local: aggregator on http://localhost:$PORT, logs in out/logs/ (tail -f out/logs/aggregator.log)"

start=$(date +%s)
last=""
ours=""
while true; do
  sleep 2
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "run-local: a process died; see out/logs/" >&2; exit 1; }
  done
  # The status is read only once our aggregator (alive, checked above) has logged that it listens on the port:
  # until then whatever answers there is not ours.
  if [[ -z $ours ]]; then
    grep -q "Tomcat started on port $PORT " out/logs/aggregator.log && ours=yes || continue
  fi
  status=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/status" 2>/dev/null) || continue
  line=$(sed -E 's/.*"state":"([A-Z_]+)","round":([0-9]+),"rounds":([0-9]+).*"globalTestAccuracy":([0-9.]+).*/\1 round \2\/\3 global test accuracy \4/' <<<"$status")
  [[ $line != "$last" ]] && echo "run-local: $line" && last=$line
  case $status in
    *'"state":"COMPLETED"'*) break ;;
    *'"state":"FAILED"'*) echo "run-local: the run failed: $status" >&2; exit 1 ;;
  esac
done
echo "run-local: completed in $(( $(date +%s) - start )) s"
sleep 3 # the clients' scores of the final model arrive just after the last aggregation
kill -0 "$agg_pid" 2>/dev/null || { echo "run-local: the aggregator died before the workbook was saved" >&2; exit 1; }
curl -fsS -o out/metrics.xlsx "http://127.0.0.1:$PORT/api/v1/metrics.xlsx"
echo "run-local: workbook saved to out/metrics.xlsx"
