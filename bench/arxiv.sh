#!/usr/bin/env bash
# arXiv against the reference Python on the same bulk tars: RedPajama v1's arxiv_cleaner.py (ArxivCleaner.run: tars
# extracted, every paper loaded by _tex_proj_loader and cleaned by clean_tex_files, one JSON line each), run as it is
# with Debian's python3 (fastText stubbed, as make-golden.py does), against `corral source arxiv --compat redpajama`.
#   (1) end to end at two sizes, runs alternating, medians of user+sys CPU seconds of the whole process (JVM and
#       Spark start included) and papers per CPU second; the difference between the sizes gives each tool's rate
#       once started (the fixed cost removed);
#   (2) the cleaning alone on one core (bench/arxiv-cleaning.py against dev.corral.bench.ArxivCleaning, same papers);
#   (3) parity: corral --compat redpajama writes the reference's text for every paper of the smaller input.
# Usage: RP_ARXIV_DIR=.../RedPajama-Data/data_prep/arxiv bench/arxiv.sh [runs] [papers...]   (default: 3 1000 4000)
#   RP_ARXIV_DIR: git --git-dir=<RedPajama-Data> archive 45b37c2a data_prep/arxiv | tar -x
# Data go to $ARXIV_BENCH_DIR (default /tmp/corral-arxiv-bench); delete it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
shift || true
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(1000 4000)
rp=${RP_ARXIV_DIR:?set RP_ARXIV_DIR to RedPajama-Data rp_v1 data_prep/arxiv}
data=${ARXIV_BENCH_DIR:-/tmp/corral-arxiv-bench}
export CORRAL_JAVA_OPTS=${CORRAL_JAVA_OPTS:--Xmx1g}
mkdir -p "$data"
# ARXIV_BENCH_NO_BUILD=1: the jars are already built (build before taking a shared benchmark lock).
[[ -n ${ARXIV_BENCH_NO_BUILD:-} ]] || "$root/mvnw" -q -B -o -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null
load() { cut -d' ' -f1 /proc/loadavg; }

for n in "${sizes[@]}"; do
  [[ -d $data/in-$n/src ]] || /usr/bin/python3 "$root/bench/arxiv-corpus.py" "$shared/data/udhr-dev.tsv" "$data/in-$n" "$n"
done

# /usr/bin/time fields of the last run: wall seconds, user+sys seconds, peak RSS MiB.
measured() { awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$data/time.txt"; }
reference() { # reference N
  rm -rf "$data/ref-out"
  /usr/bin/time -o "$data/time.txt" -f '%e %U %S %M' /usr/bin/python3 "$root/bench/arxiv-reference.py" "$rp" \
    "$data/in-$1/src" "$data/ref-out" > "$data/ref.log" 2>&1
}
corral() { # corral N [flags...]
  local n=$1; shift
  rm -rf "$data/out"
  /usr/bin/time -o "$data/time.txt" -f '%e %U %S %M' "$root/corral" source arxiv --input "$data/in-$n/src" \
    --output "$data/out" --progress-seconds 0 "$@" > "$data/corral.log" 2> "$data/corral.err"
}
median() { python3 -c 'import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))' "$@"; }
row() { # tool papers "walls" "cpus" "rss" "loads"
  python3 -c "
import statistics, sys
tool, n, walls, cpus, rss, loads = sys.argv[1:]
w = [float(x) for x in walls.split()]; c = [float(x) for x in cpus.split()]
print(f'| {tool} | {int(n):,} | {walls} | {statistics.median(w):.1f} | {cpus} | {statistics.median(c):.1f} | '
      f'{int(n) / statistics.median(c):,.0f} | {rss} | {loads} |')
" "$@"
}

# (3) Parity: corral --compat redpajama writes the reference's text for every paper (printed after the table).
parity() {
python3 - "$data/ref-out/arxiv.jsonl" "$data/out" <<'PY'
import json, os, sys
ref = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    ref[d["meta"]["arxiv_id"]] = d["text"]
got = {}
for name in os.listdir(sys.argv[2]):
    if name.endswith(".json"):
        for line in open(os.path.join(sys.argv[2], name)):
            d = json.loads(line)
            if d.get("drop_reason") is None:  # rows are annotated, not dropped
                got[d["arxiv_id"]] = d["text"]
same = sum(1 for k in ref if got.get(k) == ref[k])
print(f"parity on the benchmark input (--compat redpajama): {same} of {len(ref)} texts equal the reference's,"
      f" {len(got)} documents kept")
PY
}
echo "| tool | papers | runs: wall (s) | median wall | runs: CPU s | median CPU s | papers per CPU s | peak RSS (MiB) | load (1 min) |"
echo "| --- | ---: | --- | ---: | --- | ---: | ---: | --- | --- |"
declare -A ref_cpu corral_cpu
for n in "${sizes[@]}"; do
  rw=() rc=() rr=() rl=() cw=() cc=() cr=() cl=()
  for ((i = 0; i < runs; i++)); do # alternate the two tools, so both see the same load
    reference "$n"
    read -r w c r <<< "$(measured)"; rw+=("$w") rc+=("$c") rr+=("$r") rl+=("$(load)")
    corral "$n" --compat redpajama --format json
    read -r w c r <<< "$(measured)"; cw+=("$w") cc+=("$c") cr+=("$r") cl+=("$(load)")
  done
  if [[ $n == "${sizes[0]}" ]]; then # (3) parity on the last runs' outputs
    parity
  fi
  row "reference (RedPajama v1 arxiv_cleaner.py)" "$n" "${rw[*]}" "${rc[*]}" "${rr[*]}" "${rl[*]}"
  row "corral source arxiv --compat redpajama" "$n" "${cw[*]}" "${cc[*]}" "${cr[*]}" "${cl[*]}"
  ref_cpu[$n]=$(median "${rc[@]}")
  corral_cpu[$n]=$(median "${cc[@]}")
done
echo
for n in "${sizes[@]}"; do
  python3 -c "import sys; print(f'{sys.argv[1]} papers: corral / reference, papers per CPU second (per core), whole process:'
    f' {float(sys.argv[2]) / float(sys.argv[3]):.2f}x')" "$n" "${ref_cpu[$n]}" "${corral_cpu[$n]}"
done
if (( ${#sizes[@]} > 1 )); then
  a=${sizes[0]} b=${sizes[-1]}
  python3 -c "
import sys
a, b, ra, rb, ca, cb = map(float, sys.argv[1:])
r = (b - a) / (rb - ra); c = (b - a) / (cb - ca)
print(f'marginal ({a:.0f} -> {b:.0f} papers): reference {r:,.0f} papers per CPU s, corral {c:,.0f}: {c / r:.1f}x;'
      f' fixed cost: reference {ra - a / r:.1f} CPU s, corral {ca - a / c:.1f} CPU s')
" "$a" "$b" "${ref_cpu[$a]}" "${ref_cpu[$b]}" "${corral_cpu[$a]}" "${corral_cpu[$b]}"
fi

# (2) The cleaning alone, one core, the same papers in memory.
small=${sizes[0]}
cp=$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")
echo
/usr/bin/python3 "$root/bench/arxiv-cleaning.py" "$rp" "$data/in-$small/src" "$runs" "$data/papers.jsonl" \
  "$data/clean-reference.jsonl" 2> /dev/null
echo "(load $(load))"
java -XX:ActiveProcessorCount=1 -Xmx2g -cp "$cp" dev.corral.bench.ArxivCleaning "$data/papers.jsonl" redpajama \
  "$runs" "$data/clean-corral.jsonl" 2> /dev/null
echo "(load $(load))"
python3 - "$data/clean-reference.jsonl" "$data/clean-corral.jsonl" <<'PY'
import json, sys
ref, got = ([json.loads(line) for line in open(f)] for f in sys.argv[1:3])
same = sum(1 for a, b in zip(ref, got) if a == b)
print(f"cleaning alone: {same} of {len(ref)} texts equal the reference's ({len(got)} from corral)")
PY

