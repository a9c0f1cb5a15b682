#!/usr/bin/env bash
# SentencePiece encoding on one core: Debian's `spm_encode` 0.1.97 against Corral's encoder
# (dev.corral.bench.SentencePieceEncode, the same command in Java) on the same text and model, CPU seconds
# (user + system) of each whole process pinned to one core with taskset, runs alternating, medians; then
# Corral's warm in-JVM rate. Fails if any run's output differs from spm_encode's.
# Usage: bench/sentencepiece.sh [runs] [MiB]   (needs: apt-get install sentencepiece)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
mib=${2:-50}
command -v spm_encode > /dev/null || { echo "needs Debian's sentencepiece: apt-get install sentencepiece" >&2; exit 1; }
models=$root/curation/src/test/resources/dev/corral/curation/sentencepiece
text=$(bench_text "$mib")
"$root/mvnw" -q -B -o -Pbench -DskipTests -pl bench -am compile >&2
cp=$root/bench/target/classes:$root/curation/target/classes:$root/core/target/classes
mb=$(python3 -c "print('%.1f' % ($(stat -c %s "$text") / 1e6))")
echo "input: $text ($mb MB, $(wc -l < "$text") lines); one core (taskset -c 0); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# CPU seconds (user + system) of a command, its stdout to $1.
cpu() {
  local out=$1; shift
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c 0 "$@" > "$out"
  python3 -c "u, s = open('$work/time').read().split()[-2:]; print('%.3f' % (float(u) + float(s)))"
}

for spec in unigram-8k:id bpe-8k:id unigram-8k:piece; do
  name=${spec%%:*}; format=${spec##*:}
  model=$models/$name.model
  native=(); corral=()
  for ((i = 1; i <= runs; i++)); do
    native+=("$(cpu "$work/spm.out" spm_encode --model="$model" --output_format="$format" "$text")")
    corral+=("$(cpu /dev/null java -Xmx2g -cp "$cp" dev.corral.bench.SentencePieceEncode \
      "$model" "$text" "$format" "$work/corral.out")")
    cmp -s "$work/spm.out" "$work/corral.out" || {
      echo "bench: $name $format run $i: corral's output differs from spm_encode's ($work/spm.out, $work/corral.out)" >&2
      exit 1
    }
  done
  n=$(median "${native[@]}"); c=$(median "${corral[@]}")
  echo "$name --output_format=$format, outputs identical:"
  echo "  spm_encode: ${native[*]} CPU s; median $n s ($(python3 -c "print('%.2f' % ($mb / $n))") MB/s)"
  echo "  corral:     ${corral[*]} CPU s; median $c s ($(python3 -c "print('%.2f' % ($mb / $c))") MB/s)"
  echo "  corral MB/s / spm_encode MB/s = $(python3 -c "print('%.2f' % ($n / $c))")"
  taskset -c 0 java -Xmx2g -cp "$cp" dev.corral.bench.SentencePieceEncode "$model" "$text" "$format" --warm "$runs" | sed 's/^/  corral /'
done
