#!/usr/bin/env bash
# Any number of client sites in containers: draws N shards from the MNIST training set (Fashion-MNIST's with
# FL_DATASET=fashion-mnist in the environment, which the aggregator then scores on) and writes
# docker-compose.sites.yml, an override with N client services, each mounting only its own shard, and the
# aggregator expecting N clients (quorum 3/4 of them at a round's deadline).
#   scripts/sites.sh N [--samples-per-client S] [--partition iid|dirichlet:ALPHA|shards:K] [--seed SEED]
#   docker compose -f docker-compose.yml -f docker-compose.sites.yml up --build
# Shards go to data/sites/ (S defaults to 1000). Strategy, fraction and the rest come from the environment or
# .env as usual, e.g. FL_STRATEGY=fedadam FL_FRACTION_FIT=0.5. Needs Java 25 (JAVA_HOME, or the java on PATH) and cli/target/fl.jar (./mvnw package).
# The generated sites run open (no tokens) unless FL_CLIENT_TOKENS and FL_CLIENT_N_TOKEN are set for each of them.
# With --csv FILE [--label-column NAME], the sites share out the rows of any labelled table instead (all of them unless
# --samples-per-client is given); the aggregator gets the schema fl shards writes (FL_SCHEMA_FILE) and holds no data.
set -euo pipefail
cd "$(dirname "$0")/.."
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
source scripts/java.sh # JAVA: a Java 25 java (JAVA_HOME, else PATH), or one line saying how to get one
usage() { echo "usage: scripts/sites.sh N [--samples-per-client S] [--partition KIND] [--seed SEED] [--csv FILE [--label-column NAME]]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -ge 1 ]] || usage
n=$1; shift
samples=""; partition=iid; seed=42; csv=""; label=label
while [[ $# -gt 0 ]]; do
  case $1 in
    --samples-per-client) samples=${2:?}; shift 2 ;;
    --partition) partition=${2:?}; shift 2 ;;
    --dirichlet) partition="dirichlet:${2:?}"; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --csv) csv=${2:?}; shift 2 ;;
    --label-column) label=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
jar=cli/target/fl.jar
[[ -f $jar ]] || { echo "sites: $jar is missing: build it first (./mvnw -q package -DskipTests)" >&2; exit 1; }
rm -rf data/sites
if [[ -z $csv ]]; then
  "$JAVA" -jar "$jar" shards --dataset "${FL_DATASET:-mnist}" --clients "$n" --samples-per-client "${samples:-1000}" \
    --partition "$partition" --seed "$seed" --out data/sites | tail -1
else
  "$JAVA" -jar "$jar" shards --csv "$csv" --label-column "$label" --clients "$n" ${samples:+--samples-per-client "$samples"} \
    --partition "$partition" --seed "$seed" --out data/sites | tail -1
  gzip -n data/sites/client-*.csv # mounted as each client's /data/shard.csv.gz
fi
quorum=$(( (3 * n + 3) / 4 ))
{
  echo "# Written by scripts/sites.sh $n${samples:+ --samples-per-client $samples} --partition $partition --seed $seed${csv:+ --csv $csv --label-column $label}"
  echo "# Use: docker compose -f docker-compose.yml -f docker-compose.sites.yml up --build"
  echo "services:"
  echo "  aggregator:"
  echo "    environment:"
  echo "      FL_CLIENTS: $n"
  echo "      FL_MIN_CLIENTS: \${FL_MIN_CLIENTS:-$quorum}"
  if [[ -n $csv ]]; then
    echo "      FL_SCHEMA_FILE: /data/schema.json"
    echo "    volumes:"
    echo "      - ./data/sites/schema.json:/data/schema.json:ro"
  fi
  for ((c = 1; c <= n || c <= 4; c++)); do
    echo "  client-$c:"
    if ((c > n)); then # the base file's clients beyond N are left out
      echo "    profiles: [unused]"
      continue
    fi
    if ((c > 4)); then # a new site, built like client-1 of the base file
      echo "    extends: {file: docker-compose.yml, service: client-1}"
      echo "    depends_on: {aggregator: {condition: service_started}}"
    fi
    if ((c > 4)) || [[ -n $csv ]]; then
      echo "    environment:"
    fi
    if ((c > 4)); then
      echo "      FL_CLIENT_ID: client-$c"
      echo "      FL_CLIENT_TOKEN: \${FL_CLIENT_${c}_TOKEN:-}"
      echo "      FL_CLIENT_SLOWDOWN: \${FL_CLIENT_${c}_SLOWDOWN:-1}"
    fi
    if [[ -n $csv ]]; then
      echo "      FL_LABEL_COLUMN: $label"
    fi
    echo "    volumes:"
    echo "      - ./data/sites/client-$c.csv.gz:/data/shard.csv.gz:ro"
  done
} > docker-compose.sites.yml
echo "sites: wrote docker-compose.sites.yml ($n clients, quorum $quorum) and data/sites/client-{1..$n}.csv.gz"
