#!/usr/bin/env bash
# corral's LLaMA engine vs llama.cpp (node-llama-cpp 3.22.1, prebuilt CPU binary) on one random ~134M-parameter
# F32 model (hidden 768, 12 layers, 12 heads, vocab 32000) written by `corral local llama init-random --gguf`:
# prompt processing of 16 x 256 tokens, greedy generation of 32 tokens at batch 1 and 16, peak resident memory;
# then the memory of loading the checkpoint as F32, BF16 and F16 (bench/llama/LoadMemory.java).
# Needs: ./mvnw install (jobs/target/corral.jar), node + `npm install node-llama-cpp@3.22.1` in $LLAMACPP_DIR.
# Usage: bench/llama.sh [REPS] [THREADS]   (REPS processes per side, alternating)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
reps=${1:-3}
threads=${2:-$(nproc)}
llamacpp=${LLAMACPP_DIR:-$work/llamacpp}
jar=$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")
pt=$(sed -n 's:.*<djl.pytorch.version>\(.*\)</djl.pytorch.version>.*:\1:p' "$root/pom.xml")
jvm=(java -DPYTORCH_VERSION="$pt" -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$threads"
  -Dai.djl.pytorch.num_interop_threads=1 -Xmx6g)
model=$work/llama-100m
if [[ ! -f $model/model.gguf ]]; then
  PYTORCH_VERSION=$pt "${jvm[@]}" -cp "$jar" dev.corral.jobs.Corral local llama init-random --config "$root/bench/llama/config-100m.json" \
    --output "$model" --seed 1 --gguf
fi
if [[ ! -d $llamacpp/node_modules/node-llama-cpp ]]; then
  mkdir -p "$llamacpp" && (cd "$llamacpp" && npm install --no-audit --no-fund node-llama-cpp@3.22.1)
fi
cp "$root/bench/llama/llamacpp_throughput.mjs" "$llamacpp/"
# One process per repetition, the two sides alternating, so that a noisy spell on the shared machine hits both;
# each process's peak resident memory from /usr/bin/time (KiB).
: > "$work/llama-corral.txt"
: > "$work/llama-llamacpp.txt"
for ((rep = 0; rep < reps; rep++)); do
  PYTORCH_VERSION=$pt OMP_NUM_THREADS=$threads /usr/bin/time -f "peak_rss_kib %M" -a -o "$work/llama-corral.txt" \
    "${jvm[@]}" -cp "$jar" "$root/bench/llama/LlamaThroughput.java" "$model" 1 | tee -a "$work/llama-corral.txt"
  (cd "$llamacpp" && /usr/bin/time -f "peak_rss_kib %M" -a -o "$work/llama-llamacpp.txt" \
    node llamacpp_throughput.mjs "$model/model.gguf" 1 "$threads") | tee -a "$work/llama-llamacpp.txt"
done
summary() { # file label
  local f=$1
  local pp g1 g16
  pp=$(median $(awk '/^pp16x256/ {print 4096 / $2}' "$f"))
  g1=$(median $(awk '/^gen_b1 / {print $3 / $2}' "$f"))
  g16=$(median $(awk '/^gen_b16 / {print $3 / $2}' "$f"))
  rss=$(awk '/^peak_rss_kib/ {if ($2 > m) m = $2} END {printf "%.0f", m / 1024}' "$f")
  echo "$2 pp_tok_s=$pp gen_b1_tok_s=$g1 gen_b16_tok_s=$g16 peak_rss_mib=$rss"
}
summary "$work/llama-corral.txt" corral
summary "$work/llama-llamacpp.txt" llama.cpp
# Loading: resident memory over libtorch's baseline per f32 weight byte, the checkpoint in each dtype (goal <= 1.3).
for dtype in F32 BF16 F16; do
  PYTORCH_VERSION=$pt OMP_NUM_THREADS=$threads "${jvm[@]}" -cp "$jar" "$root/bench/llama/LoadMemory.java" "$model" \
    "$dtype" "$work" | grep '^load '
done
