#!/usr/bin/env bash
# `./corral demo` (the recipe on the bundled sample of the seven sources) through this tree and through a
# build of an earlier commit (the reference), alternating: wall and CPU seconds of the whole process, the
# recipe's own wall seconds, and how many Spark jobs it ran (from Spark's event log). On a sample this small
# a step's cost is mostly its number of Spark jobs, so the job count is the steady figure; times are noisy.
# Usage: REFERENCE_DIR=DIR bench/demo.sh [runs]
#   DIR: a checkout of the reference commit built with `./mvnw -q -o -B -DskipTests -pl jobs -am package`
#   (package, not install: it must not replace this tree's artifacts in the local repository).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
reference=${REFERENCE_DIR:?set REFERENCE_DIR to a built checkout of the reference commit}
"$root/corral" --version > /dev/null
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1} PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1}
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")

# One demo run of checkout $2 into a fresh folder; prints "wall cpu recipe_wall spark_jobs", log to $1.
run() {
  local log=$1 tree=$2 out=$work/demo-out events=$work/demo-events
  rm -rf "$out" "$events" && mkdir -p "$events"
  local t0 t1
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S" -o "$work/demo.time" java $opens -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
    -Dai.djl.offline=true -Dspark.eventLog.enabled=true -Dspark.eventLog.dir="file://$events" \
    -cp "$tree/jobs/target/corral.jar:$(cat "$tree/jobs/target/spark-classpath.txt")" dev.corral.jobs.Corral \
    demo --output "$out" > "$log" 2>&1
  t1=$(date +%s.%N)
  python3 - "$t0" "$t1" "$work/demo.time" "$out/_corral/recipe.json" "$events" <<'EOF'
import glob, json, sys
t0, t1, cpu_file, record, events = sys.argv[1:]
user, system = map(float, open(cpu_file).read().split()[-2:])
jobs = sum(1 for f in glob.glob(events + "/*") for line in open(f)
           if '"Event":"SparkListenerJobStart"' in line)
print("%.1f %.1f %.1f %d" % (float(t1) - float(t0), user + system, json.load(open(record))["wall_seconds"], jobs))
EOF
}

echo "| run | reference: wall, CPU, recipe wall (s), Spark jobs | this tree: wall, CPU, recipe wall (s), Spark jobs | load after (1 min) |"
echo "| --- | --- | --- | --- |"
ref=() new=()
for ((i = 1; i <= runs; i++)); do
  r=$(run "$work/demo-ref.log" "$reference") n=$(run "$work/demo-new.log" "$root")
  ref+=("$r") new+=("$n")
  echo "| $i | $r | $n | $(cut -d' ' -f1 /proc/loadavg) |"
done
column() { local k=$1; shift; for x in "$@"; do echo "$x" | cut -d' ' -f"$k"; done; }
for k in 1 2 3 4; do
  name=$(echo "wall CPU recipe-wall spark-jobs" | cut -d' ' -f$k)
  # shellcheck disable=SC2046
  rm=$(median $(column $k "${ref[@]}")) nm=$(median $(column $k "${new[@]}"))
  echo "median $name: reference $rm, this tree $nm, ratio $(python3 -c "print('%.3f' % ($nm / $rm))")"
done
