#!/usr/bin/env bash
# The mixture through the recipe at >= 10M tokens: the demo's recipe (LLaMA's steps on the bundled sample of
# the seven sources), then the same recipe with a larger budget, which reruns only the mixture step (every
# source step is unchanged, so skipped); target vs achieved token share per source, from manifest.json.
# Usage: bench/recipe-mixture.sh [budget_tokens]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
budget=${1:-10000000}
out=$work/recipe-bench
"$root/corral" demo --output "$out" > /dev/null
sed -e "s#@SAMPLE@#$out/sample#g" -e "s#budget_tokens: 100000#budget_tokens: $budget#" \
  "$root/jobs/src/main/resources/dev/corral/jobs/demo/recipe.yaml" > "$work/recipe-$budget.yaml"
/usr/bin/time -f "%e s wall, %U s user" "$root/corral" recipe --config "$work/recipe-$budget.yaml" \
  --output "$out" --progress-seconds 0
python3 - "$out/mixture/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("| source | target share | achieved share | gap |\n| --- | ---: | ---: | ---: |")
gaps = []
for s in m["sources"]:
    gap = abs(s["achieved_proportion"] - s["target_proportion"]) * 100
    gaps.append(gap)
    print(f"| {s['name']} | {100 * s['target_proportion']:.4f}% | {100 * s['achieved_proportion']:.4f}% | {gap:.4f} pp |")
print(f"largest gap {max(gaps):.4f} pp; {m['total_tokens']:,} tokens")
PY
