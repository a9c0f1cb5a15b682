#!/usr/bin/env bash
# CCNet's perplexity scoring alone (normalize, SentencePiece, KenLM binary) on one thread, two ways: the pieces
# joined by spaces and split again, against piece by piece (dev.corral.bench.CcnetScoring); it fails unless every
# document gets the same score both ways. Documents: 2 to 6 of LANG's UDHR paragraphs, about 5 MB in all.
# Models: CCNet's layout as `CCNET_LAYOUT=1 KENLM_BIN=... bench/ccnet.sh` writes it ($CCNET_BENCH_DIR/lm-ccnet).
# Usage: bench/ccnet-scoring.sh [runs] [lang]      e.g. bench/ccnet-scoring.sh 7 fr
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-7}
lang=${2:-fr}
data=${CCNET_BENCH_DIR:-/tmp/corral-ccnet-bench}
[[ -f $data/lm-ccnet/$lang.sp.model ]] || { echo "no $data/lm-ccnet/$lang.sp.model: run CCNET_LAYOUT=1 bench/ccnet.sh first" >&2; exit 2; }
"$root/mvnw" -q -B -Pbench -DskipTests -pl jobs,bench -am package >&2
docs=$data/scoring-$lang.txt
python3 - "$shared/data/udhr-dev.tsv" "$lang" "$docs" <<'PY'
import random, sys
paragraphs = [l.rstrip("\n").split("\t", 2)[2] for l in open(sys.argv[1], encoding="utf-8") if l.split("\t")[1] == sys.argv[2]]
random.seed(1)
out, size = [], 0
while size < 5_000_000:
    d = "\\n".join(random.choice(paragraphs) for _ in range(random.randint(2, 6)))
    out.append(d)
    size += len(d.encode())
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
cp=$root/bench/target/classes:$root/jobs/target/corral.jar:$(cat "$root/jobs/target/spark-classpath.txt")
for mode in document lines; do
  java -XX:ActiveProcessorCount=1 -cp "$cp" dev.corral.bench.CcnetScoring "$data/lm-ccnet" "$lang" "$docs" "$runs" "$mode"
done
echo "(load $(cut -d' ' -f1 /proc/loadavg))"
