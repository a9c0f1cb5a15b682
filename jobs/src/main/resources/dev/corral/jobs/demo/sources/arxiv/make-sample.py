#!/usr/bin/env python3
"""Writes the demo's arXiv sample: src/arXiv_src_{2301,9901}_001.tar, shaped like arXiv's bulk source tars.

Usage: /usr/bin/python3 make-sample.py   (writes beside itself; deterministic: fixed mtimes, gzip mtime 0)

Three papers, written for the demo: 2301.00001 a gzipped single .tex (macros, comments, an escaped percent, an
appendix, a bibliography), 2301.00002 a gzipped tar of a project (main.tex that \\input's a section file and
a macro file, a .bib and a figure), 9901/hep-th9901001 an old-style id.
"""
import gzip
import io
import pathlib
import tarfile

MTIME = 1672574400  # 2023-01-01T12:00:00Z

SINGLE = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\R}{\mathbb{R}}
\def\eps{\varepsilon}
\newcommand{\norm}[1]{\lVert #1 \rVert}
\title{A Small Note on Sample Sizes}
\begin{document}
\maketitle
\begin{abstract}
We count samples.
\end{abstract}
\section{Introduction}
Let $x \in \R^n$ and $\eps > 0$. % a remark for the co-authors
% the whole line is a comment
About 95\% of the samples fall within two standard deviations.
\section{Method}
We draw $n$ points from $\R$ and stop once the error is below \eps .
\appendix
\section{Proofs}
The proof is left to the reader.
\begin{thebibliography}{9}
\bibitem{a} A. Author, Counting, 2020.
\end{thebibliography}
\end{document}
"""

MAIN = r"""\documentclass{article}
\input{macros}
\begin{document}
\title{Projects with Several Files}
\maketitle
\input{sections/intro}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""
MACROS = "\\newcommand{\\corpus}{the demo corpus}\n"
INTRO = r"""\section{Introduction}
This paper studies \corpus , written in two files.
\subsection{Scope}
Nothing else is needed.% trailing comment
"""
OLD = r"""\documentclass{article}
\begin{document}
\section{Old-style identifiers}
Papers before April 2007 are named by archive and number, such as hep-th/9901001.
\end{document}
"""


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g:
        g.write(data)
    return buf.getvalue()


def tar(entries):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), MTIME
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


project = tar([("main.tex", MAIN.encode()), ("macros.tex", MACROS.encode()),
               ("sections/intro.tex", INTRO.encode()), ("refs.bib", b"@book{a, title={Counting}}\n"),
               ("figure.png", bytes(range(256)))])
here = pathlib.Path(__file__).resolve().parent
(here / "src").mkdir(exist_ok=True)
(here / "src" / "arXiv_src_2301_001.tar").write_bytes(tar([
    ("2301/2301.00001.gz", gz(SINGLE.encode())), ("2301/2301.00002.gz", gz(project))]))
(here / "src" / "arXiv_src_9901_001.tar").write_bytes(tar([("9901/hep-th9901001.gz", gz(OLD.encode()))]))
