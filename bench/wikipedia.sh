#!/usr/bin/env bash
# Wikipedia: (1) cleaning speed per core, Corral's WikitextCleaner against the reference (the Hugging Face builder's
# _parse_and_clean_wikicode with Debian's mwparserfromhell 0.6.4) on the same pages, runs alternating, medians, and
# how many of those pages come out identical; (2) `corral source wikipedia` end to end on .bz2 dumps of real text
# (UDHR paragraphs in realistic wikitext, bench/wikipedia/pages.py) at several sizes: wall time, MB/s, peak RSS.
# Usage: HF_WIKIPEDIA_PY=/path/to/wikipedia.py bench/wikipedia.sh [runs] [cleaning MB] [end-to-end MB of XML...]
#   e.g. bench/wikipedia.sh 3 20 250 1000     (1000 MB of XML is a 212 MB .bz2)
# Needs: apt-get install python3-mwparserfromhell bzip2; the builder script (hf_reference.py says which).
# Data go to $WIKI_BENCH_DIR (default /tmp/corral-wikipedia-bench); delete it after. The end-to-end runs use a fixed
# heap ($E2E_HEAP, default 1g), so that a run that completes at every size shows memory does not grow with the input;
# E2E_JAVA_OPTS adds JVM options (e.g. "-Xms512m -XX:+AlwaysPreTouch": the heap touched up front, so peak RSS shows
# what a run needs rather than how far it got into its heap); SKIP_CLEANING=1 runs only (2), SKIP_E2E=1 only (1),
# SKIP_BUILD=1 uses the jars already built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
clean_mb=${2:-20}
shift 2 || true
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(250 1000)
builder=${HF_WIKIPEDIA_PY:?set HF_WIKIPEDIA_PY to the builder script datasets/wikipedia/wikipedia.py}
data=${WIKI_BENCH_DIR:-/tmp/corral-wikipedia-bench}
tools=$root/bench/wikipedia
mkdir -p "$data"
[[ -n ${SKIP_BUILD:-} ]] || "$root/mvnw" -o -q -B -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null
load() { cut -d' ' -f1 /proc/loadavg; }

# (1) Cleaning on one core.
if [[ -z ${SKIP_CLEANING:-} ]]; then
dump=$data/clean/enwiki-20220701-pages-articles.xml
if [[ ! -f $dump ]]; then
  mkdir -p "$data/clean"
  python3 "$tools/pages.py" bench "$dump" "$clean_mb" >&2
fi
ref=() cor=() refw=() corw=() cold=()
for ((i = 1; i <= runs; i++)); do
  line=$(/usr/bin/python3 "$tools/hf_reference.py" --builder "$builder" --time "$data/clean/reference.jsonl" "$dump" 2>&1 \
    | grep '^reference cleaning')
  ref+=("$(sed -E 's/.* ([0-9.]+) MB per CPU second.*/\1/' <<< "$line")")
  refw+=("$(sed -E 's/.* = ([0-9.]+) MB\/s/\1/' <<< "$line")")
  echo "$line (load $(load))" >&2
  line=$(java -cp "$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")" \
    dev.corral.bench.WikitextCleaning "$dump" en 5 "$data/clean/corral.jsonl" 2>/dev/null)
  cor+=("$(sed -E 's/.* ([0-9.]+) MB per process CPU second.*/\1/' <<< "$line")")
  corw+=("$(sed -E 's/.* = ([0-9.]+) MB\/s/\1/' <<< "$line")")
  cold+=("$(sed -E 's/.*cold first run ([0-9.]+) MB\/s.*/\1/' <<< "$line")")
  echo "$line (load $(load))" >&2
done
same=$(python3 - "$data/clean/reference.jsonl" "$data/clean/corral.jsonl" <<'PY'
import json, sys
ref = {j["id"]: j["text"] for j in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
cor = {j["id"]: j["text"] for j in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
print("%d of %d pages identical" % (sum(cor.get(k) == v for k, v in ref.items()), len(ref)))
PY
)
r=$(median "${ref[@]}"); c=$(median "${cor[@]}")
echo "| cleaning, one core | MB of wikitext per CPU s (runs) | median | wall MB/s (runs) | median |"
echo "| --- | --- | ---: | --- | ---: |"
echo "| reference (HF builder + mwparserfromhell 0.6.4, C tokenizer) | ${ref[*]} | $r | ${refw[*]} | $(median "${refw[@]}") |"
echo "| corral WikitextCleaner (5 warm runs per JVM) | ${cor[*]} | $c | ${corw[*]} | $(median "${corw[@]}") |"
echo "| corral WikitextCleaner, cold first run (wall) | | | ${cold[*]} | $(median "${cold[@]}") |"
echo
echo "corral/reference per CPU second = $(python3 -c "print('%.1f' % ($c / $r))")x; $same"
echo
fi

# (2) End to end: .bz2 dumps, `corral source wikipedia` on local[*].
[[ -z ${SKIP_E2E:-} ]] || exit 0
echo "| XML (MB) | .bz2 (MB) | wikitext (MB) | tasks | wall (s) | wikitext MB/s | MB/s per core | CPU s | wikitext MB per CPU s | peak RSS (MiB) | documents | load before/after |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for size in "${sizes[@]}"; do
  xml=$data/e2e-$size/enwiki-20220701-pages-articles.xml
  bz2=$xml.bz2
  if [[ ! -f $bz2 ]]; then
    mkdir -p "$(dirname "$xml")"
    python3 "$tools/pages.py" bench "$xml" "$(python3 -c "print($size * 0.82)")" >&2
    bzip2 -9 "$xml"
  fi
  rm -rf "$data/out-$size"
  before=$(load)
  CORRAL_JAVA_OPTS="-Xmx${E2E_HEAP:-1g} ${E2E_JAVA_OPTS:-}" /usr/bin/time -v -o "$data/time-$size.txt" "$root/corral" source wikipedia --input "$bz2" --output "$data/out-$size" \
    --format parquet --progress-seconds 30 > "$data/console-$size.txt" 2> "$data/err-$size.txt"
  after=$(load)
  wall=$(python3 - "$data/time-$size.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
print("%.1f" % ((int(m.group(1) or 0) * 60 + int(m.group(2))) * 60 + float(m.group(3)) if m.group(1) else int(m.group(2)) * 60 + float(m.group(3))))
PY
)
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$data/time-$size.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$data/time-$size.txt")
  tasks=$(python3 -c "
n, start, size, target = 1, 0, $(stat -c %s "$bz2"), 32 * 2**20
while (size - start) / target > 1.1: n, start = n + 1, start + target
print(n)")
  stats=$(python3 - "$data/out-$size/_corral/source-wikipedia.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
print(s["wikitext_bytes"] / 1e6, s["documents"])
PY
)
  wt=$(cut -d' ' -f1 <<< "$stats"); docs=$(cut -d' ' -f2 <<< "$stats")
  zb=$(python3 -c "print('%.1f' % ($(stat -c %s "$bz2") / 1e6))")
  xb=$(python3 -c "print('%.0f' % ($(bzip2 -dc "$bz2" | wc -c) / 1e6))")
  echo "| $xb | $zb | $(python3 -c "print('%.0f' % $wt)") | $tasks | $wall | $(python3 -c "print('%.2f' % ($wt / $wall))") |" \
    "$(python3 -c "print('%.2f' % ($wt / $wall / $(nproc)))") | $cpu | $(python3 -c "print('%.2f' % ($wt / $cpu))") | $rss | $docs |" \
    "$before / $after |"
done
