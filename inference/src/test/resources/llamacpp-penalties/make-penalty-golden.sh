#!/usr/bin/env bash
# Compiles penalty_golden.cpp against an already built llama.cpp and writes penalty-reference.json.
# Usage: LLAMA_CPP_DIR=/path/to/llama.cpp [BUILD_DIR=$LLAMA_CPP_DIR/build] [FIXTURES=.../llama-tiny] [OUT=penalty-reference.json] ./make-penalty-golden.sh
# Needs: g++, python3, and llama.cpp built with `cmake --build build --target llama` (shared or static).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
: "${LLAMA_CPP_DIR:?set LLAMA_CPP_DIR to a llama.cpp checkout that is already built}"
BUILD_DIR="${BUILD_DIR:-$LLAMA_CPP_DIR/build}"
FIXTURES="${FIXTURES:-$HERE/../../../../../../shared/fixtures/llama-tiny}"
OUT="${OUT:-$HERE/penalty-reference.json}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

COMMIT="$(git -C "$LLAMA_CPP_DIR" rev-parse HEAD 2>/dev/null || echo unknown)"

# Link against whatever the build produced: libllama.so (shared build) or the static archives.
LIBDIRS="$(find "$BUILD_DIR" \( -name 'libllama.so' -o -name 'libllama.a' -o -name 'libggml*.so' -o -name 'libggml*.a' \) -printf '%h\n' | sort -u)"
LDFLAGS=()
for d in $LIBDIRS; do LDFLAGS+=("-L$d" "-Wl,-rpath,$d"); done
g++ -std=c++17 -O2 "$HERE/penalty_golden.cpp" -o "$WORK/penalty_golden" \
    -I"$LLAMA_CPP_DIR/include" -I"$LLAMA_CPP_DIR/ggml/include" \
    "${LDFLAGS[@]}" -lllama -lggml -lggml-cpu -lggml-base -lpthread -fopenmp

# Turns reference.json plus a list of penalty settings into the program's line format.
make_cases() {
    python3 - "$FIXTURES/reference.json" "$@" <<'EOF'
import json, sys
ref = json.load(open(sys.argv[1]))
for setting in sys.argv[2:]:
    last_n, rep, freq, pres = setting.split(",")
    for r in ref:
        ids = r["prompt_ids"]
        print(last_n, rep, freq, pres, 16, len(ids), *ids)
EOF
}

# Sanity first: with neutral penalties the output must equal reference.json's greedy_continuation.
make_cases "64,1.0,0,0" > "$WORK/sanity.txt"
"$WORK/penalty_golden" "$FIXTURES/model.gguf" "$COMMIT" "llama-tiny/model.gguf" < "$WORK/sanity.txt" > "$WORK/sanity.json"
python3 - "$FIXTURES/reference.json" "$WORK/sanity.json" <<'EOF'
import json, sys
ref = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))["cases"]
bad = [i for i, (r, g) in enumerate(zip(ref, got)) if r["greedy_continuation"] != g["continuation"]]
if bad or len(got) != len(ref):
    sys.exit(f"sanity check failed for prompts {bad}: neutral penalties do not reproduce greedy_continuation")
print(f"sanity: {len(got)}/{len(ref)} neutral-penalty continuations equal greedy_continuation", file=sys.stderr)
EOF

# The golden settings: last_n,repeat,freq,present (a-d as specified; e-h use values < 1 / negative to boost seen tokens).
make_cases \
    "64,1.3,0,0" "4,1.3,0,0" "64,1.0,0.5,0.25" "-1,1.2,0.1,0.1" \
    "64,0.5,0,0" "4,0.5,0,0" "64,1.0,-2.0,-1.0" "-1,0.7,-0.5,-0.5" \
    > "$WORK/cases.txt"
"$WORK/penalty_golden" "$FIXTURES/model.gguf" "$COMMIT" "llama-tiny/model.gguf" < "$WORK/cases.txt" > "$OUT"
echo "wrote $OUT (llama.cpp $COMMIT)" >&2
