#!/usr/bin/env bash
# n-gram scoring on one core: Corral on a KenLM binary (build_binary probing) vs Corral on the ARPA file it was built
# from vs KenLM's own query on the binary. CPU seconds (user + sys) of whole processes pinned to core 0, each once
# with the text and once with an empty input, so the difference is the scoring alone (loading excluded).
# Needs a KenLM build (never made by this script): KENLM_BIN names the folder holding its lmplz, build_binary and query.
# Usage: KENLM_BIN=... bench/lm-binary.sh [runs] [MiB of text]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${KENLM_BIN:?set KENLM_BIN to the folder holding the lmplz, build_binary and query of KenLM}"
runs=${1:-3}
mib=${2:-8}
"$root/mvnw" -q -B -DskipTests -pl jobs -am package >&2
text=$(bench_text "$mib")
dir=$work/lm-binary
mkdir -p "$dir"
# An order-5 model of all UDHR paragraphs (266 languages), as lmplz makes it, and its probing binary.
if [[ ! -f $dir/udhr.o5.bin ]]; then
  cut -f3 "$shared/data/udhr-dev.tsv" > "$dir/udhr.txt"
  "$KENLM_BIN/lmplz" -o 5 -S 1G -T "$dir" < "$dir/udhr.txt" > "$dir/udhr.o5.arpa" 2> /dev/null
  "$KENLM_BIN/build_binary" probing "$dir/udhr.o5.arpa" "$dir/udhr.o5.bin" > /dev/null 2>&1
fi
: > "$dir/empty.txt"
words=$(wc -w < "$text")
cpu() { # CPU seconds of "$@" pinned to core 0, stdin from $input
  /usr/bin/time -f '%U %S' -o "$dir/time" taskset -c 0 "$@" < "$input" > "$dir/out" 2> /dev/null
  awk '{printf "%.3f", $1 + $2}' "$dir/time"
}
declare -A full empty
for run in $(seq "$runs"); do
  for input in "$text" "$dir/empty.txt"; do
    for kind in arpa bin query; do
      case $kind in
        arpa) t=$(cpu "$root/corral" local lm perplexity --model "$dir/udhr.o5.arpa" --input - --tokenizer whitespace) ;;
        bin) t=$(cpu "$root/corral" local lm perplexity --model "$dir/udhr.o5.bin" --input - --tokenizer whitespace) ;;
        query) t=$(cpu "$KENLM_BIN/query" -v sentence "$dir/udhr.o5.bin") ;;
      esac
      if [[ $input == "$text" ]]; then full[$kind]+="$t "; else empty[$kind]+="$t "; fi
    done
  done
done
echo "text: $(stat -c %s "$text") bytes, $words words; model: $(head -8 "$dir/udhr.o5.arpa" | grep ngram | paste -sd' ')"
echo "ARPA $(stat -c %s "$dir/udhr.o5.arpa") bytes, binary $(stat -c %s "$dir/udhr.o5.bin") bytes; load: $(uptime | sed 's/.*load/load/')"
for kind in arpa bin query; do
  # shellcheck disable=SC2086
  f=$(median ${full[$kind]}); e=$(median ${empty[$kind]})
  python3 -c "import sys; f,e,w=float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print('%-5s CPU s with text %.3f, empty %.3f, scoring %.3f s = %.2f M words/s' % (sys.argv[1], f, e, f-e, w/(f-e)/1e6))" "$kind" "$f" "$e" "$words"
done
