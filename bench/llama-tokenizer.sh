#!/usr/bin/env bash
# The bundled LLaMA tokenizer.json on one core: DJL's Hugging Face tokenizer (Rust, JNI) against the pure-Java
# SentencePiece encoder (dev.corral.bench.LlamaTokenizerEncode) on the UDHR paragraphs repeated to MiB, each
# paragraph encoded on its own; ids (token counting) and tokens joined by spaces (perplexity); one JVM pinned to
# core 0, the Rust library's parallelism off, one warm-up pass, then rounds alternating; medians, MB/s, Java / DJL.
# Fails if the two disagree on any paragraph.
# Usage: bench/llama-tokenizer.sh [rounds] [MiB]   (default: 5 20)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rounds=${1:-5}
mib=${2:-20}
text=$(bench_text "$mib")
# LLAMA_BENCH_NO_BUILD=1: the jars are already built (build before taking the shared benchmark lock).
[[ -n ${LLAMA_BENCH_NO_BUILD:-} ]] || "$root/mvnw" -q -B -o -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null # the jar and the Spark classpath list
echo "one core (taskset -c 0); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
TOKENIZERS_PARALLELISM=false taskset -c 0 java -Xmx2g -Dai.djl.offline=true \
  -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
  dev.corral.bench.LlamaTokenizerEncode "$text" "$rounds"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
