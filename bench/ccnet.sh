#!/usr/bin/env bash
# corral ccnet end to end on WET files of real text (UDHR sentences as pages with shared boilerplate) at several
# sizes: wall time, MB/s of WET text, MB/s per core, peak RSS; then each stage's MB/s on the 200 MB input.
# Usage: bench/ccnet.sh [runs] [size in MB[xRUNS]...]   e.g. bench/ccnet.sh 3 50 200 800x1 (sizes: multiples of 12.5)
#        CCNET_LAYOUT=1 KENLM_BIN=/path/to/kenlm/bin CCNET_STAGES=0 bench/ccnet.sh 1 200 800   (CCNet's model layout)
# Data (WET files, models, outputs) go to $CCNET_BENCH_DIR (default /tmp/corral-ccnet-bench); delete it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
shift || true
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(50 200 800x1)
data=${CCNET_BENCH_DIR:-/tmp/corral-ccnet-bench}
per_file=12.5 # MB of text per WET file: one file is one task, so 50 MB is 4 tasks for the 2 cores
cores=$(nproc)
"$root/mvnw" -q -B -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null

# WET files for the largest size; a smaller size reads the first files of the same set.
max=$(printf '%s\n' "${sizes[@]%x*}" | sort -n | tail -1)
files_for() { python3 -c "import math,sys; print(math.ceil(float(sys.argv[1]) / $per_file))" "$1"; }
nmax=$(files_for "$max")
if [[ ! -f $data/wet/_manifest.tsv || $(wc -l < "$data/wet/_manifest.tsv") -lt $nmax ]]; then
  rm -rf "$data/wet"
  java -cp "$root/bench/target/classes" dev.corral.bench.WetCorpus "$shared/data/udhr-dev.tsv" "$data/wet" "$nmax" "$per_file" >&2
fi
inputs() { head -n "$(files_for "$1")" "$data/wet/_manifest.tsv" | cut -f1 | sed "s|^|$data/wet/|" | paste -sd,; }
text_mb() { head -n "$(files_for "$1")" "$data/wet/_manifest.tsv" | awk '{b += $2} END {printf "%.1f", b / 1e6}'; }

# Models (LLaMA tokenizer, the job's default) for the 24 languages WetCorpus weights, each trained with corral lm
# train on the language's UDHR paragraphs (all, else 3 of every 4) at order 5, else 4 or 3: on so little text
# Kneser-Ney's discounts are sometimes undefined. A language none of these estimate gets no model, as in CCNet
# (its documents get no perplexity and bucket "all").
mkdir -p "$data/lm" "$data/lm-text"
for lang in fr ja zh nl pl vi sv fa ar ko uk ro ca lt lv et is th bn ta ur be kk gl; do
  [[ -f $data/lm/$lang.arpa || -f $data/lm-text/$lang.none ]] && continue
  for keep in 1 4; do
    awk -F'\t' -v l="$lang" -v k=$keep '$2 == l && (k == 1 || (n++ % 4) != 3) {print $3}' \
      "$shared/data/udhr-dev.tsv" > "$data/lm-text/$lang.txt"
    for order in 5 4 3; do
      if "$root/corral" lm train --input "$data/lm-text/$lang.txt" --output "$data/lm/$lang.arpa" --order $order \
          > "$data/lm-text/$lang.log" 2>&1; then
        grep -o 'wrote.*' "$data/lm-text/$lang.log" >&2
        break 2
      fi
      rm -f "$data/lm/$lang.arpa" # a failed training leaves an empty file
    done
  done
  [[ -f $data/lm/$lang.arpa ]] || { touch "$data/lm-text/$lang.none"; echo "$lang: no model ($(grep -o 'corral: .*' "$data/lm-text/$lang.log"))" >&2; }
done

# CCNET_LAYOUT=1: CCNet's layout instead, {lang}.sp.model + {lang}.arpa.bin, scored as mine.py does
# (--perplexity-mode document): a unigram SentencePiece model per language from spm_train (Debian's
# sentencepiece) and a 5-gram KenLM probing binary from lmplz and build_binary, which KENLM_BIN names (KenLM
# built outside the repo), both on the language's UDHR paragraphs.
lm_dir=$data/lm
lm_opts=()
if [[ ${CCNET_LAYOUT:-0} == 1 ]]; then
  : "${KENLM_BIN:?KENLM_BIN must name the folder with the KenLM programs lmplz and build_binary}"
  lm_dir=$data/lm-ccnet
  lm_opts=(--perplexity-mode document)
  mkdir -p "$lm_dir" "$data/lm-ccnet-text"
  for lang in fr ja zh nl pl vi sv fa ar ko uk ro ca lt lv et is th bn ta ur be kk gl; do
    [[ -f $lm_dir/$lang.arpa.bin ]] && continue
    t=$data/lm-ccnet-text/$lang
    awk -F'\t' -v l="$lang" '$2 == l {print $3}' "$shared/data/udhr-dev.tsv" > "$t.txt"
    spm_train --input="$t.txt" --model_prefix="$t" --model_type=unigram --vocab_size=2000 \
      --hard_vocab_limit=false --character_coverage=0.9995 > "$t.spm.log" 2>&1
    spm_encode --model="$t.model" --output_format=piece < "$t.txt" > "$t.pieces"
    "$KENLM_BIN/lmplz" -o 5 --discount_fallback -S 20% < "$t.pieces" > "$t.arpa" 2> "$t.lmplz.log"
    "$KENLM_BIN/build_binary" probing "$t.arpa" "$lm_dir/$lang.arpa.bin" > "$t.bin.log" 2>&1
    cp "$t.model" "$lm_dir/$lang.sp.model"
    echo "$lang: $(stat -c %s "$lm_dir/$lang.sp.model") B sp.model, $(stat -c %s "$lm_dir/$lang.arpa.bin") B arpa.bin" >&2
  done
fi

echo "| size | WET text | runs | wall (s) | median | MB/s | MB/s per core | CPU s (user+sys) | MB per CPU s | peak RSS (MiB) | load after (1 min) |"
echo "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | --- | --- |"
for spec in "${sizes[@]}"; do
  size=${spec%x*} n=$runs
  [[ $spec == *x* ]] && n=${spec#*x}
  mb=$(text_mb "$size")
  times=() cpu=() rss=() load=()
  for ((i = 0; i < n; i++)); do
    rm -rf "$data/out"
    /usr/bin/time -v -o "$data/time.txt" "$root/corral" ccnet --input "$(inputs "$size")" --output "$data/out" \
      --lm-dir "$lm_dir" "${lm_opts[@]}" > "$data/job-$size-$i.log" 2> "$data/job-$size-$i.err"
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + t[j]; print s}' "$data/time.txt")")
    cpu+=("$(awk -F': ' '/(User|System) time/ {s += $2} END {printf "%.1f", s}' "$data/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$data/time.txt")")
    load+=("$(cut -d' ' -f1 /proc/loadavg)") # the machine is shared: other jobs' load, if any, shows here
  done
  grep '^lines:' "$data/job-$size-0.log" | sed "s/^/$size MB: /" >&2
  med=$(median "${times[@]}")
  python3 -c "
import sys
size, mb, runs, med, cores = sys.argv[1], float(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
times, cpu, rss, load = sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9]
cpu_med = sorted(map(float, cpu.split()))[len(cpu.split()) // 2]
print(f'| {size} MB | {mb:.1f} MB | {runs} | {times} | {med:.1f} s | {mb / med:.2f} | {mb / med / cores:.2f} | {cpu} | '
      f'{mb / cpu_med:.2f} | {rss} | {load} |')
" "$size" "$mb" "$n" "$med" "$cores" "${times[*]}" "${cpu[*]}" "${rss[*]}" "${load[*]}"
done

# Each stage alone on the 200 MB input (or the largest size asked for, if smaller); CCNET_STAGES=0 skips it.
[[ ${CCNET_STAGES:-1} == 0 ]] && exit 0
stage_size=200
(( $(python3 -c "print(int($max < 200))") )) && stage_size=$max
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
# shellcheck disable=SC2086
java $opens -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dai.djl.offline=true \
  -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
  dev.corral.bench.CcnetStages "$data/lm" "$runs" "$(text_mb $stage_size)" $(inputs $stage_size | tr , ' ')
