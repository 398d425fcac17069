#!/usr/bin/env bash
# Every timing and memory figure the docs give, measured on this machine by one script (issue 26). Prints a Markdown
# table | figure | value | how |, after a line naming the date (UTC), the machine, its cores and memory, the java and
# the commit. A full run (every figure, three runs each) writes the same to benchmarks/figures.md, the table the docs
# quote (overwritten); --quick or --only runs write it to benchmarks/target/figures.md instead. The figures, by name:
#   simulate        `java -jar cli/target/fl.jar simulate` (the seed's setup, defaults), and the same with --preset
#                   seed, each as a whole process; their final accuracy (globalTestAccuracy of the JSON line) as a check
#   run-local       scripts/run-local.sh from start to exit (five JVMs; the run to COMPLETED, the workbook saved)
#   compose         `docker compose up -d` (images built) to round 1 open (status TRAINING) and to COMPLETED; the
#                   aggregator's and the clients' peak memory (docker stats every second)
#   sites           ten sites, docs/docker.md's example (scripts/sites.sh 10 --partition dirichlet:0.3, FedAvgM): up -d
#                   to COMPLETED, peak memory
#   tls             docker-compose.tls.yml with scripts/make-certs.sh's certificates: up -d to COMPLETED (over https)
#   secagg          FL_SECURE_AGGREGATION=true: round 1's seconds (durationSeconds), up -d to COMPLETED
#   async           client-4 five times slower (FL_CLIENT_4_SLOWDOWN=5): seconds from round 1's start to the first
#                   round (version) at 93% test accuracy, in rounds (10) and FedBuff (FL_MODE=async FL_BUFFER_SIZE=2
#                   FL_ROUNDS=30); each stack is taken down once 93% is reached
#   simulate-async  the same simulated (fl simulate --client-speeds 1,1,1,5 --target-accuracy 0.93, --mode sync and
#                   --mode async --buffer-size 2 --rounds 60): simulated seconds to 93%, exact (run once)
#   train           `fl train --threads 1 --epochs 5` on MNIST's 60,000 training images: samples/s over the whole
#                   run and in each epoch after the first (the JIT's warm-up), at batch 1, at batch 32
#                   (--batch-size 32 --learning-rate 0.1), and on the scalar kernel (FL_NO_RELAUNCH=1)
#   numpy           benchmarks/numpy/train_numpy.py, the same training in numpy (3 epochs of 60,000), batch 1 and 32:
#                   samples/s (needs python3's numpy; said in one row when missing)
#   jmh             the JMH benchmarks (benchmarks/target/benchmarks.jar), shortened (3 warm-up and 5 measured
#                   iterations of 1 s, one fork), run once: TrainerBenchmark, KernelBenchmark's trainBatch1,
#                   trainBatch32 and forward, WireBenchmark; each with JMH's own 99.9% error
#   paper           benchmarks/paper/mcmahan.sh's two runs (McMahan et al.'s 2NN, 100 clients, to 97%), run once:
#                   rounds to 97% (exact) and the whole process's wall time
#   secagg-simulate benchmarks/privacy/secagg.sh's three setups in fl simulate, with and without secure aggregation,
#                   run once: accuracy (exact), the protocol's milliseconds per round, bytes per client (exact)
# Usage: benchmarks/figures.sh [--quick] [--only NAME[,NAME...]]
#   --quick   one run of each figure (default: three, reported as their median and range)
#   --only    just these figures (names above), e.g. --only simulate,compose
# It builds no jar: run ./mvnw -o -q package -DskipTests first (it stops, saying so, when a jar is missing). Before the
# container figures it runs `docker compose build` (not timed; quick when the layers are cached) so that the images
# are this checkout's; every run starts a new stack of its own (project fedlearn-figures, on FL_PORT or the first free
# port from 8080), taken down with `docker compose down -v` after, also on failure or Ctrl-C; a stack of yours is left
# alone. Without a running docker it says so in one line and skips the container figures. FL_* settings in the
# environment or .env are ignored (the figures are the defaults'), but FL_PORT and SERVER_PORT (run-local's) are
# taken as the ports to use. run-local overwrites out/ as it always does; sites puts back the docker-compose.sites.yml
# and data/sites/ it found; tls runs scripts/make-certs.sh when certs/ lacks a certificate. Needs a Java 25 (JAVA_HOME),
# curl and python3. The table's last row is the script's own run time.
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
ALL=(simulate run-local compose sites tls secagg async simulate-async train numpy jmh paper secagg-simulate)
CONTAINER=" compose sites tls secagg async "
usage() {
  echo "usage: benchmarks/figures.sh [--quick] [--only NAME[,NAME...]] (names: ${ALL[*]}; --help: what it does)" >&2
  exit 2
}
reps=3
only=""
while (($#)); do
  case $1 in
    --quick) reps=1; shift ;;
    --only) [[ $# -ge 2 && -n $2 ]] || usage; only=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) usage ;;
  esac
done
chosen=()
if [[ -n $only ]]; then
  IFS=, read -ra asked <<<"$only"
  for a in "${asked[@]}"; do [[ -n $a && " ${ALL[*]} " == *" $a "* ]] || usage; done
  for n in "${ALL[@]}"; do [[ ",$only," == *",$n,"* ]] && chosen+=("$n"); done
else
  chosen=("${ALL[@]}")
fi
cd "$(dirname "$0")/.."
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "figures: $tool is missing" >&2; exit 1; }
done

# The defaults' figures: no FL_* setting from the environment (compose also gets an empty --env-file, not .env), but
# the ports asked for.
want_port=${FL_PORT:-}
want_local=${SERVER_PORT:-}
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(FL_|COMPOSE_)' || true)
unset SERVER_PORT

chose() { [[ " ${chosen[*]} " == *" $1 "* ]]; }
# The jars the chosen figures run (the container figures build their images from the sources).
jars=()
if chose simulate || chose simulate-async || chose sites || chose train || chose paper || chose secagg-simulate; then
  jars+=(cli/target/fl.jar)
fi
if chose jmh; then jars+=(benchmarks/target/benchmarks.jar); fi
if chose run-local; then jars+=(aggregator-service/target/aggregator-service.jar client-service/target/client-service.jar); fi
for jar in "${jars[@]}"; do
  [[ -f $jar ]] || { echo "figures: $jar is missing: build first with ./mvnw -o -q package -DskipTests" >&2; exit 1; }
  sources=(shared-model workbook cli aggregator-service client-service)
  [[ $jar == benchmarks/* ]] && sources=(shared-model workbook benchmarks)
  newer=$(find "${sources[@]/%//src/main}" -type f -newer "$jar" -print -quit 2>/dev/null || true)
  [[ -z $newer ]] || echo "figures: $jar is older than $newer: these figures are of the last build, not of the sources" >&2
done

started=$(date -u '+%Y-%m-%d %H:%M')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
results=$tmp/results.tsv
: >"$results"
# record FIGURE KIND VALUE UNIT HOW: one measured value. KIND: stat (the median and range of the runs), span (the
# smallest to the largest value), exact (one value; differing ones are all shown), text.
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$results"; }
measured() { # FIGURE KIND VALUE UNIT HOW: record, after checking that VALUE is a number (a parser's failure stops the run)
  [[ $3 =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "$1: no number measured (got \"$3\")"
  record "$@"
}
fail() { echo "$*" >"$tmp/failure"; echo "figures: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
taken() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
free_ports() { # FIRST COUNT: FIRST, or the first port after it in steps of 100, from which COUNT ports are free
  local p=$1 k ok
  for ((; p + $2 < 65536; p += 100)); do
    ok=1
    for ((k = 0; k < $2; k++)); do if taken $((p + k)); then ok=0; break; fi; done
    ((ok)) && { echo "$p"; return 0; }
  done
  return 1
}
json() { # JSON FIELD: a top-level field of a JSON object ("null" when null or absent)
  python3 -c 'import json, sys; v = json.loads(sys.argv[1]).get(sys.argv[2]); print("null" if v is None else v)' "$1" "$2"
}

# ---- the figures without containers ----

fig_simulate() {
  local t0 out
  t0=$(now)
  out=$("$JAVA" -jar cli/target/fl.jar simulate 2>"$tmp/err") || { tail -3 "$tmp/err" >&2; fail "fl simulate failed"; }
  record "simulate: whole process" stat "$(since "$t0")" s "\`java -jar cli/target/fl.jar simulate\` (defaults: the seed's 4 clients, 10 rounds of 50 epochs), start to exit"
  record "simulate: final accuracy (check)" exact "$(json "$(tail -1 <<<"$out")" globalTestAccuracy)" frac "\`globalTestAccuracy\` in its JSON line"
  t0=$(now)
  out=$("$JAVA" -jar cli/target/fl.jar simulate --preset seed 2>"$tmp/err") || { tail -3 "$tmp/err" >&2; fail "fl simulate --preset seed failed"; }
  record "simulate --preset seed: whole process" stat "$(since "$t0")" s "the same with the original notebook's settings"
  record "simulate --preset seed: final accuracy (check)" exact "$(json "$(tail -1 <<<"$out")" globalTestAccuracy)" frac "\`globalTestAccuracy\` in its JSON line"
}

fig_train() { # batch1|batch32|scalar
  local variant=$1 out args=(train --threads 1 --epochs 5) label how envs=() line
  case $variant in
    batch1) label="train: batch 1"; how="\`fl train --threads 1 --epochs 5\`" ;;
    batch32) args+=(--batch-size 32 --learning-rate 0.1); label="train: batch 32"
      how="\`fl train --threads 1 --epochs 5 --batch-size 32 --learning-rate 0.1\`" ;;
    scalar) envs=(FL_NO_RELAUNCH=1); label="train: batch 1, scalar kernel"
      how="\`FL_NO_RELAUNCH=1 fl train --threads 1 --epochs 5\`" ;;
  esac
  out=$(env "${envs[@]}" "$JAVA" -jar cli/target/fl.jar "${args[@]}" 2>"$tmp/err") || { tail -3 "$tmp/err" >&2; fail "fl ${args[*]} failed"; }
  line=$(tail -1 <<<"$out")
  measured "$label, whole run" stat "$(json "$line" samplesPerSecond)" samples/s "$how (60,000 MNIST images, 784-20-15-10, kernel $(json "$line" kernel)): \`samplesPerSecond\`"
  # each epoch after the first: 60,000 over the median of epochs 2..5's seconds
  local epochs
  epochs=$(awk '/^epoch [0-9]+\/[0-9]+ / && !/^epoch 1\// { print $(NF - 1) }' "$tmp/err" |
    sort -g | awk '{ t[++n] = $1 } END { if (n) { m = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
      if (m > 0) printf "%.0f", 60000 / m } }')
  measured "$label, each epoch after the first" stat "$epochs" samples/s "the same: 60,000 over the median epoch time of epochs 2-5 (the first compiles the code)"
}

fig_numpy() { # batch1|batch32
  local variant=$1 out args=(--samples 60000 --epochs 3)
  if ! python3 -c 'import numpy' 2>/dev/null; then
    record "numpy" text "not measured: python3 has no numpy (apt-get install python3-numpy)" "" ""
    return 0
  fi
  [[ $variant == batch32 ]] && args+=(--batch-size 32 --lr 0.1)
  out=$(python3 benchmarks/numpy/train_numpy.py "${args[@]}" 2>"$tmp/err") || { tail -3 "$tmp/err" >&2; fail "train_numpy.py failed"; }
  measured "numpy: ${variant/batch/batch }" stat "$(json "$(tail -1 <<<"$out")" samplesPerSecond)" samples/s "\`python3 benchmarks/numpy/train_numpy.py ${args[*]}\` (the same network and training in numpy $(python3 -c 'import numpy; print(numpy.__version__)')): \`samplesPerSecond\`"
}

fig_jmh() {
  "$JAVA" -jar benchmarks/target/benchmarks.jar 'TrainerBenchmark|KernelBenchmark\.(trainBatch1|trainBatch32|forward)$|WireBenchmark' \
    -wi 3 -w 1 -i 5 -r 1 -f 1 -rf json -rff "$tmp/jmh.json" >"$tmp/jmh.log" 2>&1 || { tail -5 "$tmp/jmh.log" >&2; fail "JMH failed"; }
  local rows
  rows=$(python3 - "$tmp/jmh.json" <<'PY'
import json, math, sys
how = "JMH (3 warm-up, 5 measured iterations of 1 s, one fork), score ± 99.9% error"
def rate(x):
    return "{:,}".format(int(round(x, -3))) if x >= 10000 else "{:,}".format(int(round(x)))
def time(us):
    return "%.3g ms" % (us / 1000) if us >= 1000 else "%.3g µs" % us
results = json.load(open(sys.argv[1]))
if len(results) != 18:
    sys.exit("expected 18 JMH results (4 Trainer, 6 Kernel, 8 Wire), got %d" % len(results))
for r in results:
    cls, method = r["benchmark"].rsplit(".", 2)[-2:]
    p = r.get("params", {})
    score, err = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
    if not math.isfinite(err):
        err = 0  # one iteration: JMH gives no error
    if cls == "TrainerBenchmark":
        name = "jmh: TrainerBenchmark, batch %s, %s first layer" % (p["batch"], p["firstLayer"])
        value = "%s ± %s samples/s" % (rate(score), rate(err))
    elif cls == "KernelBenchmark":
        name = "jmh: KernelBenchmark %s, %s kernel" % (method, p["kernel"])
        value = "%s ± %s samples/s" % (rate(score), rate(err))
    else:
        name = "jmh: WireBenchmark %s, %s, %s" % (method, p["layers"], p["format"])
        value = "%s ± %s" % (time(score), time(err))
    print("%s\t%s\t%s" % (name, value, how))
PY
  ) || fail "the JMH results could not be read ($tmp/jmh.json)"
  while IFS=$'\t' read -r name value how; do
    record "$name" text "$value" "" "$how"
  done <<<"$rows"
}

fig_paper() { # iid|shards
  local variant=$1 t0 out part rounds
  [[ $variant == iid ]] && { part=iid; rounds=300; } || { part=shards:2; rounds=1000; }
  t0=$(now)
  out=$("$JAVA" -jar cli/target/fl.jar simulate --clients 100 --partition $part --layers 784,200,200,10 --batch-size 10 \
    --epochs 1 --fraction 0.1 --train-fraction 1.0 --momentum 0 --learning-rate 0.2 --rounds $rounds \
    --target-accuracy 0.97 2>"$tmp/err") || { tail -3 "$tmp/err" >&2; fail "the paper's $part run failed"; }
  measured "paper: 2NN $part, wall time" stat "$(since "$t0")" s "benchmarks/paper/mcmahan.sh's $part run (100 clients, E=1, B=10, C=0.1, learning rate 0.2, up to $rounds rounds, stopping at 97%), start to exit"
  local reached
  reached=$(json "$(tail -1 <<<"$out")" roundsToTarget)
  if [[ $reached == null ]]; then
    record "paper: 2NN $part, rounds to 97% (check)" text "not reached in $rounds rounds" "" "\`roundsToTarget\` in its JSON line"
  else
    measured "paper: 2NN $part, rounds to 97% (check)" exact "$reached" "" "\`roundsToTarget\` in its JSON line"
  fi
}

fig_secagg_simulate() { # seed|10|100
  local variant=$1 args=() plain secure
  case $variant in
    seed) ;;
    10) args=(--clients 10 --partition iid --rounds 10 --epochs 5) ;;
    100) args=(--clients 100 --partition iid --batch-size 10 --epochs 1 --momentum 0 --learning-rate 0.2 --fraction 0.1
      --train-fraction 1.0 --rounds 100) ;;
  esac
  plain=$("$JAVA" -jar cli/target/fl.jar simulate "${args[@]}" 2>"$tmp/err" | tail -1) || { tail -3 "$tmp/err" >&2; fail "fl simulate ${args[*]} failed"; }
  secure=$("$JAVA" -jar cli/target/fl.jar simulate "${args[@]}" --secure-aggregation 2>"$tmp/err" | tail -1) || { tail -3 "$tmp/err" >&2; fail "fl simulate ${args[*]} --secure-aggregation failed"; }
  local rows
  rows=$(python3 - "$plain" "$secure" <<'PY'
import json, sys
plain, secure = json.loads(sys.argv[1]), json.loads(sys.argv[2])
c = secure["secAgg"]
print("accuracy plain → secure\ttext\t%.2f%% → %.2f%%\t" % (100 * plain["globalTestAccuracy"], 100 * secure["globalTestAccuracy"]))
print("protocol time per round (all parties, one process)\tstat\t%.1f\tms" % c["millisPerRound"])
print("bytes per client per round\ttext\t%.1f kB up, %.1f kB down (a plain update: %.1f kB)\t" % (c["bytesUpPerClient"] / 1e3,
      c["bytesDownPerClient"] / 1e3, 4 * (784 * 20 + 20 + 20 * 15 + 15 + 15 * 10 + 10) / 1e3))
PY
  ) || fail "fl simulate's secAgg figures could not be read"
  while IFS=$'\t' read -r name kind value unit; do
    record "secagg-simulate: $variant: $name" "$kind" "$value" "$unit" "\`fl simulate${args[*]:+ ${args[*]}}\` with and without \`--secure-aggregation\` (benchmarks/privacy/secagg.sh's setup \"$variant\")"
  done <<<"$rows"
}

fig_run_local() {
  local port t0
  if [[ -n $want_local ]]; then
    port=$want_local
    free_ports "$port" 5 | grep -qx "$port" || fail "SERVER_PORT=$port: one of the ports $port-$((port + 4)) is taken"
  else
    port=$(free_ports 8080 5) || fail "no five free ports for run-local"
  fi
  t0=$(now)
  SERVER_PORT=$port scripts/run-local.sh >"$tmp/run-local.log" 2>&1 || { tail -3 "$tmp/run-local.log" >&2; fail "scripts/run-local.sh failed (logs in out/logs/)"; }
  record "run-local: start to exit" stat "$(since "$t0")" s "\`SERVER_PORT=$port scripts/run-local.sh\`: five JVMs, the seed's run to COMPLETED, the workbook saved"
}

fig_simulate_async() {
  local mode out v at args
  for mode in sync async; do
    args=(simulate --client-speeds 1,1,1,5 --target-accuracy 0.93 --mode "$mode")
    [[ $mode == async ]] && args+=(--buffer-size 2 --rounds 60)
    if ! out=$("$JAVA" -jar cli/target/fl.jar "${args[@]}" 2>"$tmp/err"); then
      if grep -qi "unknown option" "$tmp/err"; then
        record "simulate-async" text "not in this build (fl simulate has no --mode or --client-speeds)" "" ""
        return 0
      fi
      tail -3 "$tmp/err" >&2
      fail "fl ${args[*]} failed"
    fi
    v=$(json "$(tail -1 <<<"$out")" simulatedSecondsToTarget)
    at=$(json "$(tail -1 <<<"$out")" roundsToTarget)
    [[ $v == null ]] && v="not reached in $(json "$(tail -1 <<<"$out")" roundsRun) rounds"
    if [[ $mode == sync ]]; then
      record "simulate-async: rounds, client-4 5x slower: simulated time to 93%" exact "$v" "s (simulated)" "\`fl ${args[*]}\`: \`simulatedSecondsToTarget\` (reached at round $at; exact, run once)"
    else
      record "simulate-async: FedBuff K=2, client-4 5x slower: simulated time to 93%" exact "$v" "s (simulated)" "\`fl ${args[*]}\`: \`simulatedSecondsToTarget\` (reached at version $at; exact, run once)"
    fi
  done
}

# ---- the container figures: each run in a subshell of its own, whose EXIT trap takes its stack down ----

project=fedlearn-figures
files=(docker-compose.yml)
stack_env=()
sampler=""
dc() { # docker compose on this run's stack: its files and settings, nothing from .env
  local f args=()
  for f in "${files[@]}"; do args+=(-f "$f"); done
  env FL_PORT="$port" "${stack_env[@]}" docker compose --env-file /dev/null -p "$project" "${args[@]}" "$@"
}
stack_down() {
  if [[ -n $sampler ]]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi
  dc down -v --remove-orphans >/dev/null 2>&1 || echo "figures: \`docker compose -p $project down -v\` failed: take it down by hand" >&2
}
stack_up() { # starts the stack (t0: just before \`up -d\`) and samples its containers' memory into $tmp/stats
  trap 'stack_down; on_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  dc down -v --remove-orphans >/dev/null 2>&1 || true # what an interrupted run may have left
  : >"$tmp/stats"
  t0=$(now)
  dc up -d >"$tmp/up.log" 2>&1 || { tail -5 "$tmp/up.log" >&2; fail "docker compose up -d failed"; }
  local ids
  ids=$(dc ps -q)
  # shellcheck disable=SC2086 # the ids, one word each
  (while :; do docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' $ids >>"$tmp/stats" 2>/dev/null || true; sleep 1; done) &
  sampler=$!
}
on_down() { :; }
# follow URL [STOP_AT] [CURL_OPTION...]: polls the status every 0.5 s until COMPLETED, or until the latest accuracy
# reaches STOP_AT (if not empty); sets t_open (from t0 to round 1 open: the first TRAINING seen), t_done, state.
follow() {
  local url=$1 stop=$2 status acc limit
  shift 2
  t_open="" state=""
  limit=$(($(date +%s) + 1800))
  while :; do
    status=$(curl -s --max-time 3 "$@" "$url/api/v1/status" || true)
    state=$(grep -oE '"state":"[A-Z_]+"' <<<"$status" | head -1 | cut -d'"' -f4 || true)
    [[ -z $t_open && ( $state == TRAINING || $state == COMPLETED ) ]] && t_open=$(since "$t0")
    [[ $state == COMPLETED ]] && break
    [[ $state == FAILED || $state == STOPPED ]] && fail "the run ended $state: $status"
    if [[ -n $stop ]]; then
      acc=$(grep -oE '"latest":\{[^}]*"globalTestAccuracy":[0-9.]+' <<<"$status" | grep -oE '[0-9.]+$' || true)
      [[ -n $acc ]] && awk -v a="$acc" -v s="$stop" 'BEGIN { exit !(a >= s) }' && break
    fi
    (($(date +%s) < limit)) || fail "no COMPLETED within 30 minutes (last state: ${state:-none})"
    sleep 0.5
  done
  t_done=$(since "$t0")
}
peaks() { # the peak MiB of each sampled container: "aggregator N" and "client N" lines
  awk '{ v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v)
         m = v * (u == "GiB" ? 1024 : u == "MiB" ? 1 : u == "KiB" ? 1 / 1024 : 1 / 1048576)
         if (m > p[$1]) p[$1] = m }
       END { for (n in p) { k = n ~ /-aggregator-[0-9]+$/ ? "aggregator" : n ~ /-client-[0-9]+-[0-9]+$/ ? "client" : "other"
                            printf "%s %.0f\n", k, p[n] } }' "$tmp/stats"
}
record_memory() { # FIGURE CLIENTS: the aggregator's peak and each client's
  local name=$1 clients=$2 line
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  sampler=""
  while read -r line; do
    case $line in
      aggregator\ *) record "$name: aggregator peak memory" stat "${line#* }" MiB "\`docker stats\` every second, the largest MemUsage (limit 512 MiB)" ;;
      client\ *) record "$name: clients' peak memory" span "${line#* }" MiB "each of the $clients clients' largest MemUsage, smallest to largest (limit 256 MiB)" ;;
    esac
  done < <(peaks | sort)
}

fig_compose() {
  stack_up
  follow "http://127.0.0.1:$port" ""
  record "compose: up -d to round 1 open" stat "$t_open" s "\`docker compose up -d\` (images built) until \`GET /api/v1/status\` says TRAINING (polled every 0.5 s)"
  record "compose: up -d to COMPLETED" stat "$t_done" s "\`docker compose up -d\` until the status says COMPLETED: 4 clients, 10 rounds of 50 epochs"
  record_memory compose 4
}

fig_sites() {
  keep=$tmp/sites-kept # not local: the EXIT trap reads it
  mkdir -p "$keep"
  [[ -e docker-compose.sites.yml ]] && mv docker-compose.sites.yml "$keep/"
  [[ -e data/sites ]] && mv data/sites "$keep/"
  on_down() { # put back the sites that were there
    rm -rf docker-compose.sites.yml data/sites
    [[ -e $keep/docker-compose.sites.yml ]] && mv "$keep/docker-compose.sites.yml" .
    [[ -e $keep/sites ]] && mv "$keep/sites" data/
    return 0
  }
  trap 'on_down' EXIT
  scripts/sites.sh 10 --partition dirichlet:0.3 >"$tmp/sites.log" 2>&1 || { cat "$tmp/sites.log" >&2; fail "scripts/sites.sh failed"; }
  files=(docker-compose.yml docker-compose.sites.yml)
  stack_env=(FL_STRATEGY=fedavgm FL_STRATEGY_PARAMS=serverMomentum=0.5)
  stack_up
  follow "http://127.0.0.1:$port" ""
  record "sites: up -d to COMPLETED (10 clients)" stat "$t_done" s "\`scripts/sites.sh 10 --partition dirichlet:0.3\`, then \`FL_STRATEGY=fedavgm FL_STRATEGY_PARAMS=serverMomentum=0.5 docker compose -f docker-compose.yml -f docker-compose.sites.yml up -d\` until COMPLETED"
  record_memory sites 10
}

fig_tls() {
  local f missing=""
  for f in ca.crt aggregator.crt aggregator.key client-{1..4}.crt client-{1..4}.key; do [[ -f certs/$f ]] || missing=$f; done
  if [[ -n $missing ]]; then
    scripts/make-certs.sh >"$tmp/certs.log" 2>&1 || { cat "$tmp/certs.log" >&2; fail "scripts/make-certs.sh failed"; }
  fi
  files=(docker-compose.yml docker-compose.tls.yml)
  stack_up
  follow "https://127.0.0.1:$port" "" --cacert certs/ca.crt
  record "tls: up -d to COMPLETED" stat "$t_done" s "\`scripts/make-certs.sh\`, then \`docker compose -f docker-compose.yml -f docker-compose.tls.yml up -d\` until the status (over https, \`curl --cacert certs/ca.crt\`) says COMPLETED"
}

fig_secagg() {
  stack_env=(FL_SECURE_AGGREGATION=true)
  stack_up
  follow "http://127.0.0.1:$port" ""
  curl -s "http://127.0.0.1:$port/api/v1/rounds" >"$tmp/rounds.json"
  record "secagg: round 1" stat "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["durationSeconds"])' "$tmp/rounds.json")" s "\`FL_SECURE_AGGREGATION=true docker compose up -d\`: \`durationSeconds\` of round 1 in \`GET /api/v1/rounds\`"
  record "secagg: up -d to COMPLETED" stat "$t_done" s "the same, \`up -d\` until the status says COMPLETED"
}

fig_async() { # rounds|fedbuff
  local variant=$1 label cmd out
  if ! grep -q FL_CLIENT_4_SLOWDOWN docker-compose.yml || ! grep -q FL_MODE docker-compose.yml; then
    record "async" text "not in this checkout (docker-compose.yml has no FL_CLIENT_4_SLOWDOWN or FL_MODE)" "" ""
    return 0
  fi
  if [[ $variant == rounds ]]; then
    stack_env=(FL_CLIENT_4_SLOWDOWN=5)
    label="async: rounds, client-4 5x slower"
  else
    stack_env=(FL_MODE=async FL_BUFFER_SIZE=2 FL_ROUNDS=30 FL_CLIENT_4_SLOWDOWN=5)
    label="async: FedBuff K=2, client-4 5x slower"
  fi
  cmd="\`${stack_env[*]} docker compose up -d\`"
  stack_up
  follow "http://127.0.0.1:$port" 0.93
  curl -s "http://127.0.0.1:$port/api/v1/rounds" >"$tmp/rounds.json"
  out=$(python3 - "$tmp/rounds.json" <<'PY'
import json, sys
from datetime import datetime
rounds = json.load(open(sys.argv[1]))
ts = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
hit = next((i for i, r in enumerate(rounds) if r.get("endedAt") and (r.get("globalTestAccuracy") or 0) >= 0.93), None)
if hit is None:
    best = max((r.get("globalTestAccuracy") or 0 for r in rounds), default=0)
    print("none %d %.2f" % (len(rounds), 100 * best))
else:
    print("%.2f %d" % (ts(rounds[hit]["endedAt"]) - ts(rounds[0]["startedAt"]), hit + 1))
PY
)
  set -- $out
  if [[ $1 == none ]]; then
    record "$label: to 93%" text "not reached (best $3% in $2 rounds)" "" "$cmd"
  else
    record "$label: to 93%" stat "$1" s "$cmd: \`endedAt\` of the first round with \`globalTestAccuracy\` >= 0.93 minus round 1's \`startedAt\` (\`GET /api/v1/rounds\`)"
    if [[ $variant == rounds ]]; then
      record "$label: rounds to 93%" exact "$2" "" "that round's number (a check)"
    else
      record "$label: versions to 93%" exact "$2" "" "that version's number (a check)"
    fi
  fi
}

# ---- the runs ----

units() { # the runs one repetition of figure $1 makes
  case $1 in
    simulate) echo simulate ;; run-local) echo run_local ;; compose) echo compose ;; sites) echo sites ;;
    tls) echo tls ;; secagg) echo secagg ;; async) echo "async:rounds async:fedbuff" ;; simulate-async) echo simulate_async ;;
    train) echo "train:batch1 train:batch32 train:scalar" ;; numpy) echo "numpy:batch1 numpy:batch32" ;; jmh) echo jmh ;;
    paper) echo "paper:iid paper:shards" ;; secagg-simulate) echo "secagg_simulate:seed secagg_simulate:10 secagg_simulate:100" ;;
  esac
}
skipped=""
docker_ready=""
port=""
for name in "${chosen[@]}"; do
  if [[ $CONTAINER == *" $name "* ]]; then
    if [[ -z $docker_ready ]]; then
      if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
        docker_ready=no
        echo "figures: docker (with compose) is not available or not running: skipping the container figures" >&2
      else
        if [[ -n $want_port ]]; then
          port=$want_port
          ! taken "$port" || { echo "figures: FL_PORT=$port is taken: choose another" >&2; exit 1; }
        else
          port=$(free_ports 8080 1) || { echo "figures: no free port for the aggregator" >&2; exit 1; }
        fi
        echo "figures: docker compose build (not timed)" >&2
        if env FL_PORT="$port" docker compose --env-file /dev/null -p "$project" build >"$tmp/build.log" 2>&1; then
          docker_ready=yes
        else
          tail -5 "$tmp/build.log" >&2
          docker_ready=no
          echo "figures: docker compose build failed: skipping the container figures" >&2
        fi
      fi
    fi
    [[ $docker_ready == yes ]] || { skipped+=" $name"; continue; }
  fi
  n=$reps
  case $name in simulate-async | jmh | paper | secagg-simulate) n=1 ;; esac # exact, or long and with their own spread
  for ((i = 1; i <= n; i++)); do
    for unit in $(units "$name"); do
      variant=()
      [[ $unit == *:* ]] && variant=("${unit#*:}")
      echo "figures: $name${variant:+ (${variant[0]})}, run $i of $n" >&2
      rm -f "$tmp/failure"
      set +e
      (
        set -e
        "fig_${unit%%:*}" "${variant[@]}"
      )
      rc=$?
      set -e
      ((rc == 130 || rc == 143)) && exit "$rc"
      ((rc == 0)) || record "$name" text "run $i failed: $(cat "$tmp/failure" 2>/dev/null || echo "exit status $rc")" "" ""
    done
  done
done

record "figures.sh: this run, start to end" exact "$(((SECONDS + 30) / 60))" min "the script itself, with the figures chosen (${chosen[*]}), $reps run(s) each"

machine="Measured on $started UTC on $(uname -n), $(nproc) cores,"
machine+=" $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory,"
machine+=" $("$JAVA" -version 2>&1 | head -1),"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit+=" with uncommitted changes"
machine+=" commit $commit"
# The docs quote a full run only: a partial or quick one goes to benchmarks/target/.
out=benchmarks/figures.md
if [[ -n $only || $reps != 3 ]]; then
  mkdir -p benchmarks/target
  out=benchmarks/target/figures.md
fi
python3 - "$results" "$machine" "$reps" "$skipped" <<'PY' | tee "$out"
import statistics, sys
results, machine, reps, skipped = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
rows = {}
for line in open(results):
    figure, kind, value, unit, how = line.rstrip("\n").split("\t")
    rows.setdefault(figure, {"kind": kind, "unit": unit, "how": how, "values": []})["values"].append(value)
def median_of(figure):
    xs = [float(v) for v in rows.get(figure, {}).get("values", []) if v.replace(".", "", 1).isdigit()]
    return statistics.median(xs) if xs else None
own = rows.pop("figures.sh: this run, start to end", None)  # printed last, after the derived rows
for b in ("1", "32"):
    whole, epoch, numpy = (median_of("train: batch %s, whole run" % b), median_of("train: batch %s, each epoch after "
                           "the first" % b), median_of("numpy: batch %s" % b))
    if whole and epoch and numpy:
        rows["train against numpy: batch %s" % b] = {"kind": "text", "unit": "", "values": [
            "%.1f× over the whole run, %.1f× each epoch after the first" % (whole / numpy, epoch / numpy)],
            "how": "the medians above: train's samples/s over numpy's"}
if own:
    rows["figures.sh: this run, start to end"] = own
def num(v, unit):
    x = float(v)
    if unit == "frac":
        return "%.2f%%" % (100 * x)
    if unit == "samples/s":
        return "{:,}".format(int(round(x, -3)))
    if unit == "s (simulated)":
        return "{:,.0f}".format(x) if x == int(x) else "{:,.1f}".format(x)
    digits = {"s": 1, "MiB": 0, "ms": 0}.get(unit, 0 if x == int(x) else 3)
    return "%.*f" % (digits, x)
def unit_of(unit):
    return "" if unit in ("", "frac") else " " + unit
print(machine)
print()
print("| figure | value | how |")
print("|---|---|---|")
for figure, r in rows.items():
    vs, unit, kind = r["values"], r["unit"], r["kind"]
    if kind == "text":
        value = "; ".join(dict.fromkeys(vs))
    else:
        numbers = [v for v in vs if v.replace(".", "", 1).isdigit()]
        other = [v for v in vs if v not in numbers]
        xs = sorted(float(v) for v in numbers)
        if not xs:
            value = "; ".join(dict.fromkeys(other)) or "no value measured"
        elif kind == "stat":
            value = num(statistics.median(xs), unit) + unit_of(unit)
            if len(xs) > 1:
                value += " (%s–%s, %d runs)" % (num(xs[0], unit), num(xs[-1], unit), len(xs))
        elif kind == "span":
            value = num(xs[0], unit) if xs[0] == xs[-1] else "%s–%s" % (num(xs[0], unit), num(xs[-1], unit))
            value += unit_of(unit)
        else:
            value = ", ".join(dict.fromkeys(num(x, unit) for x in xs)) + unit_of(unit)
        if other:
            value = "; ".join([value] + list(dict.fromkeys(other))) if xs else "; ".join(dict.fromkeys(other))
    print("| %s | %s | %s |" % (figure, value, r["how"]))
print()
print("Timings: " + ("one run each (--quick)." if reps == 1 else
      "the median of %d runs, their range in brackets; simulated seconds are exact; jmh, paper and secagg-simulate "
      "ran once." % reps))
if skipped:
    print("Not measured (docker not available): " + ", ".join(skipped) + ".")
PY
echo "figures: written to $out" >&2
