"""Expected outputs of `corral source github` from RedPajama v1's own code (rp_v1 =
45b37c2a1d1e495b0f48549ef3ce03ff029f7881, data_prep/github/), run on the inputs of make-inputs.py.

    git --git-dir=<mirror of togethercomputer/RedPajama-Data> archive 45b37c2a1d1e495b0f48549ef3ce03ff029f7881 \\
        data_prep/github | tar -x -C /tmp/rp
    /usr/bin/python3 make-golden.py --redpajama /tmp/rp --inputs inputs --texts-out /tmp/texts.jsonl
    (count the tokens of those texts with Corral's DJL tokenizer: see README.md)
    /usr/bin/python3 make-golden.py --redpajama /tmp/rp --inputs inputs --token-counts token-counts.jsonl --out .

redpajama mode (expected-redpajama.jsonl): the four scripts run as they are, as subprocesses, in RedPajama's
order: github_clean_dedup_local.py (one chunk: every input file, in path order), github_global_dedup.py,
github_merge_dedup.py, github_run_filter.py. Before them, the BigQuery query's WHERE clause (license LIKE
'mit%' OR 'bsd%' OR 'apache%', content IS NOT NULL), which is SQL and not in the scripts. The filter's
tokenizer (transformers' AutoTokenizer for EleutherAI/pythia-6.9b-deduped) cannot be downloaded here: a
`transformers` module on PYTHONPATH answers tokenize(text) with as many tokens as token-counts.jsonl gives
for that text (the bundled LLaMA tokenizer, counted by DJL), and fails on a text it does not know. The
benchmark (bench/github.sh) gives it a SentencePiece .model instead (the same LLaMA tokenizer, written by
HuggingFaceBpe.modelProto): it then tokenizes every text with the sentencepiece library, at a real cost.

paper mode (expected-paper.jsonl): RedPajama's own functions (PAT, CPAT, get_filecontent_stats from
github_clean_dedup_local.py; discard_record from github_run_filter.py) with the fixes Corral's paper mode
makes, written out below in clean_paper() and main(): the header rule keeps shebangs and encoding lines,
stops at preprocessor directives, and cuts the first block comment that is a notice wherever it is (without
one, the line rule runs); the exact dedup runs last, over the files the filters kept, and keeps the
smallest (repo_name, path) of each content hash.

Each expected file has one line per input record, in input order (files in path order, then lines):
repo_name, path, kept (in the final output), and for every record the mode cleaned (text present) its
text and statistics.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

SHIM = '''
import hashlib, json, os
if os.environ.get("CORRAL_SP_MODEL"):  # the benchmark: a real tokenizer, the LLaMA pieces as a .model
    import re
    import sentencepiece

    class _Tokenizer:
        def __init__(self):
            self.sp = sentencepiece.SentencePieceProcessor(model_file=os.environ["CORRAL_SP_MODEL"])
            special = [self.sp.id_to_piece(i) for i in range(self.sp.get_piece_size())
                       if self.sp.is_control(i) or self.sp.is_unknown(i)]
            # as transformers does, special tokens written in the text are split out, one token each
            self.split = re.compile("(" + "|".join(map(re.escape, special)) + ")")
            self.special = set(special)

        def tokenize(self, text):
            out = []
            for part in self.split.split(text):
                if part in self.special:
                    out.append(part)
                elif part:
                    out.extend(self.sp.encode(part, out_type=str))
            return out
else:
    _counts = {}
    with open(os.environ["CORRAL_TOKEN_COUNTS"], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            _counts[r["md5"]] = r["tokens"]

    class _Tokenizer:
        def tokenize(self, text):
            return [None] * _counts[hashlib.md5(text.encode("utf-8")).hexdigest()]

class AutoTokenizer:
    @staticmethod
    def from_pretrained(name):
        return _Tokenizer()
'''


def read_inputs(folder):
    records = []
    for path in sorted(glob.glob(os.path.join(folder, "github_*.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                records.append((os.path.basename(path), json.loads(line)))
    return records


def query_keeps(r):
    lic = r.get("license")
    return r.get("content") is not None and lic is not None and lic.startswith(("mit", "bsd", "apache"))


def load_module(path, name, argv):
    """Imports one of RedPajama's scripts as a module (its argparse runs at import, on `argv`)."""
    import importlib.util
    saved = sys.argv
    sys.argv = [path] + argv
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.argv = saved


ENCODING = re.compile(r"#.*?coding[:=][ \t]*[-_.a-zA-Z0-9]+", re.DOTALL)
DIRECTIVE = re.compile(r"#[ \t]*(include|import|define|undef|ifdef|ifndef|if|elif|else|endif|pragma|error"
                       r"|warning|line)(?![0-9A-Za-z_])")


def clean_paper(rp, content):
    """RedPajama's clean_copyright_comments with the paper-mode fixes."""
    for m in rp.PAT.finditer(content):
        if rp.CPAT.search(content[m.start():m.end()]):
            return content[:m.start()] + content[m.end():]
    lines = content.split("\n")
    kept, stripped, code = [], False, len(lines)
    for k, line in enumerate(lines):
        if line.startswith("#!") or ENCODING.match(line):
            kept.append(line)
        elif (not line or line.startswith("//") or line.startswith("#") or line.startswith("--")) \
                and not DIRECTIVE.match(line):
            stripped = True
        else:
            code = k
            break
    if not stripped:
        return content
    return "\n".join(kept + lines[code:])


def run(script, args, env):
    subprocess.run([sys.executable, script] + args, check=True, env=env, stdout=subprocess.DEVNULL)


def redpajama(rp_dir, records, inputs, token_counts, work, sp_model=None):
    """The four scripts as they are; returns {(repo_name, path): cleaned record} and the kept keys.
    With sp_model (a SentencePiece .model), the stand-in tokenizes with it instead of looking counts up."""
    scripts = os.path.join(rp_dir, "data_prep", "github")
    shim = os.path.join(work, "shim")
    os.makedirs(shim)
    with open(os.path.join(shim, "transformers.py"), "w") as f:
        f.write(SHIM)
    env = dict(os.environ, PYTHONPATH=shim, CORRAL_TOKEN_COUNTS=os.path.abspath(token_counts),
               SLURM_CPUS_PER_TASK="2")
    if sp_model:
        env["CORRAL_SP_MODEL"] = os.path.abspath(sp_model)
    queried = os.path.join(work, "queried")
    os.makedirs(queried)
    by_file = {}
    for name, r in records:
        by_file.setdefault(name, []).append(r)
    listing = os.path.join(work, "chunk_0.txt")
    with open(listing, "w") as lst:
        for name in sorted(by_file):
            out = os.path.join(queried, name)
            with gzip.open(out, "wt", encoding="utf-8") as g:
                for r in by_file[name]:
                    if query_keeps(r):
                        g.write(json.dumps(r) + "\n")
            lst.write(out + "\n")
    step1, step2, step3 = (os.path.join(work, d) for d in ("processed", "deduped", "filtered"))
    for d in (step1, step2, step3):
        os.makedirs(d)
    run(os.path.join(scripts, "github_clean_dedup_local.py"), ["--input", listing, "--target_dir", step1], env)
    run(os.path.join(scripts, "github_global_dedup.py"), ["--first_step_dir", step1, "--target_dir", step2], env)
    (run_file,) = glob.glob(os.path.join(step1, "run_*.jsonl"))
    run(os.path.join(scripts, "github_merge_dedup.py"),
        ["--first_step_dir", step1, "--input", run_file, "--target_dir", step2], env)
    (deduped,) = glob.glob(os.path.join(step2, "deduped_*.jsonl"))
    run(os.path.join(scripts, "github_run_filter.py"), ["--data_file", deduped, "--target_dir", step3], env)
    (filtered,) = glob.glob(os.path.join(step3, "filtered_*.jsonl.gz"))
    cleaned = {}
    with open(run_file, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            cleaned[(r["meta"]["repo_name"], r["meta"]["path"])] = r
    kept = set()
    with gzip.open(filtered, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            kept.add((r["meta"]["repo_name"], r["meta"]["path"]))
    return cleaned, kept


def paper(rp_dir, records, token_counts):
    scripts = os.path.join(rp_dir, "data_prep", "github")
    clean = load_module(os.path.join(scripts, "github_clean_dedup_local.py"), "rp_clean", [])
    os.environ["CORRAL_TOKEN_COUNTS"] = os.path.abspath(token_counts)
    with tempfile.TemporaryDirectory() as shim:
        with open(os.path.join(shim, "transformers.py"), "w") as f:
            f.write(SHIM)
        sys.path.insert(0, shim)
        filt = load_module(os.path.join(scripts, "github_run_filter.py"), "rp_filter", [])
        sys.path.remove(shim)
    cleaned, survivors = {}, []
    for _, r in records:
        if not query_keeps(r) or r["path"].endswith(".crt") or r["path"] == "LICENSE":
            continue
        digest = hashlib.md5(r["content"].encode("utf8")).hexdigest()
        text = clean_paper(clean, r["content"])
        stats = clean.get_filecontent_stats(text)
        record = {"text": text, "meta": {"content_hash": digest, **stats,
                                          **{k: v for k, v in r.items() if k != "content"}}}
        cleaned[(r["repo_name"], r["path"])] = record
        if not filt.discard_record(record):
            survivors.append(record)
    winners = {}
    for record in survivors:
        m = record["meta"]
        key = (m["repo_name"], m["path"])
        if m["content_hash"] not in winners or key < winners[m["content_hash"]]:
            winners[m["content_hash"]] = key
    return cleaned, set(winners.values())


def write_expected(path, records, cleaned, kept):
    with open(path, "w", encoding="utf-8") as out:
        for _, r in records:
            key = (r["repo_name"], r["path"])
            row = {"repo_name": r["repo_name"], "path": r["path"], "kept": key in kept}
            c = cleaned.get(key)
            if c is not None:
                m = c["meta"]
                row.update(text=c["text"], content_hash=m["content_hash"], line_count=m["line_count"],
                           max_line_length=m["max_line_length"], avg_line_length=m["avg_line_length"],
                           alnum_prop=m["alnum_prop"])
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redpajama", required=True, help="a checkout of RedPajama-Data at rp_v1")
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--token-counts")
    ap.add_argument("--texts-out")
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    records = read_inputs(a.inputs)
    if a.texts_out:
        clean = load_module(os.path.join(a.redpajama, "data_prep", "github", "github_clean_dedup_local.py"),
                            "rp_clean", [])
        texts = {}
        for _, r in records:
            if query_keeps(r):
                for t in (clean.clean_copyright_comments(r["content"]), clean_paper(clean, r["content"])):
                    texts[hashlib.md5(t.encode("utf-8")).hexdigest()] = t
        with open(a.texts_out, "w", encoding="utf-8") as f:
            for md5, t in sorted(texts.items()):
                f.write(json.dumps({"md5": md5, "text": t}) + "\n")
        print(f"{len(texts)} texts to count", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as work:
        cleaned, kept = redpajama(a.redpajama, records, a.inputs, a.token_counts, work)
    write_expected(os.path.join(a.out, "expected-redpajama.jsonl"), records, cleaned, kept)
    cleaned_p, kept_p = paper(a.redpajama, records, a.token_counts)
    write_expected(os.path.join(a.out, "expected-paper.jsonl"), records, cleaned_p, kept_p)
    print(f"{len(records)} records; redpajama keeps {len(kept)}, paper keeps {len(kept_p)}", file=sys.stderr)


if __name__ == "__main__":
    main()
