#!/usr/bin/env bash
# Books: SimHash book dedup, Corral against RedPajama v1's data_prep/book/dedup.py (simhash 2.1.2) on the
# same books, and the cost of the containment dedup (the default).
#
# Usage: bench/books.sh simhash [BOOKS [CHARS [RUNS]]]      (defaults 60 books of 200,000 characters, 3 runs)
#        bench/books.sh containment [BOOKS [CHARS [RUNS]]]  (defaults 1000 books of 20,000 characters, 1 run)
# Books: UDHR paragraphs (266 languages) joined into books as RedPajama's PG-19 chunks, one in ten a respelled
# edition of an earlier one (bench/books/make_books.py); with BOOKS_TEXTS=gutenberg, the 15 real Gutenberg books
# of c-w/gutenberg's tests (GUTENBERG_MIRROR, a git directory) instead, whole when CHARS is 0 (BOOKS at most 16). The reference needs numpy (Debian's python3-numpy);
# RP_MIRROR and SIMHASH_MIRROR are git directories of togethercomputer/RedPajama-Data and 1e0ng/simhash.
#
# simhash: per run, alternating, (1) the fingerprint kernels alone, one thread, CPU seconds of the loop
# (bench/books/SimHashKernel.java, bench/books/simhash_kernel.py; both print the XOR of all fingerprints,
# which must agree); (2) whole processes, CPU seconds (user + sys, children included): `python3 dedup.py -n 1`
# and `corral source books --dedup simhash --compat redpajama --format json` (JVM and Spark start, read,
# dedup, write), and the books each keeps, which must be the same.
# BOOKS_KERNEL_ONLY=1 runs (1) alone.
# containment: `corral source books --format json` (containment dedup), wall and CPU seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mode=${1:?simhash or containment}
rp_mirror=${RP_MIRROR:-/work/.mirror/togethercomputer+RedPajama-Data/repo}
simhash_mirror=${SIMHASH_MIRROR:-/work/.mirror/1e0ng+simhash/repo}
gutenberg_mirror=${GUTENBERG_MIRROR:-/work/.mirror/c-w+gutenberg/repo}
python=${PYTHON:-/usr/bin/python3}
if [[ $mode == simhash ]]; then books=${2:-60} chars=${3:-200000} runs=${4:-3}; else books=${2:-1000} chars=${3:-20000} runs=${4:-1}; fi

[[ -f $root/jobs/target/corral.jar && -z ${BOOKS_BENCH_NO_BUILD:-} ]] \
  || (cd "$root" && ./mvnw -q -o -B -DskipTests -pl jobs -am package) >&2
opens=$(sed -n 's:.*<corral.jvm.opens>\(.*\)</corral.jvm.opens>.*:\1:p' "$root/pom.xml")
classpath="$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")"
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# shellcheck disable=SC2206
corral=(java $opens -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$classpath" dev.corral.jobs.Corral)

# The reference at the commits the golden set names (curation/src/test/resources/.../books/golden/README.md).
ref=$work/books-ref
if [[ ! -d $ref/simhash ]]; then
  rm -rf "$ref" && mkdir -p "$ref/rp" "$ref/simhash"
  git -C "$rp_mirror" archive 45b37c2a1d1e495b0f48549ef3ce03ff029f7881 data_prep/book | tar -x -C "$ref/rp"
  git -C "$simhash_mirror" archive 78f3b8d5b810d93443269b6e227cae7b95e67316 | tar -x -C "$ref/simhash"
fi
source=$shared/data/udhr-dev.tsv
if [[ ${BOOKS_TEXTS:-udhr} == gutenberg ]]; then
  source=$ref/gutenberg/tests/data/raw-texts
  if [[ ! -d $source ]]; then # file by file: the mirror lacks the blob of raw-texts/100
    mkdir -p "$source"
    for f in $(git -C "$gutenberg_mirror" ls-tree --name-only 123d13435b31a39f6fda3c4df2976a40f74633a1 \
      tests/data/raw-texts/); do
      git -C "$gutenberg_mirror" show "123d13435b31a39f6fda3c4df2976a40f74633a1:$f" > "$source/${f##*/}" 2> /dev/null \
        || rm "$source/${f##*/}"
    done
  fi
fi
data=$work/books-${BOOKS_TEXTS:-udhr}-$books-$chars
[[ -f $data/data/book/split/pg19_000 ]] \
  || "$python" "$root/bench/books/make_books.py" "$source" "$data/data/book" "$books" "$chars"
chunks=$(find "$data/data/book/split" -name 'pg19_*' -size +0 | sort | paste -sd,)
mb=$(cat "$data"/data/book/split/pg19_* | wc -c | awk '{printf "%.1f", $1 / 1e6}')
echo "books ${BOOKS_TEXTS:-udhr}: $books of $chars characters, $mb MB of JSON lines; git $(git -C "$root" rev-parse --short HEAD);" \
  "$(nproc) CPUs $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

cpu() { awk '{printf "%.2f", $1 + $2}' "$1"; }
load() { cut -d' ' -f1 /proc/loadavg; }

if [[ $mode == simhash ]]; then
  k_py=() k_java=() p_py=() p_java=() loads=()
  for ((i = 0; i < runs; i++)); do
    # Kernels: the Java one runs 2 timed passes after a warm-up; its median pass counts.
    line=$(cd "$ref" && PYTHONPATH=$ref/simhash "$python" "$root/bench/books/simhash_kernel.py" \
      "$ref/rp/data_prep/book" ${chunks//,/ })
    echo "  $line"; k_py+=("$(awk '{print $7}' <<< "$line")"); xor_py=$(awk '{print $NF}' <<< "$line")
    # shellcheck disable=SC2206
    lines=$(java -cp "$classpath" "$root/bench/books/SimHashKernel.java" 3 ${chunks//,/ })
    echo "$lines" | sed 's/^/  /'
    k_java+=("$(median $(awk '{print $7}' <<< "$lines"))"); xor_java=$(tail -1 <<< "$lines" | awk '{print $NF}')
    [[ $xor_py == "$xor_java" ]] || { echo "fingerprints differ: $xor_py $xor_java" >&2; exit 1; }
    # Whole processes (BOOKS_KERNEL_ONLY=1: the kernels alone).
    loads+=("$(load)")
    [[ -n ${BOOKS_KERNEL_ONLY:-} ]] && continue
    rm -f "$data/data/book/book.jsonl"
    (cd "$data" && PYTHONPATH=$ref/simhash /usr/bin/time -f '%U %S %e %M' -o "$work/books-py.time" \
      "$python" "$ref/rp/data_prep/book/dedup.py" -n 1 > /dev/null)
    p_py+=("$(cpu "$work/books-py.time")")
    rm -rf "$work/books-out"
    /usr/bin/time -f '%U %S %e %M' -o "$work/books-java.time" "${corral[@]}" source books --input "$chunks" \
      --output "$work/books-out" --format json --dedup simhash --compat redpajama > /dev/null 2>> "$work/books.err"
    p_java+=("$(cpu "$work/books-java.time")")
    echo "  dedup.py: $(cat "$work/books-py.time") | corral: $(cat "$work/books-java.time")  (user sys wall maxKB)"
    kept_py=$("$python" -c 'import json,sys; print(sorted(json.loads(l)["meta"]["short_book_title"] for l in open(sys.argv[1])))' \
      "$data/data/book/book.jsonl")
    kept_java=$(cat "$work"/books-out/part-* | "$python" -c 'import json,sys; print(sorted(r["title"] for r in map(json.loads, sys.stdin) if r.get("drop_reason") is None))')
    [[ $kept_py == "$kept_java" ]] || { echo "kept books differ" >&2; exit 1; }
  done
  if [[ -z ${BOOKS_KERNEL_ONLY:-} ]]; then
    kept=$("$python" -c 'import sys; print(len(eval(sys.argv[1])))' "$kept_py")
    echo "kept $kept of $books books on both sides; fingerprint XOR $xor_py on both sides"
  fi
  echo "| measure | RedPajama (CPU s) | Corral (CPU s) | reference median | Corral median | books per CPU-second, Corral / reference | load (1 min) |"
  echo "| --- | --- | --- | ---: | ---: | ---: | --- |"
  measures=(kernel process)
  [[ -n ${BOOKS_KERNEL_ONLY:-} ]] && measures=(kernel)
  for m in "${measures[@]}"; do
    if [[ $m == kernel ]]; then a=("${k_py[@]}") b=("${k_java[@]}"); else a=("${p_py[@]}") b=("${p_java[@]}"); fi
    ma=$(median "${a[@]}") mb=$(median "${b[@]}")
    echo "| $m | ${a[*]} | ${b[*]} | $ma | $mb | $("$python" -c "print('%.1f' % ($ma / $mb))") | ${loads[*]} |"
  done
else
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/books-out"
    /usr/bin/time -f '%U %S %e %M' -o "$work/books-java.time" "${corral[@]}" source books --input "$chunks" \
      --output "$work/books-out" --format json > /dev/null 2>> "$work/books.err"
    read -r u s e m < "$work/books-java.time"
    dropped=$(cat "$work"/books-out/part-* | grep -c '"drop_reason":"book_overlap"' || true)
    echo "| containment | $books | $mb | $e | $(cpu "$work/books-java.time") | $((m / 1024)) | $dropped | $(load) |"
  done
fi
