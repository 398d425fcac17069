#!/usr/bin/env bash
# The Breast Cancer Wisconsin (Diagnostic) data as a labelled CSV: 569 patients, 30 features, the label column
# "diagnosis" (malignant or benign). Reads the copy Debian's python3-sklearn package carries (CC BY 4.0; its first
# line is "569,30,malignant,benign", then 30 numbers and the target, 0 malignant or 1 benign, per row) and writes
# it with a header naming the columns.
#   scripts/breast-cancer.sh [OUT]          (default: data/breast-cancer.csv)
# SKLEARN_DATA names the folder holding breast_cancer.csv (default: Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
case ${1:-} in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
(($# <= 1)) || { echo "usage: scripts/breast-cancer.sh [OUT] (--help: what it does)" >&2; exit 2; }
out=${1:-data/breast-cancer.csv}
src=${SKLEARN_DATA:-/usr/lib/python3/dist-packages/sklearn/datasets/data}/breast_cancer.csv
[[ -f $src ]] || { echo "breast-cancer: $src is missing: install Debian's python3-sklearn (apt-get install python3-sklearn) or set SKLEARN_DATA" >&2; exit 1; }
[[ $(head -1 "$src" | tr -d '\r') == "569,30,malignant,benign" ]] || { echo "breast-cancer: $src does not start with 569,30,malignant,benign" >&2; exit 1; }
names="radius texture perimeter area smoothness compactness concavity concave_points symmetry fractal_dimension"
header=diagnosis
for kind in mean error worst; do
  for name in $names; do header+=",${kind}_${name}"; done
done
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
{
  echo "$header"
  tail -n +2 "$src" | tr -d '\r' | awk -F, 'NF != 31 || ($31 != 0 && $31 != 1) { print "breast-cancer: line " NR + 1 " is not 30 numbers and a target 0 or 1" > "/dev/stderr"; exit 1 }
    { label = $31 == 0 ? "malignant" : "benign"; $31 = ""; sub(/,$/, "", $0); print label "," $0 }' OFS=,
} > "$tmp"
rows=$(($(wc -l < "$tmp") - 1))
[[ $rows == 569 ]] || { rm -f "$tmp"; echo "breast-cancer: $src has $rows rows, not 569" >&2; exit 1; }
mv "$tmp" "$out"
echo "$out: $rows patients, 30 features, diagnosis malignant or benign"
