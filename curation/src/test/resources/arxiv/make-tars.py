#!/usr/bin/env python3
"""Packs papers/ into bulk tars shaped as arXiv ships them (src/arXiv_src_YYMM_NNN.tar).

Usage: /usr/bin/python3 make-tars.py [RESOURCES_DIR]

Each paper folder papers/YYMM/ID/ becomes the member YYMM/ID.gz of its month's tar: a gzipped tar of
the project (members in the order PAPERS lists, else path order) or, for a single file, the gzipped
.tex (gzip keeps its name, as arXiv's do). Everything is deterministic (fixed times, owners, gzip mtime 0),
so running this again gives the same bytes. The tars are the test inputs; make-golden.py runs RedPajama on them.
"""
import gzip
import io
import pathlib
import sys
import tarfile

HERE = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent).resolve()
PAPERS = HERE / "papers"
T0 = 1672574400  # 2023-01-01T12:00:00Z

# id -> how to pack it. single: one gzipped .tex. project: a gzipped tar; "order" lists members,
# "format" the inner tar format, "links" symlinks (name -> target), "truncate" cuts the .gz.
PACKING = {
    "2301.00001": {"kind": "single"},
    "2301.00002": {"kind": "project", "order": [
        "main.tex", "macros.tex", "sections/intro.tex", "sections/method.tex", "refs.bib",
        "figures/views.png"]},
    "2301.00003": {"kind": "single"},
    "2301.00004": {"kind": "single"},
    "2301.00005": {"kind": "single"},
    "2301.00006": {"kind": "project", "order": ["main.tex", "related.tex"]},
    "2301.00007": {"kind": "single"},
    "2301.00008": {"kind": "single"},
    "2301.00009": {"kind": "single"},
    "2301.00010": {"kind": "single"},
    "2301.00011": {"kind": "single"},
    "2301.00012": {"kind": "single"},
    "2301.00013": {"kind": "project", "order": ["poster.tex", "content.tex"]},
    "2301.00014": {"kind": "project", "order": [
        "chapters/ch2.tex", "thesis.tex", "chapters/ch1.tex"]},
    "2301.00015": {"kind": "single"},
    "2301.00016": {"kind": "single"},
    "2301.00017": {"kind": "single"},
    "2301.00018": {"kind": "single"},
    "2301.00019": {"kind": "single"},
    "2301.00020": {"kind": "single"},
    "2301.00021": {"kind": "project", "dirs": ["sec"], "order": [
        "main.tex", "sec", "sec/parta.tex", "OLD.TEX", "sec/partb.tex"]},
    "2301.00022": {"kind": "project", "links": {"main.tex": "paper.tex"},
                   "order": ["main.tex", "paper.tex"]},
    "2301.00023": {"kind": "project"},
    "2301.00024": {"kind": "single", "truncate": 60},
    "2301.00025": {"kind": "single"},
    "2301.00026": {"kind": "project", "format": tarfile.PAX_FORMAT},
    "2301.00027": {"kind": "project", "format": tarfile.GNU_FORMAT},
    "2301.00028": {"kind": "single"},
    "2301.00029": {"kind": "single"},
    "2301.00031": {"kind": "single"},
    "2301.00032": {"kind": "project", "format": tarfile.USTAR_FORMAT,
                   "order": ["main.tex", "abstract.tex"]},
    "2302.00001": {"kind": "single"},
    "2302.00002": {"kind": "project", "order": ["main.tex", "preamble.tex", "results.tex"]},
    "2302.00003": {"kind": "single"},
    "2302.00004": {"kind": "single"},
    "2302.00005": {"kind": "single"},
    "hep-th9901001": {"kind": "single"},
    "hep-th9901002": {"kind": "project", "format": tarfile.USTAR_FORMAT},
    "astro-ph9901003": {"kind": "single"},
    "math0702001": {"kind": "single"},
    "cond-mat0702002": {"kind": "project"},
    "q-bio0702003": {"kind": "single"},
}

# Bulk tars: name -> (month folder, extra members besides the papers).
TARS = {
    "arXiv_src_2301_001.tar": ("2301", {"dir": True, "pdf": ["2301.00030"]}),
    "arXiv_src_2302_001.tar": ("2302", {}),
    "arXiv_src_9901_001.tar": ("9901", {}),
    "arXiv_src_0702_001.tar": ("0702", {}),
}


def info(name, size, mtime, kind=tarfile.REGTYPE, linkname=""):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.type, ti.linkname = size, mtime, kind, linkname
    ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    ti.uid = ti.gid = 1000
    ti.uname = ti.gname = "arxiv"
    return ti


def gz(data, name=""):
    out = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=0) as g:
        g.write(data)
    return out.getvalue()


def pack(folder, spec):
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    if spec["kind"] == "single":
        (only,) = files
        data = gz((folder / only).read_bytes(), name=only)
    else:
        inner = io.BytesIO()
        with tarfile.open(fileobj=inner, mode="w", format=spec.get("format", tarfile.GNU_FORMAT)) as t:
            links = spec.get("links", {})
            for i, name in enumerate(spec.get("order", files)):
                mtime = T0 - 86400 + 60 * i
                if name in links:
                    t.addfile(info(name, 0, mtime, tarfile.SYMTYPE, links[name]))
                elif name in spec.get("dirs", []):
                    t.addfile(info(name, 0, mtime, tarfile.DIRTYPE))
                else:
                    body = (folder / name).read_bytes()
                    t.addfile(info(name, len(body), mtime), io.BytesIO(body))
        data = gz(inner.getvalue())
    if "truncate" in spec:
        data = data[: spec["truncate"]]
    return data


def main():
    (HERE / "src").mkdir(exist_ok=True)
    for tar_name, (month, extra) in TARS.items():
        with tarfile.open(HERE / "src" / tar_name, mode="w", format=tarfile.GNU_FORMAT) as t:
            if extra.get("dir"):
                t.addfile(info(month + "/", 0, T0, tarfile.DIRTYPE))
            ids = sorted(p.name for p in (PAPERS / month).iterdir())
            for i, paper in enumerate(ids):
                data = pack(PAPERS / month / paper, PACKING[paper])
                t.addfile(info(f"{month}/{paper}.gz", len(data), T0 + 3671 * i), io.BytesIO(data))
            for i, pdf in enumerate(extra.get("pdf", [])):
                body = b"%PDF-1.5\n% a PDF-only submission\n%%EOF\n"
                t.addfile(info(f"{month}/{pdf}.pdf", len(body), T0 + 17 * i), io.BytesIO(body))
    missing = {p.name for m in PAPERS.iterdir() for p in m.iterdir()} - set(PACKING)
    assert not missing, missing


if __name__ == "__main__":
    main()
