#!/usr/bin/env bash
# What the job runner costs: the same jobs through this tree's `corral` and through a build of the commit
# before the runner (the reference), alternating, whole process each (JVM, Spark, read, stages, write,
# report). The runner adds input fingerprints, the bad-row check, observed stage counts, a staging folder and
# its rename, and the run record.
# Usage: REFERENCE_DIR=DIR bench/runner.sh [runs]
#   DIR: a checkout of the reference commit built with `./mvnw -q -o -B -DskipTests -pl jobs -am package`
#   (package, not install: it must not replace this tree's artifacts in the local repository).
#   CCNet runs too when bench/ccnet.sh has left its 50 MB WET set and models in $CCNET_BENCH_DIR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-5}
reference=${REFERENCE_DIR:?set REFERENCE_DIR to a built checkout of the commit before the runner}
ccnet=${CCNET_BENCH_DIR:-/tmp/corral-ccnet-bench}
"$root/corral" --version > /dev/null
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1} PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1}
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")

# 50 MiB of UDHR paragraphs as JSON lines with ids.
text=$(bench_text 50)
jsonl=$work/udhr-50mb.jsonl
[[ -f $jsonl ]] || python3 -c "
import json, sys
with open(sys.argv[1], encoding='utf-8') as f, open(sys.argv[2], 'w', encoding='utf-8') as o:
    for i, line in enumerate(f):
        o.write(json.dumps({'id': i, 'text': line.rstrip('\n')}, ensure_ascii=False) + '\n')
" "$text" "$jsonl"

java_of() { # $1: a checkout; sets the array cmd to run its corral
  # shellcheck disable=SC2206
  cmd=(java $opens -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dai.djl.offline=true
    -cp "$1/jobs/target/corral.jar:$(cat "$1/jobs/target/spark-classpath.txt")" dev.corral.jobs.Corral)
}

jobs=("langid --input $jsonl --output $work/runner-out")
if [[ -f $ccnet/wet/_manifest.tsv && -d $ccnet/lm ]]; then
  wet=$(head -n 4 "$ccnet/wet/_manifest.tsv" | cut -f1 | sed "s|^|$ccnet/wet/|" | paste -sd,)
  jobs+=("ccnet --input $wet --output $work/runner-out --lm-dir $ccnet/lm")
fi
# Wall and CPU seconds (user + sys) of a whole process; CPU time varies less with other jobs' load than wall time.
timed() { # $1: where the CPU seconds go; $2: a checkout; the rest: corral's arguments
  local cpu_file=$1; java_of "$2"; shift 2
  /usr/bin/time -f "%U %S" -o "$cpu_file.time" "${cmd[@]}" "$@" > /dev/null 2>> "$work/runner.err"
  awk '{printf "%.1f", $1 + $2}' "$cpu_file.time" > "$cpu_file"
}
echo "| job | reference wall (s) | runner wall (s) | wall ratio (medians) | reference CPU (s) | runner CPU (s) | CPU ratio (medians) | load after (1 min) |"
echo "| --- | --- | --- | ---: | --- | --- | ---: | --- |"
for job in "${jobs[@]}"; do
  ref=() new=() refcpu=() newcpu=() load=()
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/runner-out"
    # shellcheck disable=SC2086
    ref+=("$(seconds /dev/null timed "$work/cpu-ref" "$reference" $job)")
    refcpu+=("$(cat "$work/cpu-ref")")
    rm -rf "$work/runner-out"
    # shellcheck disable=SC2086
    new+=("$(seconds /dev/null timed "$work/cpu-new" "$root" $job)")
    newcpu+=("$(cat "$work/cpu-new")")
    load+=("$(cut -d' ' -f1 /proc/loadavg)") # the machine is shared: other jobs' load shows here
  done
  r=$(median "${ref[@]}") n=$(median "${new[@]}") rc=$(median "${refcpu[@]}") nc=$(median "${newcpu[@]}")
  echo "| ${job%% *} | ${ref[*]} | ${new[*]} | $(python3 -c "print('%.3f' % ($n / $r))") | ${refcpu[*]} | ${newcpu[*]} | $(python3 -c "print('%.3f' % ($nc / $rc))") | ${load[*]} |"
done
