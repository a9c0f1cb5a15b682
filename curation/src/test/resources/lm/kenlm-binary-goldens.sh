#!/usr/bin/env bash
# Remakes the KenLM binary goldens beside this script (see README.md, "KenLM binary files").
# Needs a KenLM build: KENLM_BIN names the folder holding its lmplz, build_binary and query.
# This script never builds KenLM; build it outside the repository from kpu/kenlm.
set -euo pipefail
: "${KENLM_BIN:?set KENLM_BIN to the folder holding the lmplz, build_binary and query of KenLM}"
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Source ARPA files: order 3 on the first 100 training lines, order 5 on the first 60 (so few
# lines need --discount_fallback for the 5-gram discounts).
gzip -dc train.txt.gz | awk "NR <= 100" > "$tmp/train100.txt"
gzip -dc train.txt.gz | awk "NR <= 60" > "$tmp/train60.txt"
"$KENLM_BIN/lmplz" -o 3 -S 1G -T "$tmp" < "$tmp/train100.txt" > "$tmp/kenlm.o3.arpa" 2> /dev/null
"$KENLM_BIN/lmplz" -o 5 -S 1G -T "$tmp" --discount_fallback < "$tmp/train60.txt" \
  > "$tmp/kenlm.o5.arpa" 2> /dev/null

# Sentences: the held-out lines, then every sixth of the first 60 training lines (long matches).
{ cat heldout.txt; awk 'NR % 6 == 1' "$tmp/train60.txt"; } > kenlm.sentences.txt

for order in 3 5; do
  arpa="$tmp/kenlm.o$order.arpa"
  gzip -9 -n -c "$arpa" > "kenlm.o$order.arpa.gz"
  "$KENLM_BIN/build_binary" probing "$arpa" "$tmp/probing.bin" > /dev/null 2>&1
  gzip -9 -n -c "$tmp/probing.bin" > "kenlm.o$order.probing.bin.gz"
  "$KENLM_BIN/query" "$tmp/probing.bin" < kenlm.sentences.txt 2> /dev/null \
    | grep 'Total: ' | gzip -9 -n > "query.kenlm.o$order.probing.txt.gz"
done

# A trie binary, which Corral refuses with a hint.
"$KENLM_BIN/build_binary" trie "$tmp/kenlm.o3.arpa" "$tmp/trie.bin" > /dev/null 2>&1
gzip -9 -n -c "$tmp/trie.bin" > kenlm.o3.trie.bin.gz

# A pruned ARPA whose trigram "a b a" has no bigram "b a": build_binary adds that suffix as a
# blank carrying its backed-off probability (-p 3: room in the tiny tables for the blank).
"$KENLM_BIN/build_binary" -p 3 probing pruned.arpa pruned.probing.bin > /dev/null 2>&1
"$KENLM_BIN/query" pruned.probing.bin < pruned.sentences.txt 2> /dev/null | grep 'Total: ' \
  > query.pruned.probing.txt
