#!/usr/bin/env bash
# GitHub files per CPU-second: `corral source github` (paper and --compat redpajama) against RedPajama v1's four
# scripts (github_clean_dedup_local.py, github_global_dedup.py, github_merge_dedup.py, github_run_filter.py) on
# the same export, alternating, medians. CPU seconds are user + sys of every process (Corral: the whole JVM,
# Spark start and the run record included; RedPajama: the scripts and their pool workers), so files/CPU-s is
# throughput per core whatever the parallelism.
# Usage: RP_DIR=DIR flock /tmp/corral-bench.lock bench/github.sh [runs] [scale]   (runs 0: only prepare)
#   DIR: RedPajama-Data at rp_v1, e.g. git --git-dir=<fetched repo> archive
#        45b37c2a1d1e495b0f48549ef3ce03ff029f7881 data_prep/github | tar -x -C DIR
#   scale: the corpus is make-inputs.py's golden generator at that scale (40: ~16,000 files, ~15 MB)
#   GITHUB_BODY_SCALE=K: each source file gets K bodies (default 1, the goldens' few hundred bytes; 24 gives a
#   mean of 6.5 KB and a median of 2.2 KB per file, closer to real repositories')
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
scale=${2:-40}
rp=${RP_DIR:?set RP_DIR to a checkout of RedPajama-Data at rp_v1}
golden=$root/curation/src/test/resources/dev/corral/curation/sources/github
body_scale=${GITHUB_BODY_SCALE:-1}
[[ $body_scale =~ ^[1-9][0-9]*$ ]] || { echo "GITHUB_BODY_SCALE must be a whole number >= 1, got '$body_scale'" >&2; exit 2; }
corpus=$work/github-$scale
((body_scale == 1)) || corpus=$corpus-body$body_scale
py=/usr/bin/python3

# The corpus, then what the BigQuery query exports of it (licence keys mit/bsd/apache): both read the export.
if [[ ! -d $corpus/export ]]; then
  $py "$golden/make-inputs.py" "$corpus/raw" "$scale" "$body_scale"
  $py "$root/bench/github-reference.py" export "$corpus/raw" "$corpus/export"
fi
# RedPajama's tokenizer (GPT-NeoX's, through transformers) cannot be installed here. Its stand-in tokenizes with
# the sentencepiece library (Debian's python3-sentencepiece, C++) on the bundled LLaMA tokenizer written as a
# .model, the tokenizer Corral counts with, checked to give Corral's counts on every text of the corpus;
# GITHUB_REFERENCE_TOKENS=counts: it looks Corral's counts up instead and spends nothing on tokens.
if [[ ! -f $corpus/token-counts.jsonl ]]; then
  $py "$golden/make-golden.py" --redpajama "$rp" --inputs "$corpus/export" --texts-out "$corpus/texts.jsonl"
  "$root/mvnw" -q -o -B -pl curation -am test-compile >&2
  "$root/mvnw" -q -o -B -pl curation dependency:build-classpath -Dmdep.outputFile="$work/curation-cp.txt" \
    -Dmdep.includeScope=test >&2
  java -cp "$root/curation/target/test-classes:$root/curation/target/classes:$root/core/target/classes:$(cat "$work/curation-cp.txt")" \
    dev.corral.curation.sources.github.GoldenTokenCounts "$corpus/texts.jsonl" "$corpus/token-counts.jsonl" 2> /dev/null
fi
"$root/mvnw" -q -o -B -Pbench -DskipTests -pl jobs,bench -am package >&2 # corral.jar, so ./corral need not build it
"$root/corral" --version > /dev/null
sp_model=
if [[ ${GITHUB_REFERENCE_TOKENS:-sentencepiece} == sentencepiece ]]; then
  sp_model=$work/llama-tokenizer.model
  java -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
    dev.corral.bench.SentencePieceModelExport "$sp_model"
  # The check is redone whenever the exported model changes: the marker is named by its checksum.
  checked=$corpus/sentencepiece-checked.$(sha256sum "$sp_model" | cut -c1-16)
  if [[ ! -f $checked ]]; then
    $py "$root/bench/github-reference.py" check "$corpus/texts.jsonl" "$corpus/token-counts.jsonl" "$sp_model" \
      | tee "$checked.tmp"
    mv "$checked.tmp" "$checked"
  fi
fi
((runs > 0)) || exit 0

corral_run() { # $1: a name for the result files; the rest: extra flags
  local name=$1; shift
  rm -rf "$work/github-out"
  /usr/bin/time -f "%e %U %S" -o "$work/$name.time" "$root/corral" source github --input "$corpus/export" \
    --output "$work/github-out" --format parquet --progress-seconds 0 "$@" > "$work/$name.out" 2> "$work/$name.err"
  # wall cpu kept
  echo "$(awk '{printf "%.2f %.2f", $1, $2 + $3}' "$work/$name.time") $(grep -o '[0-9,]* kept' "$work/$name.out" | tr -d ', kept')"
}

declare -a ref_cpu ref_wall paper_cpu paper_wall compat_cpu compat_wall load
for ((i = 0; i < runs; i++)); do
  r=$($py "$root/bench/github-reference.py" run "$rp" "$corpus/export" "$corpus/token-counts.jsonl" $sp_model)
  records=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['records'])" "$r")
  ref_kept=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['kept'])" "$r")
  ref_cpu+=("$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['cpu'])" "$r")")
  ref_wall+=("$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['wall'])" "$r")")
  read -r w c paper_kept <<< "$(corral_run paper)"
  paper_wall+=("$w") paper_cpu+=("$c")
  read -r w c compat_kept <<< "$(corral_run compat --compat redpajama)"
  compat_wall+=("$w") compat_cpu+=("$c")
  load+=("$(cut -d' ' -f1 /proc/loadavg)")
done
if [[ $compat_kept != "$ref_kept" ]]; then
  echo "corral --compat redpajama kept $compat_kept files, RedPajama $ref_kept" >&2
  exit 1
fi
rc=$(median "${ref_cpu[@]}") pc=$(median "${paper_cpu[@]}") cc=$(median "${compat_cpu[@]}")
echo "$records files in the export; kept: RedPajama $ref_kept, corral --compat redpajama $compat_kept, corral paper $paper_kept"
echo "| run | wall (s) | CPU (s) | median CPU (s) | files per CPU-second | vs RedPajama |"
echo "| --- | --- | --- | ---: | ---: | ---: |"
for row in "RedPajama v1 scripts:ref" "corral paper:paper" "corral --compat redpajama:compat"; do
  label=${row%%:*} key=${row##*:}
  eval "walls=(\"\${${key}_wall[@]}\") cpus=(\"\${${key}_cpu[@]}\")"
  m=$(median "${cpus[@]}")
  echo "| $label | ${walls[*]} | ${cpus[*]} | $m | $(python3 -c "print('%.0f' % ($records / $m))") | $(python3 -c "print('%.1fx' % ($rc / $m))") |"
done
echo "load (1 min) after each round: ${load[*]}"
