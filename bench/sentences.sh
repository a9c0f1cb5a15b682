#!/usr/bin/env bash
# C4's sentence count three ways (Spark NLP 5.5.3's SentenceDetector, Corral's SentenceCounter, the JDK's
# BreakIterator): the 12 tricky cases of SENTENCES.md, then seconds over MiB of UDHR text in Spark local[2].
# Usage: bench/sentences.sh [runs] [MiB]   (the figures behind curation/.../quality/heuristics/SENTENCES.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
mib=${2:-10}
text=$(bench_text "$mib")
"$root/mvnw" -q -B -o -Pbench -DskipTests -pl bench -am compile >&2
# Spark NLP is provided (a cluster brings it): its jars and Spark's come from the bench module's class path.
"$root/mvnw" -q -B -o -Pbench -pl bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >&2
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
java $opens -Xmx4g -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$root/bench/target/classes:$root/curation/target/classes:$root/core/target/classes:$(cat "$work/cp.txt")" \
  dev.corral.bench.SentenceCounting "$text" "$runs"
