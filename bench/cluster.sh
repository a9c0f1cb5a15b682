#!/usr/bin/env bash
# A Spark 3.5.7 standalone cluster on this machine: one Master and two Workers, each its own JVM on 127.0.0.1, each
# Worker with one fake GPU (worker i has address "i"), started from the jars ./corral runs on (no Spark download);
# corral's shaded jar goes to it through spark-submit, as in StandaloneClusterIT.
#
#   bench/cluster.sh up                                   start Master + 2 Workers (state in $CLUSTER_DIR)
#   bench/cluster.sh submit local|client|cluster ARGS...  spark-submit jobs/target/corral.jar ARGS (a corral command)
#   bench/cluster.sh kill-worker N | start-worker N       SIGKILL Worker N and its executors / start it again
#   bench/cluster.sh down                                 stop everything `up` started
#   bench/cluster.sh bench [RUNS]                         wall time local[2] vs standalone, and a Worker lost mid-job
#   bench/cluster.sh lost [RUNS]                          dedup and score with and without a Worker lost mid-job
#   bench/cluster.sh memory [DOCS]                        minhash dedup of DOCS (default 1.6M) on 2 executors of 2 GB
#
# Settings: CLUSTER_DIR (default target/standalone), WORKER_MEMORY (3g), EXECUTOR_MEMORY (640m), SUBMIT_CONF (more
# --conf k=v, space separated), SCORE_TEXTS (score only the first N of the 3,000 texts). The jar must be built:
# ./mvnw -B -o -pl jobs -am package -DskipTests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir=${CLUSTER_DIR:-$root/target/standalone}
home=$dir/spark-home
jar=$root/jobs/target/corral.jar
classpath=$(cat "$root/jobs/target/spark-classpath.txt")
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
export SPARK_LOCAL_IP=127.0.0.1 SPARK_HOME=$home SPARK_SCALA_VERSION=2.12 PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1}
export OMP_NUM_THREADS=1
mkdir -p "$dir"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
alive_workers() {
  curl -sfL "http://127.0.0.1:$(cat "$dir/master.ui")/json/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["aliveworkers"])' \
    2>/dev/null || echo 0
}
wait_workers() { # wait_workers N: until the Master counts N alive Workers
  for _ in $(seq 600); do (( $(alive_workers) == $1 )) && return 0; sleep 0.5; done
  echo "cluster.sh: $1 workers did not register; see $dir/*.log" >&2; return 1
}
daemon() { # daemon NAME CLASS ARGS...: a Spark daemon in the background, its pid in $dir/NAME.pid
  local name=$1; shift
  # shellcheck disable=SC2086
  nohup java $opens -Xmx256m -cp "$home/jars/*" "$@" > "$dir/$name.log" 2>&1 &
  echo $! > "$dir/$name.pid"
}
start_worker() {
  local i=$1
  printf '#!/bin/sh\necho %s\n' "'{\"name\":\"gpu\",\"addresses\":[\"$i\"]}'" > "$dir/gpu-$i.sh"
  chmod +x "$dir/gpu-$i.sh"
  printf 'spark.worker.timeout 15\nspark.worker.resource.gpu.amount 1\nspark.worker.resource.gpu.discoveryScript %s\n' \
    "$dir/gpu-$i.sh" > "$dir/worker-$i.conf"
  mkdir -p "$dir/work-$i"
  daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory "${WORKER_MEMORY:-3g}" \
    --webui-port "$(port)" --work-dir "$dir/work-$i" --properties-file "$dir/worker-$i.conf" "$(cat "$dir/master.url")"
}
stop_pid() { # stop_pid FILE [SIGNAL]: the process and its children (executors, drivers)
  local pid
  [[ -f $1 ]] || return 0
  pid=$(cat "$1")
  pkill "-${2:-TERM}" -P "$pid" 2>/dev/null || true
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  rm -f "$1"
}

up() {
  rm -rf "$home" && mkdir -p "$home/jars"
  tr ':' '\n' <<< "$classpath" | while read -r j; do ln -sf "$j" "$home/jars/"; done
  local p ui
  p=$(port); ui=$(port)
  echo "spark://127.0.0.1:$p" > "$dir/master.url"; echo "$ui" > "$dir/master.ui"
  printf 'spark.worker.timeout 15\n' > "$dir/master.conf"
  daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$p" --webui-port "$ui" \
    --properties-file "$dir/master.conf"
  start_worker 0; start_worker 1
  wait_workers 2
  echo "cluster.sh: $(cat "$dir/master.url") with 2 workers (UI http://127.0.0.1:$ui)" >&2
}

down() { for f in "$dir"/worker-*.pid "$dir"/master.pid; do stop_pid "$f"; done; }

submit() { # submit local|client|cluster ARGS...
  local mode=$1; shift
  local engine="-Dai.djl.offline=true -DPYTORCH_VERSION=$PYTORCH_VERSION -Dai.djl.pytorch.num_threads=1"
  local conf=(spark.ui.enabled=false spark.sql.shuffle.partitions=4 spark.driver.memory=1g
    spark.corral.llama.cpuFallback=true)
  local master=local[2] deploy=client
  if [[ $mode != local ]]; then
    master=$(cat "$dir/master.url"); deploy=$mode
    conf+=(spark.executor.cores=1 "spark.executor.memory=${EXECUTOR_MEMORY:-640m}" spark.cores.max=2
      spark.executor.resource.gpu.amount=1 spark.task.resource.gpu.amount=1
      spark.scheduler.minRegisteredResourcesRatio=1.0 spark.scheduler.maxRegisteredResourcesWaitingTime=60s
      "spark.executor.extraJavaOptions=$engine" "spark.executorEnv.PYTORCH_VERSION=$PYTORCH_VERSION"
      spark.executorEnv.OMP_NUM_THREADS=1)
    [[ $mode == cluster ]] && conf+=("spark.driver.extraJavaOptions=$opens $engine")
  fi
  # shellcheck disable=SC2206
  conf+=(${SUBMIT_CONF:-})
  local args=()
  for c in "${conf[@]}"; do args+=(--conf "$c"); done
  # shellcheck disable=SC2086
  java $opens -Dai.djl.offline=true -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$classpath" \
    org.apache.spark.deploy.SparkSubmit --master "$master" --deploy-mode "$deploy" "${args[@]}" \
    --class dev.corral.jobs.Corral "$jar" "$@"
}

# ---- benchmarks ----

inputs() { # the bench inputs in $work/cluster-in: UDHR pages for langid and dedup, short texts for score
  local in=$work/cluster-in
  [[ -f $in/done ]] && return 0
  mkdir -p "$in"
  python3 - "$shared/data/udhr-dev.tsv" "$in" <<'EOF'
import json, random, sys
paras = [l.rstrip("\n").split("\t", 2)[2] for l in open(sys.argv[1], encoding="utf-8")]
rnd = random.Random(9)
with open(sys.argv[2] + "/pages.jsonl", "w", encoding="utf-8") as f:
    for i in range(20000):
        f.write(json.dumps({"id": i, "text": rnd.choice(paras) + "\n" + rnd.choice(paras)}) + "\n")
with open(sys.argv[2] + "/texts.jsonl", "w", encoding="utf-8") as f:
    for i in range(3000):
        f.write(json.dumps({"id": i, "text": paras[(i * 37) % len(paras)][:120]}) + "\n")
EOF
  touch "$in/done"
}

job_conf() { # job_conf NAME: file splits that give each job several input partitions (score: 1 chunk each)
  case $1 in
    score) echo "spark.sql.files.maxPartitionBytes=32k" ;;
    *) echo "spark.sql.files.maxPartitionBytes=1m" ;;
  esac
}

job_args() { # job_args NAME OUT: the corral arguments of a benchmark job
  local in=$work/cluster-in
  case $1 in
    langid) echo "langid --input $in/pages.jsonl --output $2" ;;
    dedup) echo "dedup --input $in/pages.jsonl --output $2" ;;
    score)
      local texts=$in/texts.jsonl
      if [[ -n ${SCORE_TEXTS:-} ]]; then # the first SCORE_TEXTS of the 3,000 texts
        texts=$in/texts-$SCORE_TEXTS.jsonl
        [[ -f $texts ]] || head -n "$SCORE_TEXTS" "$in/texts.jsonl" > "$texts"
      fi
      echo "score --model $shared/fixtures/llama-tiny --input $texts --output $2 --partitions-per-commit 1" ;;
  esac
}

timed() { # timed LOG CMD...: wall seconds of CMD, its output to LOG; fails with the log when CMD does
  local log=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  "$@" > "$log.log" 2>&1 || { tail -30 "$log.log" >&2; return 1; }
  t1=$(date +%s.%N)
  python3 -c "print('%.1f' % ($t1 - $t0))"
}

bench() { # bench [RUNS]: per job, local[2] vs standalone client mode, runs alternating; then a Worker lost
  local runs=${1:-3} out=$work/cluster-out
  inputs
  mkdir -p "$out"
  echo "| job | local[2] wall (s) | standalone wall (s) | median local | median standalone | standalone / local | load |"
  echo "| --- | --- | --- | ---: | ---: | ---: | --- |"
  for job in langid dedup score; do
    local l=() s=() loads=()
    for r in $(seq "$runs"); do
      rm -rf "$out/$job-local" "$out/$job-sa"
      # shellcheck disable=SC2046
      l+=("$(SUBMIT_CONF=$(job_conf "$job") timed "$out/$job-local" submit local $(job_args "$job" "$out/$job-local"))")
      # shellcheck disable=SC2046
      s+=("$(SUBMIT_CONF=$(job_conf "$job") timed "$out/$job-sa" submit client $(job_args "$job" "$out/$job-sa"))")
      loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    done
    local ml ms
    ml=$(median "${l[@]}"); ms=$(median "${s[@]}")
    echo "| $job | ${l[*]} | ${s[*]} | $ml | $ms | $(python3 -c "print('%.2f' % ($ms / $ml))") | ${loads[*]} |"
  done
  echo
  lost "$runs"
}

lost() { # lost [RUNS]: dedup and score uninterrupted, then with Worker 1 killed at its first task; medians
  local runs=${1:-3} out=$work/cluster-out
  inputs
  mkdir -p "$out"
  echo "| job | uninterrupted (s) | Worker 1 killed at its first task (s) | median overhead (s) | load |"
  echo "| --- | --- | --- | ---: | --- |"
  for job in dedup score; do
    local u=() k=() loads=()
    export SUBMIT_CONF; SUBMIT_CONF=$(job_conf "$job")
    for r in $(seq "$runs"); do
      rm -rf "$out/$job-u" "$out/$job-k"
      # shellcheck disable=SC2046
      u+=("$(timed "$out/$job-u" submit client $(job_args "$job" "$out/$job-u"))")
      k+=("$(killed_run "$job")") || return 1
      loads+=("$(cut -d' ' -f1 /proc/loadavg)")
      # back to two Workers: the Master first declares the killed one dead (spark.worker.timeout 15 s)
      wait_workers 1; start_worker 1; wait_workers 2
    done
    local mu mk
    mu=$(median "${u[@]}"); mk=$(median "${k[@]}")
    echo "| $job | ${u[*]} | ${k[*]} | $(python3 -c "print('%.1f' % ($mk - $mu))") | ${loads[*]} |"
  done
  unset SUBMIT_CONF
}

killed_run() { # killed_run JOB: wall seconds of JOB in client mode with Worker 1 SIGKILLed at its first task
  local job=$1 out=$work/cluster-out t0 t1 old pid
  old=$(ls -d "$dir"/work-1/app-* 2>/dev/null || true)
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  submit client $(job_args "$job" "$out/$job-k") > "$out/$job-k.log" 2>&1 &
  pid=$!
  # only an application Worker 1 did not hold before: an older one's log is still written as it shuts down
  # shellcheck disable=SC2046
  until grep -qs "Running task" $(comm -13 <(echo "$old") <(ls -d "$dir"/work-1/app-* 2>/dev/null) \
      | sed 's:$:/*/stderr:') /dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "cluster.sh: $job ended before worker 1 ran a task" >&2; return 1; }
    sleep 0.2
  done
  stop_pid "$dir/worker-1.pid" KILL
  wait "$pid" || { tail -30 "$out/$job-k.log" >&2; return 1; }
  grep -q "Lost executor" "$out/$job-k.log" || { echo "cluster.sh: no lost executor in $out/$job-k.log" >&2; return 1; }
  t1=$(date +%s.%N)
  python3 -c "print('%.1f' % ($t1 - $t0))"
}

memory() { # memory [DOCS]: minhash dedup of DOCS pages on two executors of 2 GB (Workers of 3 GB, the default)
  local docs=${1:-1600000}
  local in=$work/cluster-in/pages-$docs.jsonl out=$work/cluster-out/dedup-mem
  mkdir -p "$work/cluster-in" "$work/cluster-out"
  if [[ ! -f $in ]]; then
    # pages of 3 to 6 paragraphs of one UDHR translation (pages of a language share paragraphs, as in bench/dedup.sh)
    python3 - "$shared/data/udhr-dev.tsv" "$in.tmp" "$docs" <<'EOF2'
import json, random, sys
from collections import defaultdict
by_lang = defaultdict(list)
for l in open(sys.argv[1], encoding="utf-8"):
    _, lang, text = l.rstrip("\n").split("\t", 2)
    by_lang[lang].append(text)
langs = [k for k, v in by_lang.items() if len(v) >= 10]
rnd = random.Random(20261205)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[3])):
        paras = by_lang[rnd.choice(langs)]
        f.write(json.dumps({"id": i, "text": "\n".join(rnd.sample(paras, rnd.randint(3, 6)))}) + "\n")
EOF2
    mv "$in.tmp" "$in"
  fi
  rm -rf "$out"
  echo "input: $docs documents, $(du -m "$in" | cut -f1) MB; 2 executors of ${EXECUTOR_MEMORY:-640m}" >&2
  local wall
  wall=$(timed "$out" submit client dedup --input "$in" --output "$out")
  echo "dedup of $docs documents on the standalone cluster: $wall s wall; summary:" >&2
  grep -v '^[0-9][0-9]/' "$out.log" | tail -15 >&2
  grep -c "OutOfMemory\|Lost executor" "$out.log" >&2 || true
}

case ${1:-} in
  up) up ;;
  down) down ;;
  submit) shift; submit "$@" ;;
  kill-worker) stop_pid "$dir/worker-$2.pid" KILL ;;
  start-worker) start_worker "$2"; wait_workers 2 ;;
  bench) shift; bench "$@" ;;
  lost) shift; lost "$@" ;;
  memory) shift; EXECUTOR_MEMORY=${EXECUTOR_MEMORY:-2g} memory "$@" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
