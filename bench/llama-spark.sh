#!/usr/bin/env bash
# LlamaScorer throughput (rows/s, tokens/s) in Spark local[2] against the same engine outside Spark, on the
# same real texts (the first UDHR paragraphs), with the llama-tiny fixture model or any model folder.
# Usage: bench/llama-spark.sh [runs] [rows] [model dir] [engine threads] [chars per text] [score|generate] [new tokens]
# (generate: LlamaGenerator vs the engine's Generator in two threads, greedy, prompts cut at 200 chars)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
rows=${2:-256}
model=${3:-$shared/fixtures/llama-tiny}
engine_threads=${4:-1}
chars=${5:-400}
mode=${6:-score}
new_tokens=${7:-32}
cut -f3 "$shared/data/udhr-dev.tsv" > "$work/udhr.txt"
"$root/corral" --version > /dev/null # the jar and the Spark classpath list
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
djl=$(sed -n 's:.*<djl.pytorch.version>\(.*\)</djl.pytorch.version>.*:\1:p' "$root/pom.xml" | head -1)
# DJL: libtorch from the class path, never the network; one OpenMP thread per task.
# shellcheck disable=SC2086
PYTORCH_VERSION=$djl OMP_NUM_THREADS=1 ${TIME_CMD:-} java $opens -DPYTORCH_VERSION="$djl" -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
  "$root/bench/llama/SparkThroughput.java" "$work/udhr.txt" "$model" "$rows" "$runs" "$engine_threads" "$chars" "$mode" \
  "$new_tokens"
