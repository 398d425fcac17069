#!/usr/bin/env bash
# Makes a fresh random token for each of the four clients.
#   scripts/make-tokens.sh            appends FL_CLIENT_TOKENS and FL_CLIENT_N_TOKEN to .env (docker compose reads it)
#   scripts/make-tokens.sh --secrets  writes secrets/client-tokens.txt and secrets/client-N.token instead
# Rotating a token: run it again (old lines in .env are replaced), then restart the aggregator and the clients.
set -euo pipefail
cd "$(dirname "$0")/.."
token() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
declare -a t
for c in 1 2 3 4; do t[$c]=$(token); done
all="client-1:${t[1]},client-2:${t[2]},client-3:${t[3]},client-4:${t[4]}"
if [[ ${1:-} == --secrets ]]; then
  mkdir -p secrets
  printf '%s\n' "${all//,/$'\n'}" > secrets/client-tokens.txt
  for c in 1 2 3 4; do printf '%s\n' "${t[$c]}" > "secrets/client-$c.token"; done
  chmod 644 secrets/*
  echo "make-tokens: wrote secrets/client-tokens.txt and secrets/client-{1..4}.token"
else
  touch .env
  sed -i '/^FL_CLIENT_TOKENS=/d;/^FL_CLIENT_[0-9]*_TOKEN=/d' .env
  { echo "FL_CLIENT_TOKENS=$all"; for c in 1 2 3 4; do echo "FL_CLIENT_${c}_TOKEN=${t[$c]}"; done; } >> .env
  echo "make-tokens: wrote FL_CLIENT_TOKENS and FL_CLIENT_1..4_TOKEN to .env"
fi
