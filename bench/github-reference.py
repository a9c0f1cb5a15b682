"""RedPajama v1's GitHub scripts as the benchmark's reference, through make-golden.py's runner.

    github-reference.py export RAW_DIR EXPORT_DIR     the BigQuery WHERE clause: the files the export holds
    github-reference.py run RP_DIR EXPORT_DIR TOKEN_COUNTS [SP_MODEL]
        runs github_clean_dedup_local.py, github_global_dedup.py, github_merge_dedup.py and
        github_run_filter.py on EXPORT_DIR and prints one JSON line: records, kept, CPU seconds of the
        scripts' processes (user + sys, pool workers included) and wall seconds; with SP_MODEL the
        filter's tokenizer is the sentencepiece library on that model, else counts looked up
    github-reference.py check TEXTS TOKEN_COUNTS SP_MODEL
        counts each text's pieces with the sentencepiece library and compares them with TOKEN_COUNTS
        (Corral's); prints the texts and how many differ, and fails if any does
"""
import gzip
import importlib.util
import json
import os
import resource
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "curation", "src", "test", "resources", "dev", "corral", "curation",
                      "sources", "github")
spec = importlib.util.spec_from_file_location("make_golden", os.path.join(GOLDEN, "make-golden.py"))
mg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mg)

if sys.argv[1] == "export":
    raw, out = sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    by_file = {}
    for name, r in mg.read_inputs(raw):
        if mg.query_keeps(r):
            by_file.setdefault(name, []).append(r)
    for name, rows in by_file.items():
        with open(os.path.join(out, name), "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            for r in rows:
                g.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
elif sys.argv[1] == "check":
    os.environ["CORRAL_SP_MODEL"] = sys.argv[4]
    shim = {}
    exec(mg.SHIM, shim)  # the stand-in the reference runs with
    tokenizer = shim["AutoTokenizer"].from_pretrained("EleutherAI/pythia-6.9b-deduped")
    counts = {}
    with open(sys.argv[3], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            counts[r["md5"]] = r["tokens"]
    texts = differ = 0
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts += 1
            if len(tokenizer.tokenize(r["text"])) != counts[r["md5"]]:
                differ += 1
    print(json.dumps({"texts": texts, "differ": differ}))
    sys.exit(1 if differ else 0)
else:
    rp, export, counts = sys.argv[2], sys.argv[3], sys.argv[4]
    sp_model = sys.argv[5] if len(sys.argv) > 5 else None
    records = mg.read_inputs(export)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as work:
        cleaned, kept = mg.redpajama(rp, records, export, counts, work, sp_model)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"records": len(records), "kept": len(kept), "cpu": round(cpu, 2), "wall": round(wall, 2)}))
