#!/usr/bin/env bash
# Makes the SentencePiece test models and their goldens with Debian's sentencepiece 0.1.97
# (apt-get install sentencepiece): spm_train on the shared UDHR text (266 languages), then spm_encode of every
# UDHR paragraph and of hard-cases.txt, as pieces and as ids. Deletes and rewrites only the files it makes.
# Usage: make-golden.sh [--keep-models] [udhr-dev.tsv]   (--keep-models: encode with the committed models, no training)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
retrain=yes
if [[ ${1:-} == --keep-models ]]; then retrain=no; shift; fi
tsv=${1:-$here/../../../../../../../../../shared/data/udhr-dev.tsv}
command -v spm_train > /dev/null || { echo "needs Debian's sentencepiece: apt-get install sentencepiece" >&2; exit 1; }
[[ $(dpkg-query -W -f '${Version}' sentencepiece) == 0.1.97* ]] || echo "warning: goldens were made with 0.1.97" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cut -f3 "$tsv" > "$tmp/udhr.txt"

# The hard cases, one per line (bytes, so malformed UTF-8 too): NFKC-changed and full-width characters, control
# characters, emoji, empty and blank lines, spaces everywhere, symbols, very long lines.
rm -f "$here/hard-cases.txt"
python3 - "$here/hard-cases.txt" "$tmp/udhr.txt" <<'PY'
import sys
out, udhr = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().splitlines()
lines = [
    "", " ", "   ", "\t", "\u3000", "\u00a0", "\u2581", "\u2581\u2581 \u2581", "a", " a ", "  leading and trailing  ",
    "many     spaces\tand\ttabs  inside", "\ufb01nance \ufb02ow \u2460 \u2461 \u2168 \u33a1 \u3300 \u00bd \u2153 x\u00b2",
    "\uff28\uff45\uff4c\uff4c\uff4f\u3000\uff37\uff4f\uff52\uff4c\uff44\uff01 \uff11\uff12\uff13",
    "\uff76\uff80\uff76\uff85 \uff8a\uff9f\uff9d \ud55c\uad6d\uc5b4 \u1112\u1161\u11ab", "e\u0301 \u00e9 A\u030a \u212b \u2126 \u212a",
    "\u0001\u0002\u0003 ctrl \u007f del \u0080\u009f c1 \u200b zero\u200dwidth \u200e\u200f \ufeff bom \u00ad soft",
    "emoji \U0001F44D\U0001F3FD \U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EB\U0001F1F7 \u2764\ufe0f \U0001F600\U0001F600\U0001F600",
    "<s> </s> <unk> <pad> <sep> <cls> <mask> <0x41> UDHR Article 1 UDHRArticle",
    "digits 0123456789 \u0660\u0661\u0662 \u0967\u0968 \uff10\uff19 3.14159 1,000,000",
    "\u4e16\u754c\u4eba\u6743\u5ba3\u8a00 \u4eba\u4eba\u751f\u800c\u81ea\u7531 \u3072\u3089\u304c\u306a \u30ab\u30bf\u30ab\u30ca",
    "\u0627\u0644\u0625\u0639\u0644\u0627\u0646 \u05e9\u05dc\u05d5\u05dd \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u1780\u17d2\u1798\u17c2\u179a",
    "\U00010348 \U0001D400\U0001D401 \U0002070E \U000E0041 \U0010FFFD \ue000 private",
    "\ufffd replacement \ufffd\ufffd", "ALL CAPS Mixed Case \u0130stanbul \u00df STRASSE \u1e9e \u03a3\u03c3\u03c2",
    "trailing cr\r", "\r", "x" * 3000, "\u00e9" * 2000, " ".join(udhr[:40]), "".join(udhr[100:130]).replace(" ", ""),
    (udhr[5] + " ") * 400, udhr[7].replace(" ", "") * 300,
]
with open(out, "wb") as f:
    for line in lines:
        f.write(line.encode("utf-8") + b"\n")
    # Malformed UTF-8: a lone continuation byte, a truncated sequence, overlong forms, an encoded surrogate,
    # bytes that never occur, a code point above U+10FFFF, and a truncated sequence at the end of the line.
    for raw in [b"lone \x80 byte", b"cut \xe2\x96 short", b"overlong \xc0\xaf \xe0\x80\xaf", b"surrogate \xed\xa0\x80 x",
                b"\xff\xfe never", b"big \xf4\x90\x80\x80 cp", b"end \xf0\x9f\x98", b"\xc3"]:
        f.write(raw + b"\n")
PY

# name and spm_train flags: both model types, several vocabulary sizes and every normalizer/encoder option.
models=(
  "unigram-1k --model_type=unigram --vocab_size=1000 --character_coverage=0.98"
  "unigram-8k --model_type=unigram --vocab_size=8000 --user_defined_symbols=<sep>,UDHR,Article --control_symbols=<cls>,<mask>"
  "unigram-cf-bytes --model_type=unigram --vocab_size=4000 --byte_fallback --normalization_rule_name=nmt_nfkc_cf --split_digits"
  "unigram-identity --model_type=unigram --vocab_size=2000 --normalization_rule_name=identity --remove_extra_whitespaces=false --add_dummy_prefix=false --character_coverage=0.99"
  "bpe-2k-bytes --model_type=bpe --vocab_size=2000 --byte_fallback --character_coverage=0.98"
  "bpe-8k --model_type=bpe --vocab_size=8000 --user_defined_symbols=<sep>,UDHR,Article"
  "bpe-identity --model_type=bpe --vocab_size=2000 --normalization_rule_name=identity --treat_whitespace_as_suffix --character_coverage=0.99"
)
for spec in "${models[@]}"; do
  read -r name flags <<< "$spec"
  rm -f "$here/$name-udhr.sha" "$here/$name-hard.pieces.gz" "$here/$name-hard.ids.gz"
  if [[ $retrain == yes || ! -f $here/$name.model ]]; then
    rm -f "$here/$name.model"
    # shellcheck disable=SC2086
    spm_train --input="$tmp/udhr.txt" --model_prefix="$tmp/$name" --num_threads=2 --seed_sentencepiece_size=200000 \
      --minloglevel=2 $flags > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log" >&2; exit 1; }
    cp "$tmp/$name.model" "$here/$name.model"
  fi
  for format in piece id; do
    spm_encode --model="$here/$name.model" --output_format=$format < "$tmp/udhr.txt" > "$tmp/$name-udhr.$format"
    spm_encode --model="$here/$name.model" --output_format=$format < "$here/hard-cases.txt" | gzip -9n > "$here/$name-hard.${format}s.gz"
  done
  # Every UDHR paragraph's pieces and ids, as the first 8 bytes of SHA-256("pieces\nids") per line: the full
  # output would be ~1.6 MB per model even compressed.
  python3 - "$tmp/$name-udhr.piece" "$tmp/$name-udhr.id" "$here/$name-udhr.sha" <<'PY'
import hashlib, sys
pieces, ids = (open(p, "rb").read().split(b"\n")[:-1] for p in sys.argv[1:3])
assert len(pieces) == len(ids)
with open(sys.argv[3], "wb") as f:
    for p, i in zip(pieces, ids):
        f.write(hashlib.sha256(p + b"\n" + i).digest()[:8])
PY
done
ls -l "$here"
