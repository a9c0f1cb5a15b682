#!/usr/bin/env python3
"""Bulk tars of arXiv-shaped papers for bench/arxiv.sh, seeded and deterministic.

Usage: /usr/bin/python3 bench/arxiv-corpus.py UDHR_TSV OUT_DIR PAPERS [PAPERS_PER_TAR]

Each paper is LaTeX as arXiv holds it: a preamble of packages and 15-40 macros (\\newcommand, \\def,
with and without arguments), a title and abstract, 4-9 sections of 2-4 subsections whose paragraphs
are UDHR sentences (Latin-script languages) with inline math, macro uses, trailing and full-line
comments and escaped percent signs, equations, sometimes an appendix, and a bibliography of 20-50
entries: about 40 KB of LaTeX. A third of the papers are projects (main.tex, macros.tex, one file per
section, refs.bib and a 40 KB figure of incompressible bytes, in a gzipped tar), the rest gzipped single
files, packed as YYMM/<id>.gz into src/arXiv_src_YYMM_NNN.tar as arXiv ships them.
"""
import gzip
import io
import pathlib
import random
import sys
import tarfile

LATIN = {"fr", "de-1996", "pt-BR", "nl", "ca", "es", "it", "sv", "pl", "ro", "sco", "af", "gl", "eo", "ia"}


def sentences(tsv):
    out = []
    for line in open(tsv, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[1] in LATIN:
            out.append(parts[2])
    return out


def macro_name(rng, used):
    while True:
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                       for _ in range(rng.randint(2, 6)))
        if name not in used:
            used.add(name)
            return name


def paper(rng, text):
    used = set()
    macros = []
    pre = ["\\documentclass[11pt]{article}"]
    pre += ["\\usepackage{%s}" % p for p in rng.sample(
        ["amsmath", "amssymb", "amsthm", "graphicx", "hyperref", "booktabs", "natbib", "xcolor",
         "tikz", "algorithm", "algpseudocode", "mathtools", "bm", "subcaption"], rng.randint(5, 10))]
    for _ in range(rng.randint(15, 40)):
        name = macro_name(rng, used)
        kind = rng.random()
        value = rng.choice(["\\mathbb{%s}", "\\mathcal{%s}", "\\operatorname{%s}", "\\mathbf{%s}",
                            "\\textsc{%s}"]) % name[:2]
        if kind < 0.55:
            pre.append("\\newcommand{\\%s}{%s}" % (name, value))
            macros.append(name)
        elif kind < 0.8:
            pre.append("\\def\\%s{%s}" % (name, value))
            macros.append(name)
        else:
            pre.append("\\newcommand{\\%s}[1]{%s_{#1}}" % (name, value))
    pre += ["\\newtheorem{theorem}{Theorem}", "", "\\begin{document}",
            "\\title{%s}" % rng.choice(text)[:60], "\\author{A. Author \\and B. Author}", "\\maketitle",
            "\\begin{abstract}", " ".join(rng.choice(text) for _ in range(4)), "\\end{abstract}", ""]

    def paragraph():
        lines = []
        for _ in range(rng.randint(3, 8)):
            s = rng.choice(text)
            r = rng.random()
            if r < 0.3:
                s += " Let $x_{%d} \\in \\%s^{n}$." % (rng.randint(1, 9), rng.choice(macros))
            elif r < 0.45:
                s += " This holds for \\%s and \\%s{} alike." % (rng.choice(macros), rng.choice(macros))
            elif r < 0.5:
                s += " About %d\\%% of cases." % rng.randint(1, 99)
            if rng.random() < 0.1:
                s += " %% TODO: %s" % rng.choice(text)[:40]
            lines.append(s)
            if rng.random() < 0.03:
                lines.append("%% %s" % rng.choice(text)[:60])
        if rng.random() < 0.3:
            lines += ["\\begin{equation}", "  \\%s(x) = \\sum_{i=1}^{n} \\frac{x_i}{1 + \\%s_i} %% eq" % (
                rng.choice(macros), rng.choice(macros)), "\\end{equation}"]
        return "\n".join(lines)

    sections = []
    for s in range(rng.randint(4, 9)):
        body = ["\\section{%s}" % rng.choice(text)[:40], "\\label{sec:%d}" % s, paragraph(), ""]
        for _ in range(rng.randint(2, 4)):
            body += ["\\subsection{%s}" % rng.choice(text)[:30], paragraph(), "", paragraph(), ""]
        sections.append("\n".join(body))
    tail = []
    if rng.random() < 0.2:
        tail += ["\\appendix", "\\section{Proofs}", paragraph(), ""]
    tail += ["\\begin{thebibliography}{99}"]
    tail += ["\\bibitem{r%d} %s" % (i, rng.choice(text)[:80]) for i in range(rng.randint(20, 50))]
    tail += ["\\end{thebibliography}", "\\end{document}", ""]
    return "\n".join(pre), sections, "\n".join(tail)


def member(rng, text):
    pre, sections, tail = paper(rng, text)
    if rng.random() < 1 / 3:
        files = [("main.tex", pre + "\n\\input{macros}\n" + "".join(
            "\\input{sec/s%d}\n" % i for i in range(len(sections))) + tail)]
        files.append(("macros.tex", "%% notation\n\\newcommand{\\projA}{\\alpha}\n"))
        files += [("sec/s%d.tex" % i, s) for i, s in enumerate(sections)]
        files.append(("refs.bib", "@article{r1, title={%s}}\n" % rng.choice(text)[:50]))
        files.append(("figures/plot.png", rng.randbytes(40_000)))
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as t:
            for name, body in files:
                data = body if isinstance(body, bytes) else body.encode("utf-8")
                ti = tarfile.TarInfo(name)
                ti.size, ti.mtime = len(data), 1672574400
                t.addfile(ti, io.BytesIO(data))
        raw = out.getvalue()
    else:
        raw = (pre + "\n" + "\n".join(sections) + "\n" + tail).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6) as g:
        g.write(raw)
    return buf.getvalue()


def main():
    tsv, out, n = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
    per_tar = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    text = sentences(tsv)
    rng = random.Random(2023)
    (out / "src").mkdir(parents=True, exist_ok=True)
    for t in range((n + per_tar - 1) // per_tar):
        yymm = "23%02d" % (t % 12 + 1)
        with tarfile.open(out / "src" / ("arXiv_src_%s_%03d.tar" % (yymm, t // 12 + 1)), "w",
                          format=tarfile.GNU_FORMAT) as tar:
            for i in range(t * per_tar, min(n, (t + 1) * per_tar)):
                data = member(rng, text)
                ti = tarfile.TarInfo("%s/%s.%05d.gz" % (yymm, yymm, i))
                ti.size, ti.mtime = len(data), 1672574400 + i
                tar.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    main()
