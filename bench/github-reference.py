"""RedPajama v1's GitHub scripts as the benchmark's reference, through make-golden.py's runner.

    github-reference.py export RAW_DIR EXPORT_DIR     the BigQuery WHERE clause: the files the export holds
    github-reference.py run RP_DIR EXPORT_DIR TOKEN_COUNTS
        runs github_clean_dedup_local.py, github_global_dedup.py, github_merge_dedup.py and
        github_run_filter.py on EXPORT_DIR and prints one JSON line: records, kept, CPU seconds of the
        scripts' processes (user + sys, pool workers included) and wall seconds
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
else:
    rp, export, counts = sys.argv[2], sys.argv[3], sys.argv[4]
    records = mg.read_inputs(export)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as work:
        cleaned, kept = mg.redpajama(rp, records, export, counts, work)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"records": len(records), "kept": len(kept), "cpu": round(cpu, 2), "wall": round(wall, 2)}))
