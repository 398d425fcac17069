# Sourced by the scripts that start java (run-local.sh, sites.sh, benchmarks/*/*.sh): sets JAVA to a Java 25 or newer
# java command, or stops the script with one line saying how to get one.
#   JAVA_HOME set:     $JAVA_HOME/bin/java, which must be 25 or newer;
#   JAVA_HOME not set: the java on PATH, when it is 25 or newer.
# Usage: source "$(dirname "$0")/java.sh" (or the path from where the script is); then "$JAVA" -jar ...
fl_java_feature() { # the feature release of java $1 (17, 25, ...), or nothing when it does not run
  { "$1" -XshowSettings:properties -version 2>&1 || true; } | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
fl_java_hint() { # where a JDK 25 is on this machine, if one is under /usr/lib/jvm
  local j
  for j in /usr/lib/jvm/*; do
    [[ -x $j/bin/java && $(fl_java_feature "$j/bin/java") -ge 25 ]] 2>/dev/null && { echo " (this machine has one: export JAVA_HOME=$j)"; return; }
  done
}
if [[ -n ${JAVA_HOME:-} ]]; then
  JAVA=$JAVA_HOME/bin/java
  fl_v=$(fl_java_feature "$JAVA")
  if [[ -z $fl_v || $fl_v -lt 25 ]]; then
    echo "${0##*/}: JAVA_HOME=$JAVA_HOME is ${fl_v:+Java }${fl_v:-not a JDK (no working bin/java)}; fedlearn needs Java 25 or newer: point JAVA_HOME at a JDK 25$(fl_java_hint)" >&2
    exit 1
  fi
else
  JAVA=$(command -v java || true)
  fl_v=${JAVA:+$(fl_java_feature "$JAVA")}
  if [[ -z $fl_v || $fl_v -lt 25 ]]; then
    echo "${0##*/}: the java on PATH is ${fl_v:+Java }${fl_v:-missing}; fedlearn needs Java 25 or newer: set JAVA_HOME to a JDK 25$(fl_java_hint)" >&2
    exit 1
  fi
fi
unset fl_v
