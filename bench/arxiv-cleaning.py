#!/usr/bin/env python3
"""RedPajama v1's clean_tex_files alone, timed on one core: the reference for bench/arxiv.sh's cleaning rows.

Usage: /usr/bin/python3 bench/arxiv-cleaning.py RP_ARXIV_DIR TARS_DIR RUNS PAPERS.jsonl REFERENCE.jsonl

Loads every paper of TARS_DIR/*.tar with RedPajama's own _tex_proj_loader (as its arxiv_iterator does), writes
them to PAPERS.jsonl as {"id", "files"} (the input of dev.corral.bench.ArxivCleaning), then runs clean_tex_files
over all of them RUNS times, timed with process CPU time (no reading, no JSON), and writes the texts of the last
run to REFERENCE.jsonl as {"id", "text"}; a paper whose cleaning raises gets "text": null.
"""
import importlib.util
import json
import pathlib
import statistics
import sys
import tarfile
import tempfile
import time

root = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "make_golden", root / "curation/src/test/resources/arxiv/make-golden.py")
make_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_golden)

rp, tars = (pathlib.Path(a).resolve() for a in sys.argv[1:3])
runs, papers_out, reference_out = int(sys.argv[3]), sys.argv[4], sys.argv[5]
ac = make_golden.load_reference(rp)
papers = []
with tempfile.TemporaryDirectory() as tmp:
    for tar in sorted(tars.glob("*.tar")):
        with tarfile.open(tar) as tf:
            tf.extractall(path=tmp)
    for gz in sorted(pathlib.Path(tmp).rglob("*.gz")):
        data = ac._tex_proj_loader(gz)
        if data is not None:
            papers.append((gz.stem, data[0]))
with open(papers_out, "w", encoding="utf-8") as f:
    for pid, files in papers:
        f.write(json.dumps({"id": pid, "files": files}, ensure_ascii=False) + "\n")
chars = sum(len(t) for _, files in papers for t in files)
cpu = []
for run in range(runs):
    out = []
    c0 = time.process_time()
    for pid, files in papers:
        try:
            out.append(ac.clean_tex_files(files))
        except Exception:
            out.append(None)
    cpu.append(time.process_time() - c0)
    print(f"run {run}: {cpu[-1]:.3f} CPU s", file=sys.stderr)
with open(reference_out, "w", encoding="utf-8") as f:
    for (pid, _), text in zip(papers, out):
        f.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
median = statistics.median(cpu)
print(f"reference cleaning: {len(papers)} papers, {chars / 1e6:.1f} M characters of LaTeX; runs {cpu} CPU s;"
      f" median {median:.3f} CPU s = {len(papers) / median:.1f} papers per CPU s")
