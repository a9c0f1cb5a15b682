#!/usr/bin/env bash
# Near-duplicate pairs at Jaccard 0.8: Corral's MinHashDeduplicator vs Spark MLlib's MinHashLSH in one local[2] JVM,
# on a planted UDHR corpus at several sizes. Usage: bench/dedup.sh [SIZE:RUNS[:MLLIB_RUNS] ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(100000:3 400000:2:1 1600000:1)
tables=${MLLIB_TABLES:-2,3,5}         # MLlib hash tables, one configuration per value
mllib_max=${MLLIB_MAX_DOCS:-400000}   # MLlib runs only up to this size
mllib_limit=${MLLIB_LIMIT_MIN:-10}    # a slower MLlib run is cancelled and reported as not finished
"$root/mvnw" -q -B -Pbench -DskipTests -pl bench -am install >&2
# Run from copies, so that a rebuild of the modules during a run cannot change its classes.
snap=$work/dedup-classes
rm -rf "$snap" && mkdir -p "$snap"
cp -r "$root/bench/target/classes" "$snap/bench"
cp "$root"/curation/target/corral-curation-*-SNAPSHOT.jar "$snap/curation.jar"
echo "dedup sources as of $(find "$root/curation/src/main/java/dev/corral/curation/dedup" -name '*.java' -printf '%TF %TT\n' \
  | sort | tail -1 | cut -c1-19), git $(git -C "$root" rev-parse --short HEAD)"
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
# shellcheck disable=SC2086
java $opens -Xmx16g ${DEDUP_JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$snap/bench:$snap/curation.jar:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
  dev.corral.bench.DedupVsMllib "$shared/data/udhr-dev.tsv" "$work/dedup" "$tables" "$mllib_max" "$mllib_limit" \
  "${sizes[@]}"
