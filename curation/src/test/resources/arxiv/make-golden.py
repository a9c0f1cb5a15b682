#!/usr/bin/env python3
"""Expected outputs for Corral's arXiv tests, computed by RUNNING RedPajama v1's arXiv code.

Usage: /usr/bin/python3 make-golden.py RP_ARXIV_DIR [RESOURCES_DIR]

  RP_ARXIV_DIR   data_prep/arxiv of togethercomputer/RedPajama-Data at rp_v1
                 (45b37c2a1d1e495b0f48549ef3ce03ff029f7881), e.g. extracted with
                 git archive 45b37c2a data_prep/arxiv | tar -x
  RESOURCES_DIR  this folder (default: the script's own); its src/*.tar come from make-tars.py

Writes into RESOURCES_DIR:
  expected-redpajama.jsonl  ArxivCleaner.run() over src/*.tar as it is, one record per line, sorted by
                            arxiv_id; meta.language removed (fastText is stubbed, see below)
  expected-paper.jsonl      the same run with the paper's fixes (PaperRe below), blank texts dropped
  skipped-redpajama.tsv     arxiv_id and why RedPajama wrote no record (its own log lines:
  skipped-paper.tsv           unicode = UnicodeDecodeError, load = the archive failed to load,
                              failed = clean_tex_files raised, empty = empty text; paper: also blank)
  clean-cases.jsonl         seeded random LaTeX snippets through clean_tex_files in both modes
  loader-cases.jsonl        odd archives (empty, zero blocks, bzip2/xz, links, damage, ...) through
                            _tex_proj_loader: the .tex texts it returns, or why it returned None

Only one piece of the reference is replaced: the `fasttext` module (its C++ extension and the 126 MB
lid.176.bin are not installed here), by a stub whose model predicts nothing, so every record's
language would be "unknown"; Corral leaves language to its own language stage. Timestamps are
file mtimes rendered by datetime.fromtimestamp in the local zone, so this script sets TZ=UTC.
"""
import base64
import bz2
import contextlib
import gzip
import io
import lzma
import json
import os
import pathlib
import random
import re
import sys
import tarfile
import tempfile
import time
import types

os.environ["TZ"] = "UTC"
time.tzset()

HERE = pathlib.Path(__file__).resolve().parent


def load_reference(rp_dir):
    """Imports arxiv_cleaner from RP_ARXIV_DIR with only fasttext stubbed."""
    class _Model:
        def predict(self, text, k=1):
            return (), ()

    stub = types.ModuleType("fasttext")
    stub.FastText = types.SimpleNamespace(eprint=None, _FastText=_Model)
    stub.load_model = lambda path=None: _Model()
    sys.modules["fasttext"] = stub
    sys.path.insert(0, str(rp_dir))
    import arxiv_cleaner  # noqa: E402  (the reference, run as it is)
    return arxiv_cleaner


# The paper's fixes, applied by swapping RedPajama's patterns for fixed ones as its code calls re.
SECTION_BUG = r"\\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}" + r"\\\bsubparagraph\b"
SECTION_FIX = r"\\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}" + "|" + r"\\\bsubparagraph\b"
INLINE_BUG = r"[^\\]%.+$"
INLINE_FIX = r"(?<!\\)((?:\\\\)*)%.*$"  # a % escaped by an odd number of backslashes is text
TAIL_APPENDIX = r"\\appendix|"
NEWCOMMAND_BUG = r"\\\bnewcommand\b"
NEWCOMMAND_FIX = r"\\\b(?:re)?newcommand\b"


class PaperRe(types.ModuleType):
    """The `re` module as arxiv_cleaner sees it in paper mode: the same functions, fixed patterns."""

    def __init__(self):
        super().__init__("re")
        self.DOTALL, self.MULTILINE = re.DOTALL, re.MULTILINE

    @staticmethod
    def _fix(pattern):
        pattern = pattern.replace(SECTION_BUG, SECTION_FIX)
        if pattern.startswith("(" + TAIL_APPENDIX):
            pattern = "(" + pattern[len(TAIL_APPENDIX) + 1:]
        return pattern.replace(NEWCOMMAND_BUG, NEWCOMMAND_FIX)

    def search(self, pattern, string, flags=0):
        return re.search(self._fix(pattern), string, flags=flags)

    def compile(self, pattern, flags=0):
        return re.compile(self._fix(pattern), flags=flags)

    def sub(self, pattern, repl, string, count=0, flags=0):
        if pattern == INLINE_BUG:
            return re.sub(INLINE_FIX, r"\1", string, flags=flags)
        if pattern.endswith(r")([^a-zA-Z0-9])") and repl.endswith(r"\2"):
            # Macro expansion: the value was unicode-escaped for use as a template; use it as text.
            value = repl[:-2].encode("ascii").decode("unicode-escape")
            return re.sub(pattern, lambda m: value + m.group(2), string, flags=flags)
        return re.sub(self._fix(pattern), repl, string, count=count, flags=flags)


def run_cleaner(ac, mode, src, out_jsonl, out_skipped):
    ac.re = PaperRe() if mode == "paper" else re
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as target:
        cleaner = ac.ArxivCleaner(
            data_dir=pathlib.Path(src), work_dir=pathlib.Path(work), target_dir=pathlib.Path(target))
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            cleaner.run(out_fname="out.jsonl")
        records = [json.loads(l) for l in open(pathlib.Path(target) / "out.jsonl", encoding="utf-8")]
    ac.re = re
    skipped = []
    for line in log.getvalue().splitlines():
        if m := re.search(r"UnicodeDecodeError: .*/([^/]+)\.gz$", line):
            skipped.append((m.group(1), "unicode"))
        elif m := re.search(r"^\[ERROR\] .*: .*/([^/]+)\.gz$", line):
            skipped.append((m.group(1), "load"))
        elif m := re.search(r"failed  to process (\S+)$", line):
            skipped.append((m.group(1), "failed"))
        elif m := re.search(r"empty text for (\S+)$", line):
            skipped.append((m.group(1), "empty"))
    kept = []
    for r in records:
        del r["meta"]["language"]
        if mode == "paper" and r["text"].strip() == "":
            skipped.append((r["meta"]["arxiv_id"], "blank"))  # the paper's fix: nothing to train on
            continue
        kept.append(r)
    kept.sort(key=lambda r: r["meta"]["arxiv_id"])
    with open(out_jsonl, "w", encoding="utf-8") as f:
        for r in kept:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    with open(out_skipped, "w", encoding="utf-8") as f:
        for arxiv_id, why in sorted(skipped):
            f.write(f"{arxiv_id}\t{why}\n")
    return len(kept), len(skipped)


# Pieces that exercise every rule; snippets are random sequences of them.
PIECES = [
    "\\section{Intro}", "\\section*{Star}", "\\section[short]{Long}", "\\section[a]b]{c}",
    "\\subsection{Sub}", "\\subsubsection*{SS}", "\\chapter{Ch}", "\\part{P}", "\\paragraph{Par}",
    "\\subparagraph{Sp}", "\\paragraph{a}\\subparagraph{b}", "\\paragraph{x} y}\\subparagraph[o]{z}",
    "\\section", "\\section{", "\\sectionmark{x}", "\\subsection[", "{", "}", "[", "]", "]{", "}{",
    "%", "\\%", "\\\\%", "\\\\\\%", "% a comment", "%\\section{Old}", "50\\% of", "x%y", "%%",
    "\n", "\n", "\n", "\r\n", "\r", " ", "  ", "\t", "text", "more words", "$x^2$", "é", "ü", "Ω",
    "😀", "\u2028", "\u0085", "\x0c", "\\appendix", "\\appendixpage", "\\appendices",
    "\\begin{references}", "\\begin{REFERENCES}", "\\begin{thebibliography}{9}",
    "\\bibliography{refs}", "\\bibliography{", "\\bibliographystyle{plain}",
    "\\newcommand{\\R}{\\mathbb{R}}", "\\newcommand*{\\eps}{\\varepsilon}",
    "\\renewcommand{\\R}{\\mathbf{R}}", "\\renewcommand*{\\eps}{e}", "\\newcommand{\\R}[1]{#1}",
    "\\newcommand{\\Rx}{Q}", "\\newcommand {\\sp}{x}", "\\newcommand{\\A}{\\B+1}",
    "\\newcommand{\\B}{b}", "\\newcommand{\\g}{\\1$1\\\\g<0>}", "\\def\\foo{bar}",
    "\\def \\baz {qux}", "\\def\n\\nl\n{NL}", "\\def\\arg#1{#1}", "\\def\\cr{x\ry}",
    "\\newcommand{\\tb}{a\tb}", "\\R", "\\R ", "\\R\\R", "\\Rx", "\\R,", "\\R1",
    "\\eps", "\\eps.", "\\foo", "\\foo.", "\\baz}", "\\A ", "\\B ", "\\g ", "\\acc ", "\\tb ",
    "\\ff ", "\\del ", "\\emo ", "\\nl ", "\\cr ", "\\sp ", "\\R😀", "\\input{intro}",
]
# Values Python's unicode-escape turns into \x.. or \u.... escapes, which re.sub refuses: rarer, as
# each one fails the whole snippet in RedPajama's mode.
BAD_VALUES = [
    "\\newcommand{\\acc}{é}", "\\newcommand{\\ff}{a\x0cb}", "\\newcommand{\\del}{\x7f}",
    "\\def\\emo{😀}",
]


def piece(rng):
    r = rng.random()
    return "\n" if r < 0.15 else rng.choice(BAD_VALUES) if r < 0.155 else rng.choice(PIECES)


def clean_cases(ac, n, seed):
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        files = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            files.append("".join(piece(rng) for _ in range(rng.randint(0, 40))))
        case = {"files": files}
        for mode in ("redpajama", "paper"):
            ac.re = PaperRe() if mode == "paper" else re
            try:
                case[mode] = ac.clean_tex_files(files)
            except Exception as e:  # RedPajama drops the paper; record why
                case[mode] = None
                case[mode + "_error"] = f"{type(e).__name__}: {e}"
            ac.re = re
        cases.append(case)
    return cases


def _tar(entries, fmt=tarfile.GNU_FORMAT):
    """A tar of (name, bytes | ("dir",) | ("sym", target) | ("link", target) | ("type", t, bytes))."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, body in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1672574400
            if isinstance(body, bytes):
                ti.size = len(body)
                t.addfile(ti, io.BytesIO(body))
            elif body[0] == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif body[0] in ("sym", "link"):
                ti.type = tarfile.SYMTYPE if body[0] == "sym" else tarfile.LNKTYPE
                ti.linkname = body[1]
                t.addfile(ti)
            else:
                ti.type, ti.size = body[1], len(body[2])
                t.addfile(ti, io.BytesIO(body[2]))
    return out.getvalue()


def _gz(data, **kw):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, **kw) as g:
        g.write(data)
    return out.getvalue()


TEX = b"\\section{A}\nText.\n"
LONG_TEX = b"\\section{Long}\n" + b"word " * 200 + b"\n"


def loader_archives():
    """Archives that exercise each branch of _tex_proj_loader and of tarfile's reading."""
    proj = _tar([("main.tex", TEX), ("refs.bib", "Poincar\u00e9".encode("latin-1")),
                 ("sec/b.tex", b"\\section{B}\n")])
    corrupt_second = bytearray(_tar([("a.tex", TEX), ("b.tex", TEX)]))
    corrupt_second[1024 + 148:1024 + 156] = b"0000000\0"  # checksum of the second header wrong
    pax_then_garbage = bytearray(_tar([("p" * 120 + ".tex", TEX)], fmt=tarfile.PAX_FORMAT))
    pax_then_garbage[1024:1536] = bytes(range(256)) * 2  # the header after the pax header
    crc_bad = bytearray(_gz(LONG_TEX))
    crc_bad[-8] ^= 0xFF
    flags = bytearray(_gz(TEX))
    # FEXTRA, FNAME, FCOMMENT and FHCRC all set, with their fields, as old gzip writers did.
    flags = bytes(flags[:3]) + bytes([0x1E]) + bytes(flags[4:10]) + b"\x02\x00ab" + b"name.tex\0" \
        + b"a comment\0" + b"\x00\x00" + bytes(flags[10:])
    return {
        "empty file": b"",
        "gzip of nothing": _gz(b""),
        "gzip of a block of zeros (an empty tar)": _gz(bytes(512)),
        "gzip of a short .tex": _gz(TEX),
        "gzip of a .tex longer than a block": _gz(LONG_TEX),
        "gzip with a file name": _gz(TEX, filename="paper.tex"),
        "gzip with every header field": flags,
        "gzip padded with zeros": _gz(LONG_TEX) + bytes(100),
        "gzip followed by garbage": _gz(LONG_TEX) + b"garbage",
        "two gzip members": _gz(b"\\section{A}\n") + _gz(b"more\n"),
        "gzip cut short": _gz(LONG_TEX)[:40],
        "gzip with a wrong CRC": bytes(crc_bad),
        "random bytes": bytes((i * 37 + 11) % 256 for i in range(700)),
        "gzipped project": _gz(proj),
        "plain tar named .gz": proj,
        "bzip2 tar": bz2.compress(proj),
        "xz tar": lzma.compress(proj),
        "bzip2 of a single .tex": bz2.compress(LONG_TEX),
        "gzipped pax tar": _gz(_tar([("q" * 150 + "/x.tex", TEX)], fmt=tarfile.PAX_FORMAT)),
        "gzipped ustar tar": _gz(_tar([("u/x.tex", TEX)], fmt=tarfile.USTAR_FORMAT)),
        "gzipped GNU long name": _gz(_tar([("g" * 150 + ".tex", TEX)])),
        "tar with a folder named .tex": _gz(_tar([("a.tex", TEX), ("weird.tex", ("dir",))])),
        "tar with a hard link": _gz(_tar([("b.tex", TEX), ("a.tex", ("link", "b.tex"))])),
        "tar with a symlink to a later file": _gz(_tar([("a.tex", ("sym", "sub/../b.tex")),
                                                        ("b.tex", LONG_TEX)])),
        "tar with a dangling symlink": _gz(_tar([("a.tex", ("sym", "nowhere.tex"))])),
        "tar with a symlink loop": _gz(_tar([("a.tex", ("sym", "b.tex")), ("b.tex", ("sym", "a.tex"))])),
        "tar with an unknown member type": _gz(_tar([("v.tex", ("type", b"V", TEX))])),
        "tar with a FIFO named .tex": _gz(_tar([("f.tex", ("type", tarfile.FIFOTYPE, b""))])),
        "tar with a Latin-1 .tex": _gz(_tar([("a.tex", TEX), ("b.tex", "\u00e9".encode("latin-1"))])),
        "tar with a BOM": _gz(_tar([("a.tex", b"\xef\xbb\xbf" + TEX)])),
        "tar with a bad second header": _gz(bytes(corrupt_second)),
        "tar cut inside a member's data": _gz(_tar([("a.tex", TEX), ("b.tex", LONG_TEX)])[:1536 + 100]),
        "tar cut after a header": _gz(_tar([("a.tex", TEX), ("b.tex", LONG_TEX)])[:1536]),
        "tar with garbage after a pax header": _gz(bytes(pax_then_garbage)),
        "tar without end blocks": _gz(_tar([("a.tex", TEX)])[:1024]),
        "gzipped tar followed by garbage": _gz(proj) + b"garbage",
        "gzipped tar with a wrong CRC": _gz(proj)[:-8] + bytes(8),
        "gzipped tar cut short": _gz(_tar([("a.tex", LONG_TEX), ("b.tex", bytes(range(256)) * 40)]))[:200],
    }


def loader_cases(ac):
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in loader_archives().items():
            path = pathlib.Path(tmp) / "0000.00000.gz"
            path.write_bytes(data)
            log = io.StringIO()
            with contextlib.redirect_stdout(log):
                loaded = ac._tex_proj_loader(path)
            case = {"name": name, "archive": base64.b64encode(data).decode("ascii")}
            if loaded is None:
                case["files"] = None
                case["why"] = "unicode" if "UnicodeDecodeError" in log.getvalue() else "load"
            else:
                case["files"] = loaded[0]
            cases.append(case)
    return cases


def main():
    rp_dir = pathlib.Path(sys.argv[1]).resolve()
    out = pathlib.Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else HERE
    ac = load_reference(rp_dir)
    with open(out / "clean-cases.jsonl", "w", encoding="utf-8") as f:
        for case in clean_cases(ac, 600, seed=20230101):
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    with open(out / "loader-cases.jsonl", "w", encoding="utf-8") as f:
        for case in loader_cases(ac):
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    if (out / "src").is_dir():
        for mode in ("redpajama", "paper"):
            kept, skipped = run_cleaner(
                ac, mode, out / "src", out / f"expected-{mode}.jsonl", out / f"skipped-{mode}.tsv")
            print(f"{mode}: {kept} records, {skipped} skipped", file=sys.stderr)


if __name__ == "__main__":
    main()
