#!/usr/bin/env bash
# corral source stackexchange against the reference Python on the same Posts.xml: RedPajama v1's filter.py (question
# and answer pairing, ElementTree per line) then post_processing.py (answer order, BeautifulSoup on lxml, its own
# multiprocessing Pool), run as they are with Debian's python3 (fastText's language id replaced by a stand-in: Corral
# does not identify languages here either). Reports posts per CPU second (= per core) of each, wall times, peak RSS,
# and checks that corral --compat redpajama writes the reference's texts on the benchmark input.
# Usage: RP_DIR=.../RedPajama-Data/data_prep/stack_exchange bench/stackexchange.sh [runs] [MB...]  (default: 3 50 200)
#   Both run on every size (alternating, medians), corral also once on a .7z of the largest; the difference between
#   the smallest and largest size gives each tool's rate once started. Needs: apt-get install python3-bs4 python3-lxml
#   python3-tqdm p7zip-full.
# Data go to $SE_BENCH_DIR (default /tmp/corral-se-bench); delete it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
shift || true
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(50 200)
rp=${RP_DIR:?set RP_DIR to RedPajama-Data rp_v1 data_prep/stack_exchange}
data=${SE_BENCH_DIR:-/tmp/corral-se-bench}
site=bench.stackexchange.com
opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED)
export CORRAL_JAVA_OPTS=${CORRAL_JAVA_OPTS:--Xmx1g} # a small heap: memory must not grow with the input
"$root/mvnw" -q -B -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null

# /usr/bin/time -v fields of the last run: wall seconds, user+sys seconds, peak RSS MiB.
measured() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + t[j]; w = s}
    /(User|System) time/ {c += $2} /Maximum resident set size/ {r = $2 / 1024}
    END {printf "%.2f %.2f %.0f\n", w, c, r}' "$data/time.txt"
}

for size in "${sizes[@]}"; do
  if [[ ! -f $data/in-$size/$site/Posts.xml ]]; then
    java -cp "$root/bench/target/classes" dev.corral.bench.StackExchangeCorpus "$shared/data/udhr-dev.tsv" \
      "$data/in-$size/$site/Posts.xml" "$size"
  fi
done

# The reference's layout: data/SITE.xml, its src/stack_exchange package, a stand-in fasttext module.
ref=$data/ref
rm -rf "$ref" && mkdir -p "$ref/data" "$ref/src" "$ref/stub"
ln -s "$(cd "$rp" && pwd)" "$ref/src/stack_exchange"
cat > "$ref/stub/fasttext.py" <<'EOF'
class _M:
    def predict(self, text, k=1):
        return (('__label__en',), [1.0])
def load_model(path):
    return _M()
EOF
reference() {
  rm -rf "$ref/data/parents" "$ref/data/qa_pairs" "$ref/data/counts.json" "$ref/out"
  (cd "$ref" && LEMMA_DATA_DIR_SE=data/ LEMMA_DATA_DIR_SE_OUT=out/ PYTHONPATH=stub /usr/bin/time -v -o "$data/time.txt" \
    bash -c "/usr/bin/python3 src/stack_exchange/filter.py && /usr/bin/python3 src/stack_exchange/post_processing.py" \
    > "$data/ref.log" 2>&1)
}
corral() { # corral INPUT [flags...]
  local input=$1; shift
  rm -rf "$data/out"
  /usr/bin/time -v -o "$data/time.txt" "$root/corral" source stackexchange --input "$input" --output "$data/out" \
    --progress-seconds 0 "$@" > "$data/corral.log" 2> "$data/corral.err"
}

echo "| tool | input | posts | runs: wall (s) | median wall | median CPU s | posts per CPU s | peak RSS (MiB) | load (1 min) |"
echo "| --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- |"
row() { # tool input posts "walls" "cpus" "rss" "loads"
  python3 -c "
import statistics, sys
tool, inp, posts, walls, cpus, rss, loads = sys.argv[1:]
w = [float(x) for x in walls.split()]; c = [float(x) for x in cpus.split()]
print(f'| {tool} | {inp} | {int(posts):,} | {walls} | {statistics.median(w):.1f} | {statistics.median(c):.1f} | '
      f'{int(posts) / statistics.median(c):,.0f} | {rss} | {loads} |')
" "$@"
}
declare -A ref_cpu corral_cpu posts_of
for size in "${sizes[@]}"; do
  ln -sf "$data/in-$size/$site/Posts.xml" "$ref/data/$site.xml"
  posts=$(grep -c '<row' "$data/in-$size/$site/Posts.xml")
  posts_of[$size]=$posts
  rw=() rc=() rr=() rl=() cw=() cc=() cr=() cl=()
  for ((i = 0; i < runs; i++)); do # alternate the two tools, so both see the same load
    reference
    read -r w c r <<< "$(measured)"; rw+=("$w") rc+=("$c") rr+=("$r") rl+=("$(cut -d' ' -f1 /proc/loadavg)")
    corral "$data/in-$size" --format parquet
    read -r w c r <<< "$(measured)"; cw+=("$w") cc+=("$c") cr+=("$r") cl+=("$(cut -d' ' -f1 /proc/loadavg)")
  done
  row "reference (RedPajama v1 + bs4/lxml)" "$size MB Posts.xml" "$posts" "${rw[*]}" "${rc[*]}" "${rr[*]}" "${rl[*]}"
  row "corral" "$size MB Posts.xml" "$posts" "${cw[*]}" "${cc[*]}" "${cr[*]}" "${cl[*]}"
  ref_cpu[$size]=$(python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "${rc[@]}")
  corral_cpu[$size]=$(python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "${cc[@]}")
done
echo
for size in "${sizes[@]}"; do
  python3 -c "import sys; print(f'{sys.argv[1]} MB: corral / reference, posts per CPU second (per core), whole process: '
    f'{float(sys.argv[2]) / float(sys.argv[3]):.1f}x')" "$size" "${ref_cpu[$size]}" "${corral_cpu[$size]}"
done
if (( ${#sizes[@]} > 1 )); then
  # The difference between two sizes removes the fixed cost (JVM, Spark and Python start, JIT warm-up): the rate at
  # which each tool goes through posts once running.
  a=${sizes[0]} b=${sizes[-1]}
  python3 -c "
import sys
pa, pb, ra, rb, ca, cb = map(float, sys.argv[1:7])
r = (pb - pa) / (rb - ra); c = (pb - pa) / (cb - ca)
print(f'marginal ({sys.argv[7]} -> {sys.argv[8]} MB): reference {r:,.0f} posts per CPU s, corral {c:,.0f}: {c / r:.1f}x')
" "${posts_of[$a]}" "${posts_of[$b]}" "${ref_cpu[$a]}" "${ref_cpu[$b]}" "${corral_cpu[$a]}" "${corral_cpu[$b]}" "$a" "$b"
fi
small=${sizes[0]}
ln -sf "$data/in-$small/$site/Posts.xml" "$ref/data/$site.xml"
reference # the reference's output on the smallest input, for the parity check below

# The largest size as a .7z (one task decodes it once, then many tasks read the copy).
big=${sizes[-1]}
if [[ ! -f $data/7z-$big/$site.7z ]]; then
  mkdir -p "$data/7z-$big" && (cd "$data/in-$big/$site" && 7z a -bd -mx=5 "$data/7z-$big/$site.7z" Posts.xml > /dev/null)
fi
corral "$data/7z-$big/$site.7z" --format parquet
read -r w c r <<< "$(measured)"
row "corral" "$big MB as .7z ($(du -m "$data/7z-$big/$site.7z" | cut -f1) MB)" "$(grep -c '<row' "$data/in-$big/$site/Posts.xml")" \
  "$w" "$c" "$r" "$(cut -d' ' -f1 /proc/loadavg)"

# Once warm: corral's reader and writer run again and again in one JVM (local[2]); the median of the later runs.
java -Xmx1g "${opens[@]}" -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
  dev.corral.bench.StackExchangeThroughput "$data/in-${sizes[-1]}" 5 2> /dev/null
if [[ -n ${SE_WARM_DICTIONARY:-} ]]; then # the same with Parquet's dictionary for text (the writer's default)
  java -Xmx1g "${opens[@]}" -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
    dev.corral.bench.StackExchangeThroughput "$data/in-${sizes[-1]}" 5 dictionary 2> /dev/null
fi

# Parity on the benchmark input: corral --compat redpajama writes the reference's texts, every one.
corral "$data/in-$small" --format json --compat redpajama
python3 - "$ref/out/$site.jsonl" "$data/out" <<'EOF'
import json, os, sys
ref = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    ref[int(d["meta"]["url"].rsplit("/", 1)[1])] = d["text"]
got = {}
for name in os.listdir(sys.argv[2]):
    if name.endswith(".json"):
        for line in open(os.path.join(sys.argv[2], name)):
            d = json.loads(line)
            got[d["question_id"]] = d["text"]
same = sum(1 for k in ref if got.get(k) == ref[k])
print(f"\nparity on the benchmark input (--compat redpajama): {same} of {len(ref)} texts equal the reference's,"
      f" {len(got)} documents written")
EOF
