#!/usr/bin/env python3
"""RedPajama v1's arXiv cleaning, run as it is on a folder of bulk tars: the reference for bench/arxiv.sh.

Usage: /usr/bin/python3 bench/arxiv-reference.py RP_ARXIV_DIR TARS_DIR OUT_DIR

ArxivCleaner.run() (one process, as RedPajama's run() does) over TARS_DIR/*.tar, writing OUT_DIR/arxiv.jsonl. The
only stub is the one make-golden.py uses: fastText's module, whose model would otherwise be loaded from disk for
every paper (RedPajama's create_record loads lid.176.bin each time), so the reference measured here is faster
than RedPajama as published.
"""
import contextlib
import importlib.util
import io
import pathlib
import sys
import tempfile

root = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "make_golden", root / "curation/src/test/resources/arxiv/make-golden.py")
make_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_golden)

rp, tars, out = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
cleaner_module = make_golden.load_reference(rp)
out.mkdir(parents=True, exist_ok=True)
with tempfile.TemporaryDirectory(dir=out) as work:
    cleaner = cleaner_module.ArxivCleaner(data_dir=tars, work_dir=pathlib.Path(work), target_dir=out)
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        cleaner.run(out_fname="arxiv.jsonl")
print(sum(1 for _ in open(out / "arxiv.jsonl")), "records", file=sys.stderr)
