#!/usr/bin/env bash
# Start-up and memory, the fixed costs around training (issue 14's figures):
#   compose:  `docker compose up` with the images built, to COMPLETED: seconds, when round 1 opened, each round's
#             seconds, the accuracy, and each container's peak memory (docker stats, sampled every second) against
#             its limit;
#   simulate: `fl simulate --rounds 2 --epochs 50 --threads 1` as a whole process: seconds, each round's seconds,
#             and how many times the numpy peer's time that is (NUMPY_SECONDS, default 74: benchmarks/numpy's
#             train_numpy.py doing the same training on this machine).
# Usage: benchmarks/startup/startup.sh [compose|simulate|all]   (default all; compose needs the images built:
# docker compose build). Runs `docker compose down -v` first: it deletes a kept run.
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
numpy=${NUMPY_SECONDS:-74}

compose() {
  docker compose down -v >/dev/null 2>&1
  stats=$(mktemp)
  start=$(date +%s.%N)
  log=$(docker compose up -d 2>&1) || { echo "docker compose up failed: $log" >&2; exit 1; }
  ( while true; do docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' >> "$stats" 2>/dev/null; sleep 1; done ) &
  sampler=$!
  state=""
  until [[ $state == COMPLETED || $state == FAILED ]]; do
    sleep 0.25
    state=$(curl -s localhost:8080/api/v1/status | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["state"])
except Exception: print("")' || true)
    if (( $(date +%s) - ${start%.*} > 600 )); then state=TIMEOUT; fi
  done
  end=$(date +%s.%N)
  sleep 2
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  curl -s localhost:8080/api/v1/rounds > "$stats.rounds"
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
print("compose: %s in %.1f s after up; round 1 opened at %.1f s; rounds %s s; accuracy %.2f%%" % (
    state, end - start, first, durations, 100 * (acc or 0)))
unit = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
peak = {}
for line in open(stats):
    m = re.match(r"(\S+) ([\d.]+)(B|KiB|MiB|GiB) /", line)
    if m:
        peak[m.group(1)] = max(peak.get(m.group(1), 0), float(m.group(2)) * unit[m.group(3)])
limit = dict(l.split() for l in limits.splitlines())
for name in sorted(peak):
    lim = int(limit.get(name, "0"))
    print("  %-24s peak %5.0f MiB  limit %s" % (name, peak[name] / 2**20, "%d MiB" % (lim / 2**20) if lim else "none"))
PY
  rm -f "$stats" "$stats.rounds"
}

simulate() {
  jar=cli/target/fl.jar
  [[ -f $jar ]] || { echo "no $jar: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
  start=$(date +%s.%N)
  out=$(java -jar "$jar" simulate --rounds 2 --epochs 50 --threads 1)
  end=$(date +%s.%N)
  python3 - "$start" "$end" "$numpy" "$out" <<'PY'
import re, sys
start, end, numpy, out = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rounds = [float(m) for m in re.findall(r"^round \d+/\d+ .*\(([\d.]+) s\)$", out, re.M)]
whole = end - start
print("simulate: whole process %.2f s (%.1fx the numpy peer's %.0f s); rounds %s s, first/second %.2f" % (
    whole, numpy / whole, numpy, rounds, rounds[0] / rounds[1] if len(rounds) > 1 else float("nan")))
PY
}

case $what in
  compose) compose ;;
  simulate) simulate ;;
  all) simulate; compose ;;
  *) echo "usage: $0 [compose|simulate|all]" >&2; exit 2 ;;
esac
