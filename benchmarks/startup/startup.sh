#!/usr/bin/env bash
# Start-up and memory, the fixed costs around training (issue 14's figures):
#   compose:  `docker compose up` with the images built, to COMPLETED: seconds, when round 1 opened, each round's
#             seconds, the final accuracy (every digit of the stored double) and a hash of the final model's weights
#             (the same bits give the same hash), each service's
#             start ("Started ... in X seconds" in its log), and each container's peak memory (docker stats, sampled
#             every second) against its limit;
#   simulate: `fl simulate --rounds 2 --epochs 50 --threads 1` as a whole process, RUNS times (default 7): the median
#             and fastest seconds, how many times the numpy peer's time the median is (NUMPY_SECONDS, default 74:
#             benchmarks/numpy's train_numpy.py doing the same training on this machine), the first round's time over
#             the second's, and one run before those with an empty MNIST cache (FL_CACHE_DIR).
# Usage: benchmarks/startup/startup.sh [compose|simulate|all]   (default all; compose needs the images built:
# docker compose build). Runs `docker compose down -v` first: it deletes a kept run. Follows the aggregator on
# FL_PORT (8080); COMPOSE_PROJECT_NAME and COMPOSE_FILE choose another stack as for docker compose itself.
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
(($# <= 1)) || { echo "usage: benchmarks/startup/startup.sh [compose|simulate|all] (--help: what it does)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
what=${1:-all}
numpy=${NUMPY_SECONDS:-74}
port=${FL_PORT:-8080}
runs=${RUNS:-7}

compose() {
  docker compose down -v >/dev/null 2>&1
  stats=$(mktemp)
  start=$(date +%s.%N)
  log=$(docker compose up -d 2>&1) || { echo "docker compose up failed: $log" >&2; exit 1; }
  sampler=""
  if [[ ${SAMPLE_MEMORY:-1} == 1 ]]; then # SAMPLE_MEMORY=0: no docker stats (it costs CPU the start-up shares)
    ( while true; do docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' >> "$stats" 2>/dev/null; sleep 1; done ) &
    sampler=$!
  fi
  state=""
  until [[ $state == COMPLETED || $state == FAILED ]]; do
    sleep 0.25
    # grep, not a python per poll: on two cores the poller's own CPU would slow the run it measures
    state=$(curl -s "localhost:$port/api/v1/status" | grep -oE '"state":"[A-Z_]+"' | cut -d'"' -f4 || true)
    if (( $(date +%s) - ${start%.*} > 600 )); then state=TIMEOUT; fi
  done
  end=$(date +%s.%N)
  sleep 2
  if [[ -n $sampler ]]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi
  curl -s "localhost:$port/api/v1/rounds" > "$stats.rounds"
  curl -s "localhost:$port/api/v1/model" | grep -oE '"weights":\[[^]]*\]' | sha256sum | cut -c1-16 > "$stats.model"
  docker compose logs --no-color 2>/dev/null | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -oE '^[a-z0-9-]+ +\| .*Started [A-Za-z]+ in [0-9.]+ seconds' \
    | sed -E 's/^([a-z0-9-]+) .* in ([0-9.]+) seconds/\1 \2/' > "$stats.started" || true
  limits=$(docker inspect --format '{{.Name}} {{.HostConfig.Memory}}' $(docker compose ps -q) | sed 's#^/##')
  python3 - "$start" "$end" "$state" "$stats" "$limits" <<'PY'
import json, re, sys
from datetime import datetime
start, end, state, stats, limits = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rounds = json.load(open(stats + ".rounds"))
ts = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
durations = [round(ts(r["endedAt"]) - ts(r["startedAt"]), 1) for r in rounds if r.get("endedAt")]
first = ts(rounds[0]["startedAt"]) - start if rounds else float("nan")
acc = rounds[-1]["globalTestAccuracy"] if rounds else float("nan")
print("compose: %s in %.1f s after up; round 1 opened at %.1f s; rounds %s s; accuracy %.2f%% (%r); model %s" % (
    state, end - start, first, durations, 100 * (acc or 0), acc, open(stats + ".model").read().strip()))
started = sorted(l.split() for l in open(stats + ".started"))
print("  started in (s): " + ", ".join("%s %s" % (n, t) for n, t in started))
unit = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
peak = {}
for line in open(stats):
    m = re.match(r"(\S+) ([\d.]+)(B|KiB|MiB|GiB) /", line)
    if m:
        peak[m.group(1)] = max(peak.get(m.group(1), 0), float(m.group(2)) * unit[m.group(3)])
limit = dict(l.split() for l in limits.splitlines())
for name in sorted(n for n in peak if n in limit):
    lim = int(limit.get(name, "0"))
    print("  %-24s peak %5.0f MiB  limit %s" % (name, peak[name] / 2**20, "%d MiB" % (lim / 2**20) if lim else "none"))
PY
  rm -f "$stats" "$stats.rounds" "$stats.started" "$stats.model"
}

simulate() {
  source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
  jar=cli/target/fl.jar
  [[ -f $jar ]] || { echo "no $jar: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
  cold=$(mktemp -d)
  results=$(mktemp)
  # One run with an empty MNIST cache (it decompresses the .gz files and keeps copies), then $runs with the copies.
  for i in $(seq 0 "$runs"); do
    if (( i == 0 )); then export FL_CACHE_DIR=$cold; else unset FL_CACHE_DIR; fi
    start=$(date +%s.%N)
    out=$("$JAVA" -jar "$jar" simulate --rounds 2 --epochs 50 --threads 1)
    end=$(date +%s.%N)
    rounds=$(grep -oE '^round [0-9]+/[0-9]+ .*\(([0-9.]+) s\)$' <<<"$out" | grep -oE '[0-9.]+ s\)$' | tr -d 's)' | xargs)
    echo "$i $start $end $rounds" >> "$results"
  done
  unset FL_CACHE_DIR
  rm -rf "$cold"
  python3 - "$numpy" "$results" <<'PY'
import statistics, sys
numpy, results = float(sys.argv[1]), sys.argv[2]
runs = []
for line in open(results):
    i, start, end, *rounds = line.split()
    runs.append((int(i), float(end) - float(start), [float(r) for r in rounds]))
first = runs[0]
cached = runs[1:]
whole = [w for _, w, _ in cached]
ratio = [r[0] / r[1] for _, _, r in cached if len(r) > 1 and r[1] > 0]
print("simulate: whole process, median of %d: %.2f s (%.1fx the numpy peer's %.0f s), fastest %.2f s; "
      "first round / second round, median %.2f; with no cached MNIST copy: %.2f s" % (
    len(cached), statistics.median(whole), numpy / statistics.median(whole), numpy, min(whole),
    statistics.median(ratio) if ratio else float("nan"), first[1]))
PY
  rm -f "$results"
}

case $what in
  compose) compose ;;
  simulate) simulate ;;
  all) simulate; compose ;;
  *) echo "usage: $0 [compose|simulate|all]" >&2; exit 2 ;;
esac
