#!/usr/bin/env bash
# Makes a private certificate authority and, signed by it, a certificate for the aggregator and one for each client,
# for HTTPS between them (docker-compose.tls.yml; docs/docker.md, TLS). Needs openssl.
#   scripts/make-certs.sh [--out DIR] [--clients N] [--host NAME]... [--new-ca]
#     --out DIR      where the files go (default: certs)
#     --clients N    client certificates client-1 .. client-N (default: 4)
#     --host NAME    another name (DNS name or IP address) the aggregator is reached by, besides aggregator,
#                    localhost and 127.0.0.1; may be repeated
#     --new-ca       make a new CA even if DIR already holds one (every certificate signed by the old one stops
#                    being trusted)
# Writes DIR/ca.crt (what both sides trust), DIR/ca.key (kept to sign more certificates: run the script again with a
# larger --clients), DIR/aggregator.{crt,key} and DIR/client-N.{crt,key}. A client certificate's common name is the
# client id: with FL_TLS_CLIENT_AUTH=want or need it names the client in place of its token.
# Keys are EC P-256, certificates valid 825 days. The files are left readable by all (mode 644) because the
# containers' user must read them where compose mounts them; keep DIR private on a shared machine.
set -euo pipefail
umask 077 # keys and tokens are never readable by others, not even while they are written
out=certs clients=4 new_ca=false
hosts=(aggregator localhost 127.0.0.1)
die() { echo "make-certs: $*" >&2; exit 2; }
while (( $# )); do
  case $1 in
    --out) (( $# > 1 )) || die "--out needs a folder"; out=$2; shift 2 ;;
    --clients) [[ ${2:-} =~ ^[1-9][0-9]{0,3}$ ]] || die "--clients needs a number from 1 to 9999"; clients=$2; shift 2 ;;
    --host) [[ ${2:-} =~ ^[A-Za-z0-9.:-]+$ ]] || die "--host needs a DNS name or an IP address"; hosts+=("$2"); shift 2 ;;
    --new-ca) new_ca=true; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
command -v openssl >/dev/null || die "openssl is needed (Debian: apt-get install openssl)"
mkdir -p "$out"
cd "$out"
days=825
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ $new_ca == true || ! -f ca.crt || ! -f ca.key ]]; then
  key ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=fedlearn private CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.crt 2>/dev/null
  echo "make-certs: new CA $out/ca.crt"
fi

# sign NAME SUBJECT-ALT-NAMES EXTENDED-KEY-USAGE
sign() {
  local name=$1 san=$2 eku=$3 ext
  key "$name.key"
  ext=$(mktemp)
  trap 'rm -f "$ext"' RETURN
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s' \
    "$eku" "${san:+subjectAltName=$san}" > "$ext"
  openssl req -new -key "$name.key" -subj "/CN=$name" 2>/dev/null |
    openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 -extfile "$ext" \
      -out "$name.crt" 2>/dev/null
}

san=""
for h in "${hosts[@]}"; do
  if [[ $h =~ ^[0-9.]+$ || $h == *:* ]]; then san+="${san:+,}IP:$h"; else san+="${san:+,}DNS:$h"; fi
done
sign aggregator "$san" serverAuth
for ((c = 1; c <= clients; c++)); do sign "client-$c" "" clientAuth; done
# Certificates are public. The CA's key stays with whoever runs this script: 600. The other keys are mounted into the
# containers, whose user is uid 10001 (both images): as root they are given to it, mode 600; otherwise they stay the
# caller's, mode 600, and the containers cannot read them (the jars run as the caller read them as they are).
chmod 644 ./*.crt
chmod 600 ca.key ./*.key
[[ -f ca.srl ]] && chmod 600 ca.srl
if [[ $(id -u) == 0 ]]; then
  chown 10001:10001 aggregator.key client-*.key
else
  echo "make-certs: not root, so the keys stay yours (600) and the containers' user (uid 10001) cannot read them; for docker compose run: sudo chown 10001:10001 $out/aggregator.key $out/client-*.key" >&2
fi
echo "make-certs: wrote $out/aggregator.crt (for ${hosts[*]}) and $out/client-{1..$clients}.crt, with their keys"
