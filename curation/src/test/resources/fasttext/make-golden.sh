#!/usr/bin/env bash
# Regenerates every golden file in this folder (inputs/, models/, expected/) from the UDHR TSV
# and the native `fasttext` CLI (Debian package fasttext 0.9.2+ds-1+b1). Deterministic:
# single-threaded training with fixed seeds, deterministic split, gzip -n.
#   usage: bash make-golden.sh            (env overrides: TSV, LID, FASTTEXT)
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
TSV=${TSV:-/work/shared/data/udhr-dev.tsv}
LID=${LID:-/work/shared/assets/lid.176.ftz}
FT=${FASTTEXT:-fasttext}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

command -v "$FT" >/dev/null || { echo "fasttext CLI not found" >&2; exit 1; }
if command -v dpkg >/dev/null; then
  echo "fasttext package: $(dpkg -s fasttext 2>/dev/null | sed -n 's/^Version: //p')"
fi

# Deletes only what it makes: the Corral-trained models and their outputs (corral-*) and
# minstd-rand.txt have their own makers (README.md), so they stay.
mkdir -p inputs models expected
find inputs models expected -maxdepth 1 -type f ! -name 'corral-*' ! -name 'minstd-rand.txt' -delete

gz() { gzip -n -9 -c "$1" > "$2"; }   # deterministic gzip (no name/timestamp)

# ---------------------------------------------------------------- inputs
# The TSV has no header line: every line is "code<TAB>html-lang<TAB>text".
cut -f3 "$TSV" > "$TMP/udhr.txt"
# Train = lines whose 1-based number is not a multiple of 5, test = every 5th line.
# The TSV is grouped by language, and fastText's single-threaded SGD reads the file in order,
# so the training lines are shuffled deterministically (sorted by SHA-1 of their line index).
awk -F'\t' 'NR % 5 != 0 { print "__label__" $1 " " $3 }' "$TSV" > "$TMP/udhr-train-ordered.txt"
python3 - "$TMP/udhr-train-ordered.txt" "$TMP/udhr-train.txt" <<'PY'
import hashlib, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
order = sorted(range(len(lines)), key=lambda i: hashlib.sha1(str(i).encode()).digest())
open(sys.argv[2], "wb").write(b"".join(lines[i] + b"\n" for i in order))
PY
awk -F'\t' 'NR % 5 == 0 { print "__label__" $1 " " $3 }' "$TSV" > "$TMP/udhr-test.txt"
sed 's/^__label__[^ ]* //' "$TMP/udhr-train.txt" > "$TMP/udhr-train-plain.txt"
gz "$TMP/udhr.txt" inputs/udhr.txt.gz
gz "$TMP/udhr-train.txt" inputs/udhr-train.txt.gz
gz "$TMP/udhr-test.txt" inputs/udhr-test.txt.gz

# hard.txt: hand-made edge cases, one per line, written as raw bytes.
python3 - inputs/hard.txt <<'PY'
import sys
U = lambda s: s.encode("utf-8")
cases = [
    (b"", b"\n"),                                   # empty line
    (b"", b"\n"),                                   # second consecutive empty line
    (b"   ", b"\n"),                                # spaces only
    (b"\t", b"\n"),                                 # tab only
    (b" \t \t  ", b"\n"),                           # mixed blanks
    (b"", b"\r\n"),                                 # empty line with CRLF ending
    (b"\r", b"\n"),                                 # lone CR + CRLF
    (b"Hello world, this line ends with CRLF", b"\r\n"),
    (U("Toutes les personnes naissent libres et \u00e9gales en dignit\u00e9 et en droits"), b"\r\n"),
    (b"carriage\rreturn inside a line", b"\n"),
    (b"vertical\vtab and form\ffeed inside", b"\n"),
    (b"\v\f", b"\n"),                               # only \v and \f
    (b"Guten\x00Tag\x00Welt mit NUL", b"\n"),       # NUL bytes inside a line
    (b"\x00", b"\n"),                               # only a NUL byte
    (U("I love pizza \U0001F355\U0001F600\U0001F44D\U0001F3FD"), b"\n"),        # emoji + skin tone
    (U("family \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 rainbow \U0001F3F3\ufe0f\u200d\U0001F308"), b"\n"),  # ZWJ sequences
    (U("\U0001F1EB\U0001F1F7 \U0001F1E9\U0001F1EA \U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8"), b"\n"),  # flags
    (U("\U0001F600\U0001F600\U0001F600"), b"\n"),   # emoji only
    (U("Hello \u041f\u0440\u0438\u0432\u0435\u0442 \u3053\u3093\u306b\u3061\u306f \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd \u0928\u092e\u0938\u094d\u0924\u0947"), b"\n"),  # mixed scripts
    (U("mixedWordLatin\u041a\u0438\u0440\u0438\u043b\u043b\u0438\u0446\u0430\u6f22\u5b57"), b"\n"),  # mixed scripts in one token
    (U("Cafe\u0301 de\u0301ja\u0300 vu, man\u0303ana, u\u0308ber, \u0391\u0301\u03b8\u03b7\u03bd\u03b1"), b"\n"),  # decomposed (NFD) accents
    (U("Caf\u00e9 d\u00e9j\u00e0 vu, ma\u00f1ana, \u00fcber, \u0386\u03b8\u03b7\u03bd\u03b1"), b"\n"),             # same text precomposed (NFC)
    (U("\u0938\u092d\u0940 \u092e\u0928\u0941\u0937\u094d\u092f\u094b\u0902 \u0915\u094b \u0917\u094c\u0930\u0935 \u0914\u0930 \u0905\u0927\u093f\u0915\u093e\u0930\u094b\u0902 \u0915\u0947 \u092e\u093e\u092e\u0932\u0947 \u092e\u0947\u0902 \u091c\u0928\u094d\u092e\u091c\u093e\u0924 \u0938\u094d\u0935\u0924\u0928\u094d\u0924\u094d\u0930\u0924\u093e \u092a\u094d\u0930\u093e\u092a\u094d\u0924 \u0939\u0948"), b"\n"),  # Devanagari
    (U("\u0e21\u0e19\u0e38\u0e29\u0e22\u0e4c\u0e17\u0e31\u0e49\u0e07\u0e2b\u0e25\u0e32\u0e22\u0e40\u0e01\u0e34\u0e14\u0e21\u0e32\u0e21\u0e35\u0e2d\u0e34\u0e2a\u0e23\u0e30\u0e41\u0e25\u0e30\u0e40\u0e2a\u0e21\u0e2d\u0e20\u0e32\u0e04\u0e01\u0e31\u0e19"), b"\n"),  # Thai, no spaces
    (U("\u0301\u0302\u0303 \u0e31\u0e49"), b"\n"),  # combining marks with no base
    (b"1234567890", b"\n"),
    (b"3.14159 2.71828 -42 +7 1e10 0x1F 1,000,000", b"\n"),
    (b"https://www.example.com/path/to/page?query=1&x=y#frag http://localhost:8080/ ftp://ftp.example.org", b"\n"),
    (b"john.doe@example.org, <admin@test.co.uk> mailto:info@example.com", b"\n"),
    (b'public static void main(String[] args) { System.out.println("Hello, world!"); }', b"\n"),
    (b"def f(x):\treturn [i ** 2 for i in range(x) if i % 2 == 0]  # comment", b"\n"),
    (b'{"name": "Corral", "version": 1, "tags": ["a", "b"], "nested": {"k": null, "v": [1.5, -2]}}', b"\n"),
    (b"{}[]()<>", b"\n"),
    (b"This is __label__en text with __label__en tokens and __label__afr mixed in", b"\n"),
    (b"__label__xx __label__yy __label__en", b"\n"),                # only (unknown) label tokens
    (b"__label__afr", b"\n"),                                        # only a label known to the sup-* models
    (b"__label__", b"\n"),                                           # bare label prefix
    (b"a" * 5000, b"\n"),                                            # 5000-char word
    (b"abcdefghij" * 500, b"\n"),                                    # 5000-char word
    (U("\u044f" * 5000), b"\n"),                                     # 5000 chars, 10000 bytes
    (U("\U0001F600" * 5000), b"\n"),                                 # 5000 4-byte chars
    (b"abc \x80\x81\xfe\xff def", b"\n"),                            # lone continuation / invalid bytes
    (b"trunc \xe2\x82 x \xf0\x9f\x98 y \xc3", b"\n"),                # truncated multibyte sequences
    (b"\xc0\xaf overlong \xed\xa0\x80 surrogate \xf4\x90\x80\x80 too-big", b"\n"),
    (b"\xff", b"\n"),
    (b"\xe2\x82", b"\n"),                                            # truncated sequence alone
    (b"caf\xe9 na\xefve", b"\n"),                                    # Latin-1 encoded text
    (U("\u064a\u0648\u0644\u062f \u062c\u0645\u064a\u0639 \u0627\u0644\u0646\u0627\u0633 \u0623\u062d\u0631\u0627\u0631\u064b\u0627 \u0645\u062a\u0633\u0627\u0648\u064a\u0646 \u0641\u064a \u0627\u0644\u0643\u0631\u0627\u0645\u0629 \u0648\u0627\u0644\u062d\u0642\u0648\u0642"), b"\n"),  # Arabic
    (U("\u05db\u05dc \u05d1\u05e0\u05d9 \u05d4\u05d0\u05d3\u05dd \u05e0\u05d5\u05dc\u05d3\u05d5 \u05d1\u05e0\u05d9 \u05d7\u05d5\u05e8\u05d9\u05df \u05d5\u05e9\u05d5\u05d5\u05d9\u05dd \u05d1\u05e2\u05e8\u05db\u05dd \u05d5\u05d1\u05d6\u05db\u05d5\u05d9\u05d5\u05ea\u05d9\u05d4\u05dd"), b"\n"),  # Hebrew
    (U("\u200fRTL mark \u200e LTR mark \u202eoverride\u202c"), b"\n"),  # bidi controls
    (U("\u4eba\u4eba\u751f\u800c\u81ea\u7531\uff0c\u5728\u5c0a\u4e25\u548c\u6743\u5229\u4e0a\u4e00\u5f8b\u5e73\u7b49\u3002"), b"\n"),  # Chinese, no spaces
    (U("\u3059\u3079\u3066\u306e\u4eba\u9593\u306f\u3001\u751f\u307e\u308c\u306a\u304c\u3089\u306b\u3057\u3066\u81ea\u7531\u3067\u3042\u308a"), b"\n"),  # Japanese
    (U("\ubaa8\ub4e0 \uc778\uac04\uc740 \ud0dc\uc5b4\ub0a0 \ub54c\ubd80\ud130 \uc790\uc720\ub85c\uc6b0\uba70"), b"\n"),  # Korean
    (b"word" + b" " * 200 + b"word" + b" " * 50, b"\n"),             # many consecutive spaces
    (b"   leading and trailing blanks   \t", b"\n"),
    (U("zero\u200bwidth\u200cnon\u200djoiner, BOM\ufeffinside, non\u00a0breaking\u00a0space, ideographic\u3000space"), b"\n"),
    (U("\ufeffline starting with a BOM"), b"\n"),
    (b"THE UNIVERSAL DECLARATION OF HUMAN RIGHTS", b"\n"),
    (b"a", b"\n"),
    (b".", b"\n"),
    # A literal "</s>" token ends the line for fastText (getLine stops at the EOS word), so each of
    # the next two input lines yields TWO output lines. Kept at the end so earlier lines align 1:1.
    (b"</s>", b"\n"),                                                # literal EOS token
    (b"hello </s> world", b"\n"),
    (b"Final line without a trailing newline", b""),               # LAST line: no newline
]
data = b"".join(text + end for text, end in cases)
for text, _ in cases:
    assert b"\n" not in text
with open(sys.argv[1], "wb") as f:
    f.write(data)
PY

# long-line.txt.gz: ~1 MB line of real mixed-language text, ~1 MB line with no whitespace, short line.
python3 - "$TSV" "$TMP/long-line.txt" <<'PY'
import sys
paras = [l.rstrip("\n").split("\t")[2] for l in open(sys.argv[1], encoding="utf-8")]
N, LIMIT = len(paras), 1_000_000
def take(start, stride):
    out, size, i = [], 0, 0
    while size < LIMIT:
        p = paras[(start + i * stride) % N]; i += 1
        out.append(p); size += len(p.encode("utf-8")) + 1
    return out
def cut(s):  # cut to <= LIMIT bytes at a character boundary
    return s.encode("utf-8")[:LIMIT].decode("utf-8", "ignore")
line1 = cut(" ".join(take(0, 37)))
line2 = cut("".join("".join(p.split()) for p in take(5, 41)))   # all Unicode whitespace removed
assert not any(c.isspace() for c in line2) and "\0" not in line2
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    f.write(line1 + "\n" + line2 + "\n" + "A short third line.\n")
PY
gz "$TMP/long-line.txt" inputs/long-line.txt.gz

# ---------------------------------------------------------------- models
# Kept small: dim <= 16, bucket 2000, minCount 10 (minCount 1 would give an 86k-word
# dictionary, i.e. > 5 MB per model). -epoch 25 -lr 1.0: with -epoch 5 the models stay
# near-uniform (P@1 < 0.1, all probabilities ~1/266), which makes useless golden files.
COMMON=(-input "$TMP/udhr-train.txt" -epoch 25 -lr 1.0 -minCount 10 -bucket 2000 -thread 1 -seed 1 -verbose 0)
train() { local name=$1; shift; "$FT" supervised "${COMMON[@]}" "$@" -output "$TMP/$name"; cp "$TMP/$name.bin" "models/$name.bin"; }
train sup-softmax -dim 16 -loss softmax -wordNgrams 2 -minn 2 -maxn 4
train sup-hs      -dim 16 -loss hs      -wordNgrams 2 -minn 2 -maxn 4
train sup-ova     -dim 16 -loss ova     -wordNgrams 2 -minn 2 -maxn 4
train sup-ns      -dim 16 -loss ns -neg 5 -wordNgrams 2 -minn 2 -maxn 4
train sup-nosub   -dim 16 -loss softmax -wordNgrams 1 -minn 0 -maxn 0
train sup-dim15   -dim 15 -loss softmax -wordNgrams 2 -minn 2 -maxn 4

# -input is mandatory for every `fasttext quantize` call (arg parser), but only read with -retrain.
quant() {  # quant SRC DEST [flags...]: fasttext quantize reads PREFIX.bin and writes PREFIX.ftz
  local src=$1 dst=$2; shift 2
  cp "models/$src.bin" "$TMP/$dst.bin"
  "$FT" quantize -input "$TMP/udhr-train.txt" -output "$TMP/$dst" "$@"
  cp "$TMP/$dst.ftz" "models/$dst.ftz"
}
quant sup-softmax sup-softmax-q
quant sup-softmax sup-softmax-qnorm-qout -qnorm -qout
quant sup-hs      sup-hs-cutoff -qnorm -cutoff 2000 -retrain -epoch 1 -thread 1 -seed 1 -verbose 0
quant sup-dim15   sup-dim15-q
quant sup-ova     sup-ova-qout -qout

"$FT" skipgram -input "$TMP/udhr-train-plain.txt" -output "$TMP/skipgram" -dim 8 -bucket 5000 \
  -minCount 10 -epoch 1 -thread 1 -seed 1 -verbose 0
cp "$TMP/skipgram.bin" models/skipgram.bin

# ---------------------------------------------------------------- expected outputs
# run NAME CMD...: stdout -> expected/NAME.txt (gzipped if > 500 KB); on non-zero exit or
# non-empty stderr also expected/NAME.stderr.txt (stderr + "exit code: N").
run() {
  local name=$1; shift
  local rc=0
  "$@" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
  if [ "$(stat -c %s "$TMP/stdout")" -gt 512000 ]; then gz "$TMP/stdout" "expected/$name.txt.gz"
  else cp "$TMP/stdout" "expected/$name.txt"; fi
  if [ "$rc" -ne 0 ] || [ -s "$TMP/stderr" ]; then
    { cat "$TMP/stderr"; echo "exit code: $rc"; } > "expected/$name.stderr.txt"
  fi
}

cp inputs/hard.txt "$TMP/hard.txt"
gzip -dc inputs/long-line.txt.gz > "$TMP/long-line.txt"
cp "$LID" "$TMP/lid.176.ftz"   # temporary copy only (deleted on exit)

SUP=(sup-softmax.bin sup-hs.bin sup-ova.bin sup-ns.bin sup-nosub.bin sup-dim15.bin
     sup-softmax-q.ftz sup-softmax-qnorm-qout.ftz sup-hs-cutoff.ftz sup-dim15-q.ftz sup-ova-qout.ftz
     lid.176.ftz)
modelpath() { if [ "$1" = lid.176.ftz ]; then echo "$TMP/lid.176.ftz"; else echo "models/$1"; fi; }

for m in "${SUP[@]}" skipgram.bin; do
  run "$m.args" "$FT" dump "$(modelpath "$m")" args
  "$FT" dump "$(modelpath "$m")" dict > "$TMP/dict" 2>/dev/null || true
  head -n 50 "$TMP/dict" > "expected/$m.dict-head50.txt"
done

for m in "${SUP[@]}"; do
  mp=$(modelpath "$m")
  if [ "$m" != lid.176.ftz ]; then   # precision/recall on the held-out split (documentation only)
    run "$m.udhr-test.test" "$FT" test "$mp" "$TMP/udhr-test.txt" 1
  fi
  for in in udhr hard long-line; do
    run "$m.$in.k3" "$FT" predict-prob "$mp" "$TMP/$in.txt" 3
  done
done
for m in lid.176.ftz sup-softmax.bin sup-hs.bin; do
  mp=$(modelpath "$m")
  for in in udhr hard long-line; do
    run "$m.$in.predict-k1" "$FT" predict "$mp" "$TMP/$in.txt" 1
    run "$m.$in.k5-t0.1"    "$FT" predict-prob "$mp" "$TMP/$in.txt" 5 0.1
  done
  run "$m.hard.kall" "$FT" predict-prob "$mp" "$TMP/hard.txt" -1
done

# stdin ("-" as INPUT) must give the same bytes as the file version (lid.176.ftz, hard.txt).
{
  for v in "k3|predict-prob|3" "predict-k1|predict|1" "k5-t0.1|predict-prob|5 0.1" "kall|predict-prob|-1"; do
    IFS='|' read -r variant cmd args <<< "$v"
    # shellcheck disable=SC2086
    "$FT" "$cmd" "$TMP/lid.176.ftz" - $args < "$TMP/hard.txt" > "$TMP/stdin.out" 2>&1 || true
    if cmp -s "$TMP/stdin.out" "expected/lid.176.ftz.hard.$variant.txt"; then
      echo "lid.176.ftz.hard.$variant: stdin output identical to file output"
    else
      echo "lid.176.ftz.hard.$variant: stdin output DIFFERS from file output"
      cp "$TMP/stdin.out" "expected/lid.176.ftz.hard-stdin.$variant.txt"
    fi
  done
} > expected/stdin-vs-file.txt

# unsupervised model: word vectors (in-vocabulary and OOV words), and the failing predict.
printf '%s\n' the de la and of to in et die der und los las el que des is be human rights \
  Article everyone Everyone freedom liberté derechos Menschenrechte nations , . a \
  xyzzyplugh Corral qwertyuiopasdf WORDNOTINVOCAB 1234567890 é 日本語 人権 \
  привет мир مرحبا שלום नमस्ते 😀 👨‍👩‍👧 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa '</s>' > inputs/skipgram-words.txt
run skipgram.bin.skipgram-words.word-vectors sh -c '"$1" print-word-vectors "$2" < "$3"' _ "$FT" models/skipgram.bin inputs/skipgram-words.txt
run skipgram.bin.hard.k3 "$FT" predict-prob models/skipgram.bin "$TMP/hard.txt" 3

# binary header fields (independent parser, see header-summary.py)
hs_args=()
for m in "${SUP[@]}" skipgram.bin; do hs_args+=("$m=$(modelpath "$m")"); done
python3 "$HERE/header-summary.py" "${hs_args[@]}" > expected/model-headers.txt

echo "done: $(du -sh "$HERE" | cut -f1) in $HERE"
