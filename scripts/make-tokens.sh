#!/usr/bin/env bash
# Makes a fresh random token for each of the four clients, in one of two forms (the other form is removed, so the
# services never see two sets of tokens; were both configured, the token files would win over the variables):
#   scripts/make-tokens.sh            writes FL_CLIENT_TOKENS and FL_CLIENT_N_TOKEN to .env (docker compose reads it)
#                                     and deletes secrets/client-tokens.txt and secrets/client-N.token
#   scripts/make-tokens.sh --secrets  writes secrets/client-tokens.txt and secrets/client-N.token (Docker secrets,
#                                     docker-compose.secrets.yml) and deletes those lines from .env
# Rotating the tokens: run it again with the same form.
#   .env form:     then `docker compose up -d`: the aggregator's and the clients' environments changed, so compose
#                  recreates them; the run resumes from the aggregator's volume.
#   --secrets:     nothing to restart. The files are rewritten in place (same inode), because compose mounts each
#                  secret file into the containers: a new file under the same name would not be seen. The aggregator
#                  reads its file again within a second of the change, each client reads its file before every call
#                  (a call refused in between is retried).
set -euo pipefail
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
umask 077 # keys and tokens are never readable by others, not even while they are written
cd "$(dirname "$0")/.."
[[ $# -eq 0 || ( $# -eq 1 && $1 == --secrets ) ]] || { echo "usage: scripts/make-tokens.sh [--secrets] (--help: what it does)" >&2; exit 2; }
token() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
declare -a t
for c in 1 2 3 4; do t[$c]=$(token); done
all="client-1:${t[1]},client-2:${t[2]},client-3:${t[3]},client-4:${t[4]}"
env_lines='^FL_CLIENT_TOKENS=|^FL_CLIENT_[0-9]+_TOKEN='
if [[ ${1:-} == --secrets ]]; then
  mkdir -p secrets
  # printf > file truncates and writes the existing file: its inode, which running containers have mounted, stays.
  printf '%s\n' "${all//,/$'\n'}" > secrets/client-tokens.txt
  for c in 1 2 3 4; do printf '%s\n' "${t[$c]}" > "secrets/client-$c.token"; done
  # Secrets are bind-mounted as they are (compose ignores a secret's mode and owner outside swarm): 600, and as root
  # given to the containers' user (uid 10001 in both images).
  chmod 600 secrets/client-tokens.txt secrets/client-[1-4].token
  if [[ $(id -u) == 0 ]]; then
    chown 10001:10001 secrets/client-tokens.txt secrets/client-[1-4].token
  else
    echo "make-tokens: not root, so the token files stay yours (600) and the containers' user (uid 10001) cannot read them; run: sudo chown 10001:10001 secrets/client-tokens.txt secrets/client-[1-4].token" >&2
  fi
  echo "make-tokens: wrote secrets/client-tokens.txt and secrets/client-{1..4}.token (in place)"
  if [[ -f .env ]] && grep -Eq "$env_lines" .env; then
    sed -i -E "/$env_lines/d" .env
    echo "make-tokens: removed FL_CLIENT_TOKENS and FL_CLIENT_N_TOKEN from .env (the secrets replace them)"
  fi
else
  touch .env
  chmod 600 .env # it holds the tokens; compose reads it as the caller
  sed -i -E "/$env_lines/d" .env
  { echo "FL_CLIENT_TOKENS=$all"; for c in 1 2 3 4; do echo "FL_CLIENT_${c}_TOKEN=${t[$c]}"; done; } >> .env
  echo "make-tokens: wrote FL_CLIENT_TOKENS and FL_CLIENT_1..4_TOKEN to .env"
  old=(secrets/client-tokens.txt secrets/client-[1-4].token)
  existing=()
  for f in "${old[@]}"; do [[ -f $f ]] && existing+=("$f"); done
  if (( ${#existing[@]} )); then
    rm -f "${existing[@]}"
    echo "make-tokens: deleted ${existing[*]} (the .env form replaces them; use --secrets to go back)"
  fi
fi
