#!/usr/bin/env bash
# fastText supervised training, Corral vs Debian's native fasttext 0.9.2, same data and flags, runs
# alternating: training words/sec/thread (each tool's own final progress figure), wall time, and P@1
# on held-out data (both models scored by the native `fasttext test`).
# Data: the UDHR paragraphs, every 5th line held out, labels = UDHR language codes (266 labels).
# Usage: bench/fasttext-train.sh [runs] [threads]   (needs: apt-get install fasttext)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-5}
threads=${2:-2}
command -v fasttext >/dev/null || { echo "needs Debian's fasttext 0.9.2: apt-get install fasttext" >&2; exit 1; }
train=$work/udhr-train.txt
test=$work/udhr-test.txt
# Deterministic shuffle (by a hash of the line number): fastText learns poorly from data grouped by label.
awk -F'\t' '{print NR "\t__label__" $1 " " $3}' "$shared/data/udhr-dev.tsv" > "$work/labelled.txt"
awk -F'\t' '$1 % 5 == 0 {print $2}' "$work/labelled.txt" > "$test"
awk -F'\t' '$1 % 5 != 0 {print ($1 * 2654435761) % 4294967296 "\t" $2}' "$work/labelled.txt" | sort -n | cut -f2- > "$train"
flags=(-dim 16 -minn 2 -maxn 4 -wordNgrams 2 -epoch 25 -lr 1.0 -bucket 200000 -thread "$threads")
"$root/corral" --version > /dev/null # build outside the timings

wst() { tr '\r' '\n' < "$1" | grep 'words/sec/thread' | tail -1 | sed 's/.*words\/sec\/thread: *\([0-9]*\).*/\1/'; }
p1() { fasttext test "$1" "$test" | sed -n 's/^P@1\t//p'; }
nw=(); cw=(); nt=(); ct=(); np=(); cp=()
timed() { # seconds of a command whose stderr goes to $1
  local log=$1; shift
  local t0 t1
  t0=$(date +%s.%N); "$@" > /dev/null 2> "$log"; t1=$(date +%s.%N)
  python3 -c "print('%.2f' % ($t1 - $t0))"
}
for ((i = 1; i <= runs; i++)); do
  nt+=("$(timed "$work/native-train.log" fasttext supervised -input "$train" -output "$work/native" "${flags[@]}")")
  nw+=("$(wst "$work/native-train.log")"); np+=("$(p1 "$work/native.bin")")
  ct+=("$(timed "$work/corral-train.log" "$root/corral" local fasttext supervised -input "$train" -output "$work/corral" "${flags[@]}")")
  cw+=("$(wst "$work/corral-train.log")"); cp+=("$(p1 "$work/corral.bin")")
done
echo "data: $(wc -l < "$train") training lines, $(wc -l < "$test") held out; flags: ${flags[*]}"
echo "native: words/sec/thread ${nw[*]} (median $(median "${nw[@]}")); wall ${nt[*]} s (median $(median "${nt[@]}")); P@1 ${np[*]} (median $(median "${np[@]}"))"
echo "corral: words/sec/thread ${cw[*]} (median $(median "${cw[@]}")); wall ${ct[*]} s (median $(median "${ct[@]}")); P@1 ${cp[*]} (median $(median "${cp[@]}"))"
echo "corral/native words/sec/thread = $(python3 -c "print('%.2f' % ($(median "${cw[@]}") / $(median "${nw[@]}")))")"
