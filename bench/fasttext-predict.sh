#!/usr/bin/env bash
# Whole-process time of `./corral local fasttext predict-prob lid.176.ftz FILE 1` against Debian's native
# `fasttext predict-prob` on the same file of >= 50 MiB of real text, runs alternating, medians.
# Also the peak RSS of both at 50 and 200 MiB (constant memory: it must not grow with the input).
# Fails when Corral's output differs from fastText's in any run.
# Usage: bench/fasttext-predict.sh [runs]   (needs: apt-get install fasttext)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-5}
model=$shared/assets/lid.176.ftz
command -v fasttext >/dev/null || { echo "needs Debian's fasttext 0.9.2: apt-get install fasttext" >&2; exit 1; }
text=$(bench_text 50)
"$root/corral" --version > /dev/null # build outside the timings

native=(); corral=()
for ((i = 1; i <= runs; i++)); do
  native+=("$(seconds "$work/native.out" fasttext predict-prob "$model" "$text" 1)")
  corral+=("$(seconds "$work/corral.out" "$root/corral" local fasttext predict-prob "$model" "$text" 1)")
  cmp -s "$work/native.out" "$work/corral.out" || {
    echo "bench: run $i: corral's output differs from fasttext's (cmp $work/native.out $work/corral.out)" >&2
    exit 1
  }
done
same=identical
mb=$(python3 -c "print('%.1f' % ($(stat -c %s "$text") / 1e6))")
n=$(median "${native[@]}"); c=$(median "${corral[@]}")
echo "input: $text ($mb MB, $(wc -l < "$text") lines); outputs $same"
echo "native fasttext: ${native[*]} s; median $n s ($(python3 -c "print('%.1f' % ($mb / $n))") MB/s)"
echo "corral:          ${corral[*]} s; median $c s ($(python3 -c "print('%.1f' % ($mb / $c))") MB/s)"
echo "corral/native = $(python3 -c "print('%.2f' % ($c / $n))")"

# Peak resident memory (KiB, GNU time's %M) of one run each at 50 and 200 MiB.
for mib in 50 200; do
  big=$(bench_text "$mib")
  n_rss=$(/usr/bin/time -f %M fasttext predict-prob "$model" "$big" 1 2>&1 > /dev/null | tail -1)
  c_rss=$(/usr/bin/time -f %M "$root/corral" local fasttext predict-prob "$model" "$big" 1 2>&1 > /dev/null | tail -1)
  echo "peak RSS at $mib MiB: native $((n_rss / 1024)) MiB, corral $((c_rss / 1024)) MiB"
done
