#!/usr/bin/env bash
# `corral plan` against the run it plans, for the whole seven-source recipe on a large input: the demo recipe's steps
# and mixture (jobs/.../demo/recipe.yaml) on generated inputs of about SCALE MB in all (stored bytes, as the plan
# counts them), split like LLaMA's Table 1 disk sizes with every source at least $RECIPE_PLAN_MIN_MB; then
# `corral plan --json` and `corral recipe`, both timed, and per step planned vs actual wall time, rows and disk bytes.
# Usage: flock /tmp/corral-bench.lock bench/recipe-plan.sh [SCALE]
#   SCALE default 250 (MB): a recipe run of about 15 min on 2 quiet cores (a guess from the smoke test's per-step
#   times, ~2x slower there under load 5), the plan 10-15 min more; the inputs take a few minutes, once.
#   RECIPE_PLAN_MIN_MB (default 8): the least MB of a source, twice the plan's default sample;
#   PLAN_SAMPLE_MB (default 4): the plan's --sample-mb; RECIPE_PLAN_TOKENS_PER_MB (default 25000): the mixture's
#   budget in tokens per MB of input (250 MB: ~6.7M tokens; bench/recipe-mixture.sh runs 10M); RECIPE_THREADS (default 1):
#   the run's --threads, steps at once; 1, as the plan runs them, so that a step's wall time is its own.
#   Smoke test (~13 min under load): RECIPE_PLAN_MIN_MB=2 PLAN_SAMPLE_MB=0.5 bench/recipe-plan.sh 10
# Inputs come from the generators the other benchmarks use (WetCorpus, make-inputs.py, pages.py, make_books.py,
# arxiv-corpus.py, StackExchangeCorpus; C4: PlanTest's C4-like JSON Lines), all offline from the repo and ../shared.
# Data go to $RECIPE_PLAN_DIR (default /tmp/corral-recipe-plan); inputs are kept and reused; delete it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
scale=${1:-250}
min_mb=${RECIPE_PLAN_MIN_MB:-8}
sample_mb=${PLAN_SAMPLE_MB:-4}
tokens_per_mb=${RECIPE_PLAN_TOKENS_PER_MB:-25000}
threads=${RECIPE_THREADS:-1}
data=${RECIPE_PLAN_DIR:-/tmp/corral-recipe-plan}
demo=$root/jobs/src/main/resources/dev/corral/jobs/demo
udhr=$shared/data/udhr-dev.tsv
py=/usr/bin/python3
mkdir -p "$data/in"
# Package only (./corral would install into ~/.m2 if the jar were stale); RECIPE_PLAN_NO_BUILD=1: already built.
[[ -n ${RECIPE_PLAN_NO_BUILD:-} ]] || "$root/mvnw" -q -B -o -Pbench -DskipTests -pl jobs,bench -am package >&2
"$root/corral" --version > /dev/null
load() { cut -d' ' -f1-3 /proc/loadavg; }

# MB per source: LLaMA's Table 1 disk sizes (GB) as shares of SCALE, at least min_mb each.
declare -A mb
while read -r source gb; do
  mb[$source]=$($py -c "print('%.1f' % max($min_mb, $scale * $gb / 4749))")
done <<< "commoncrawl 3300
c4 783
github 328
wikipedia 83
books 85
arxiv 92
stackexchange 78"

# The crawl's folder name says its files' size: the 2.5 MB files of earlier runs are not reused.
declare -A suffix=([commoncrawl]=-25mb)
# Each generator's stored bytes per unit of its size argument, measured here (2026-12-05), to aim at mb[source].
gen() { # gen SOURCE: writes $data/in/SOURCE-MB once; prints the folder
  local source=$1 target=${mb[$1]} dir
  dir=$data/in/$source-${mb[$1]}${suffix[$1]:-}
  if [[ ! -f $dir.done ]]; then
    rm -rf "$dir" && mkdir -p "$dir"
    case $source in
      commoncrawl) # WET files of 25 MB of text each (~10.3 MB gzipped; Common Crawl's are over ten times larger, so a
        # sample takes part of one, as on a real dump); the manifest beside, not among, them
        local n
        n=$($py -c "import math; print(max(2, math.ceil($target / 10.3)))")
        java -cp "$root/bench/target/classes" dev.corral.bench.WetCorpus "$udhr" "$dir" "$n" 25 >&2
        mv "$dir/_manifest.tsv" "$dir.manifest.tsv" ;;
      c4) # PlanTest.writeC4LikeInput's shape: 5% exact copies, English-like words of the bundled Moby-Dick
        $py - "$demo/sources/books/gutenberg/2701.txt" "$dir" "$target" <<'PY'
import gzip, json, math, os, random, re, sys
book, out, target = sys.argv[1], sys.argv[2], float(sys.argv[3]) * 1e6
words = sorted({w for w in re.split("[^a-z]+", open(book, encoding="utf-8").read().lower()) if len(w) > 1})
rng = random.Random(7)
files = max(2, math.ceil(target / 2e6))
written = []
for f in range(files):
    path = os.path.join(out, "c4-train.%05d-of-01024.json.gz" % f)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as g:
        d = 0
        while raw.tell() < target / files:
            if written and rng.random() < 0.05:
                text = rng.choice(written)
            else:
                lines = []
                for _ in range(4 + rng.randrange(11)):
                    line = " ".join(rng.choice(words) for _ in range(8 + rng.randrange(15)))
                    lines.append(line[0].upper() + line[1:] + ".")
                text = "\n".join(lines)
                if len(written) < 2000:
                    written.append(text)
                else:
                    written[rng.randrange(len(written))] = text
            g.write((json.dumps({"text": text, "timestamp": "2019-04-01T10:00:00Z",
                                 "url": "https://example-%d-%d.com/" % (f, d)}) + "\n").encode())
            d += 1
PY
        ;;
      github) # make-inputs.py's golden generator (~0.047 MB per unit of scale), then what BigQuery exports of it
        $py "$root/curation/src/test/resources/dev/corral/curation/sources/github/make-inputs.py" "$dir.raw" \
          "$($py -c "print(max(1, round($target / 0.047)))")" >&2
        $py "$root/bench/github-reference.py" export "$dir.raw" "$dir"
        rm -rf "$dir.raw" ;;
      wikipedia) # one dump; pages.py's MB are wikitext, ~0.26 MB of .bz2 each
        $py "$root/bench/wikipedia/pages.py" bench "$dir/enwiki-20220701-pages-articles.xml" \
          "$($py -c "print($target / 0.26)")" >&2
        bzip2 -9 "$dir/enwiki-20220701-pages-articles.xml" ;;
      books) # PG-19 chunks of books of 200,000 characters (~0.26 MB each); not the empty chunks for dedup.py
        $py "$root/bench/books/make_books.py" "$udhr" "$dir.gen" \
          "$($py -c "import math; print(max(4, math.ceil($target / 0.263)))")" 200000 >&2
        find "$dir.gen/split" -type f -size +0 -exec mv {} "$dir/" \;
        rm -rf "$dir.gen" ;;
      arxiv) # ~35 KB per paper, 30 papers (~1 MB) per tar: the plan samples whole tars
        $py "$root/bench/arxiv-corpus.py" "$udhr" "$dir" "$($py -c "import math; print(math.ceil($target / 0.0349))")" 30 >&2 ;;
      stackexchange)
        java -cp "$root/bench/target/classes" dev.corral.bench.StackExchangeCorpus "$udhr" \
          "$dir/bench.stackexchange.com/Posts.xml" "$target" >&2 ;;
    esac
    touch "$dir.done"
  fi
  echo "$dir"
}
declare -A input
for source in commoncrawl c4 github wikipedia books arxiv stackexchange; do
  input[$source]=$(gen "$source")
done

# The demo recipe with these inputs (the quality model and the benchmarks stay the bundled sample's). CCNet keeps
# every language: WetCorpus's pages are in 266 languages, almost none English, and an English-only CCNet would
# leave the crawl's later steps nothing to do.
budget=$($py -c "print(int($tokens_per_mb * sum(map(float, '${mb[*]}'.split()))))")
recipe=$data/recipe-$scale.yaml
sed -e "s#\[\"@SAMPLE@/commoncrawl\"\]#[\"${input[commoncrawl]}\"]#" \
  -e "s#\[\"@SAMPLE@/c4\"\]#[\"${input[c4]}\"]#" \
  -e "s#\[\"@SAMPLE@/github\"\]#[\"${input[github]}\"]#" \
  -e "s#\[\"@SAMPLE@/wikipedia\"\]#[\"${input[wikipedia]}\"]#" \
  -e "s#\[\"@SAMPLE@/books/gutenberg\", \"@SAMPLE@/books/pg19\"\]#[\"${input[books]}\"]#" \
  -e "s#\[\"@SAMPLE@/arxiv\"\]#[\"${input[arxiv]}/src\"]#" \
  -e "s#\[\"@SAMPLE@/stackexchange\"\]#[\"${input[stackexchange]}\"]#" \
  -e "s#job: ccnet, options: {languages: en}#job: ccnet#" \
  -e "s#budget_tokens: 100000#budget_tokens: $budget#" \
  -e "s#@SAMPLE@#$demo/sources#g" "$demo/recipe.yaml" > "$recipe"
if grep -q 'inputs:.*sources' "$recipe" || ! grep -q "budget_tokens: $budget" "$recipe"; then
  echo "recipe-plan.sh: $demo/recipe.yaml changed; the inputs or budget were not replaced in $recipe" >&2
  exit 1
fi

# The plan, then the run; each timed as a whole process (wall, user + sys CPU, peak RSS).
rm -rf "$data/plan-work" "$data/out"
load_before=$(load)
/usr/bin/time -f '%e %U %S %M' -o "$data/plan.time" "$root/corral" plan --config "$recipe" \
  --sample-mb "$sample_mb" --work "$data/plan-work" --json "$data/plan.json" > "$data/plan.log" 2> "$data/plan.err" \
  || { tail -20 "$data/plan.err" >&2; exit 1; }
load_mid=$(load)
/usr/bin/time -f '%e %U %S %M' -o "$data/recipe.time" "$root/corral" recipe --config "$recipe" \
  --output "$data/out" --threads "$threads" --progress-seconds 0 > "$data/recipe.log" 2> "$data/recipe.err" \
  || { tail -20 "$data/recipe.err" >&2; exit 1; }
load_after=$(load)

echo "recipe-plan.sh $scale (min $min_mb MB a source, --sample-mb $sample_mb, budget $budget tokens, --threads $threads); git" \
  "$(git -C "$root" rev-parse --short HEAD); $(nproc) CPUs; load (1, 5, 15 min) before the plan $load_before," \
  "before the run $load_mid, after $load_after"
$py - "$data/plan.json" "$data/out" "$data/plan.time" "$data/recipe.time" <<'PY'
import json, os, sys
plan = json.load(open(sys.argv[1]))
out = sys.argv[2]
actual = json.load(open(os.path.join(out, "_corral", "recipe.json")))
manifest = json.load(open(os.path.join(out, "mixture", "manifest.json")))


def folder_bytes(path):  # every file of the step's output, as PlanTest measures it
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def pct(p, a):
    return "" if not a else f" ({100 * (p - a) / a:+.0f}%)"


print("\n| source | input MB | input files | sampled MB | scale |\n| --- | ---: | ---: | ---: | ---: |")
for name, s in plan["sources"].items():
    print(f"| {name} | {s['input_bytes'] / 1e6:.1f} | {s['input_files']} | {s['sampled_bytes'] / 1e6:.2f} | {s['scale']:.1f}x |")
total_in = sum(s["input_bytes"] for s in plan["sources"].values())
print(f"| total | {total_in / 1e6:.1f} | | | |")

planned = {s["step"]: s for s in plan["steps"]}
print("\n| step | wall s, planned / actual | rows, planned / actual | disk MB, planned / actual |")
print("| --- | ---: | ---: | ---: |")
pw = aw = pd = ad = 0.0
for step in actual["steps"]:
    sid = step["step"]
    p = planned.get(sid)
    if p is None:
        print(f"| {sid} | not in the plan | | |")
        continue
    wall = step.get("wall_seconds") or 0
    rows = sum(s["documents"] for s in manifest["sources"]) if sid == "mixture" else step.get("rows_written") or 0
    disk = folder_bytes(step["output"]) if step.get("output") and os.path.exists(step["output"]) else 0
    pw += p["wall_seconds"]; aw += wall; pd += p["disk_bytes"]; ad += disk
    print(f"| {sid} | {p['wall_seconds']:.1f} / {wall:.1f}{pct(p['wall_seconds'], wall)} | "
          f"{p['rows']:,} / {rows:,}{pct(p['rows'], rows)} | "
          f"{p['disk_bytes'] / 1e6:.2f} / {disk / 1e6:.2f}{pct(p['disk_bytes'], disk)} |")
print(f"| total (steps) | {pw:.1f} / {aw:.1f}{pct(pw, aw)} | | {pd / 1e6:.1f} / {ad / 1e6:.1f}{pct(pd, ad)} |")
once = plan.get('outside_steps_seconds', 0)
within = sum(1 for s in actual["steps"] if s["step"] in planned and s.get("wall_seconds")
             and abs(planned[s["step"]]["wall_seconds"] / s["wall_seconds"] - 1) <= 0.35)
print(f"\nsteps within 35% of their wall time: {within} of {len(actual['steps'])}")
print(f"the plan's total: {plan['totals']['wall_seconds']:.1f} s wall on {plan['cores']} cores "
      f"({plan['totals'].get('first_use_seconds', 0):.1f} s of it first use), plus {once:.1f} s once outside "
      f"the steps (JVM, Spark, data card): {plan['totals']['wall_seconds'] + once:.1f} s for the whole process")
for name, f in (("corral plan", sys.argv[3]), ("corral recipe", sys.argv[4])):
    e, u, s, m = open(f).read().split()[-4:]
    print(f"{name}: {float(e):.1f} s wall, {float(u) + float(s):.1f} s CPU (user + sys), peak RSS {int(m) // 1024} MiB")
PY
