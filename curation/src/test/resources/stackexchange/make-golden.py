#!/usr/bin/python3
"""Golden files for Corral's Stack Exchange source, computed by RUNNING RedPajama v1's own scripts.

Usage (Debian 12: apt-get install python3-bs4 python3-lxml python3-tqdm p7zip-full):

    /usr/bin/python3 make-golden.py RP_STACK_EXCHANGE_DIR [OUT_DIR]

RP_STACK_EXCHANGE_DIR is data_prep/stack_exchange of github.com/togethercomputer/RedPajama-Data at
rp_v1 = 45b37c2a1d1e495b0f48549ef3ce03ff029f7881 (not copied here). OUT_DIR defaults to this folder.

What it writes (deterministic: a fixed seed, fixed archive times):
  dump/SITE/Posts.xml       the golden input: 4 sites, meta included, the layout of the archive.org dump
                            (header, <posts>, one <row/> per line, </posts>); SHOWCASE (math) alone holds
                            >= 320 posts with every case, which check_showcase verifies or the script fails
  archives/SITE.7z          one site as a real 7z (p7zip), Posts.xml after another table, as in the dump
  expected-numeric.jsonl    RedPajama's filter.py + post_processing.py with the one fix LLaMA's text asks
                            for: answers sorted by score as numbers (ties by id) instead of as strings
  expected-redpajama.jsonl  RedPajama's scripts as they are (scores sorted as strings)
  html-cases.jsonl          HTML snippets and RedPajama's cleanhtml() of each (the function is taken from
                            post_processing.py and run)
  rows-cases.jsonl          <row> lines and what xml.etree.ElementTree.fromstring makes of each (its
                            attributes, or null where it raises), as filter.py parses them

RedPajama's post_processing.py loads fastText's lid.176.bin at import for its `language` field, which
Corral does not reproduce (see StackExchange's documentation): a stand-in module answers "en".
"""
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

PY = "/usr/bin/python3"
R = random.Random(20230329)

WORDS = ("the a of to in is you that it he was for on are as with his they at be this have from or one had "
         "by word but not what all were we when your can said there use an each which she do how their if "
         "will up other about out many then them these so some her would make like him into time has look "
         "two more write go see number no way could people my than first water been call who oil its now "
         "find long down day did get come made may part sugar flour bake oven integral matrix proof kernel "
         "shell bash disk boot").split()
UNICODE = ["é", "über", "日本語", "😀", "\u00a0", "Straße", "Ωμέγα", "中文", "naïve", "—", "…", "∑", "½"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&hellip;", "&copy;", "&mdash;", "&rarr;",
            "&euro;", "&#8217;", "&#x1F600;", "&amp", "&lt", "&#128;", "&foo;", "&", "&nbsp"]


def words(lo, hi):
    out = []
    for _ in range(R.randint(lo, hi)):
        r = R.random()
        out.append(R.choice(WORDS) if r < 0.8 else R.choice(UNICODE) if r < 0.9 else R.choice(ENTITIES))
    return " ".join(out)


def inline():
    k = R.random()
    if k < 0.2:
        return "<code>" + R.choice(["x < y", "a && b", "List<String>", "printf(\"%d\\n\", x);", "i++"]).replace(
            "&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</code>"
    if k < 0.35:
        return "<strong>" + words(1, 3) + "</strong>"
    if k < 0.45:
        return "<em>" + words(1, 3) + "</em>"
    if k < 0.55:
        return '<a href="https://example.com/q?a=1&amp;b=2" rel="nofollow noreferrer">' + words(1, 3) + "</a>"
    if k < 0.6:
        return "<kbd>Ctrl</kbd>+<kbd>C</kbd>"
    if k < 0.65:
        return "<br>\n"
    if k < 0.7:
        return '<img src="https://i.stack.imgur.com/x.png" alt="' + words(1, 2) + '">'
    return words(1, 8)


def paragraph():
    return "<p>" + " ".join(inline() for _ in range(R.randint(1, 4))) + "</p>"


def code_block():
    lines = []
    for _ in range(R.randint(1, 5)):
        line = R.choice(["int main() {", "    return 0;", "}", "for (i = 0; i < n; i++)", "if (a && b) x = \"y\";",
                         "<div class=\"x\">", "    # comment", "", "  echo $HOME > /tmp/out"])
        lines.append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "<pre><code>" + R.choice(["", "\n"]) + "\n".join(lines) + "\n</code></pre>"


def a_list(depth=0):
    tag = R.choice(["ul", "ol"])
    items = []
    for _ in range(R.randint(1, 4)):
        item = R.choice([words(1, 6), paragraph(), "<p>" + words(1, 4) + "</p>\n" + code_block()])
        if depth < 2 and R.random() < 0.3:
            item += "\n\n" + a_list(depth + 1)
        items.append("<li>" + item + "</li>")
    return "<" + tag + ">\n" + "\n".join(items) + "\n</" + tag + ">"


def body():
    blocks = []
    for _ in range(R.randint(1, 5)):
        k = R.random()
        if k < 0.45:
            blocks.append(paragraph())
        elif k < 0.6:
            blocks.append(code_block())
        elif k < 0.75:
            blocks.append(a_list())
        elif k < 0.83:
            blocks.append("<blockquote>\n  <p>" + words(2, 10) + "</p>\n</blockquote>")
        elif k < 0.88:
            blocks.append("<h2>" + words(1, 4) + "</h2>")
        elif k < 0.92:
            blocks.append("<hr>")
        elif k < 0.96:
            blocks.append("<table>\n<thead>\n<tr>\n<th>" + words(1, 2) + "</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>"
                          + words(1, 3) + "</td>\n</tr>\n</tbody>\n</table>")
        else:
            blocks.append("<p>" + words(1, 4) + "</p>\n\n<!-- comment -->\n\n<p>&nbsp;</p>")
    return "\n\n".join(blocks) + "\n"


def title():
    t = words(3, 9).capitalize()
    k = R.random()
    if k < 0.1:
        t += " with List<T> and <div>"
    elif k < 0.2:
        t += " AT&T & R&D?"
    elif k < 0.25:
        t += " &amp; &lt;escaped&gt;"
    return t + R.choice(["?", "", " ?"])


# math.stackexchange.com's posts: hand-written templates in the shape of the site's HTML (MathJax left as
# text, "<" in formulas escaped, "&" in aligned environments), so the largest file reads like a real one.
MATH_OPENINGS = [
    "<p>Let $f:\\mathbb{R}\\to\\mathbb{R}$ be continuous with $f(x+y)=f(x)+f(y)$ for all $x,y$. How do I show "
    "that $f(x)=cx$ for some constant $c$?</p>",
    "<p>I&#39;m trying to evaluate $$\\int_0^1 \\frac{\\ln(1+x)}{1+x^2}\\,dx$$ but I&#39;m stuck after the "
    "substitution $x=\\tan\\theta$.</p>",
    "<p>Is it true that $0 &lt; a &lt; b$ implies $a^{1/n} &lt; b^{1/n}$ for every integer $n \\ge 1$?</p>",
    "<p>Prove that $$\\sum_{k=1}^n k^3 = \\left(\\frac{n(n+1)}{2}\\right)^2.$$</p>",
    "<p>My textbook (Rudin, <em>Principles of Mathematical Analysis</em>, p.&nbsp;45) says every compact "
    "subset of a metric space is closed &amp; bounded. Why isn&#39;t the converse true?</p>",
    "<p>Let $G$ be a group of order $p^2$ where $p$ is prime. Show that $G$ is abelian.</p>",
    "<p>Find all $x \\in \\mathbb{Z}$ with $x^2 \\equiv 1 \\pmod{8}$.</p>",
    "<p>Why does $\\lim_{n\\to\\infty}\\left(1+\\frac1n\\right)^n = e$? I know the definition "
    "$e=\\sum_{k\\ge0} \\frac{1}{k!}$ but can&#8217;t connect the two.</p>",
    "<p>Given the matrix $$A=\\begin{pmatrix}1 &amp; 2\\\\ 3 &amp; 4\\end{pmatrix},$$ compute $A^{10}$ "
    "without multiplying it out ten times.</p>",
    "<p>Für alle $\\varepsilon&gt;0$ existiert ein $\\delta&gt;0$&hellip; — the Weierstraß definition. Why "
    "is the order of the quantifiers ∀ε ∃δ important?</p>",
    "<p>How many ways are there to put $n$ distinguishable balls into $k$ boxes so that no box is "
    "empty? (This came up in a puzzle from 日本語 class 😀.)</p>",
    "<p>Is $\\sqrt{2}+\\sqrt{3}$ rational? I tried squaring: $5+2\\sqrt6$, and then&hellip;</p>",
]
MATH_MIDDLES = [
    "<p>My attempt: by induction on $n$. The base case $n=1$ is clear, since $1 = 1^2$.</p>",
    "<p>I know that $|x-y| &lt; \\delta \\implies |f(x)-f(y)| &lt; \\varepsilon$, but I don&#39;t see how "
    "to choose $\\delta$.</p>",
    "<p><strong>Edit:</strong> as pointed out in the comments, $x \\neq 0$.</p>",
    "<p>We have $$\\begin{align}(a+b)^2 &amp;= a^2 + 2ab + b^2 \\\\ &amp;\\ge 4ab\\end{align}$$ with equality "
    "iff $a=b$.</p>",
    "<blockquote>\n  <p><strong>Theorem.</strong> A continuous function on a compact set attains its "
    "maximum.</p>\n</blockquote>",
    "<p>See <a href=\"https://en.wikipedia.org/wiki/Cauchy%E2%80%93Schwarz_inequality\" "
    "rel=\"nofollow noreferrer\">Cauchy&ndash;Schwarz</a>: $\\langle u,v\\rangle^2 \\le \\|u\\|^2\\|v\\|^2$.</p>",
    "<p>Hint: consider $g(x) = f(x) - x$ and use the intermediate value theorem.</p>",
    "<p>This is a well-known result; a na&iuml;ve bound gives $O(n^2)$, the sharp one is "
    "$\\Theta(n\\log n)$.</p>",
    "<p>Note that $\\frac{1}{k(k+1)} = \\frac1k - \\frac1{k+1}$, so the sum telescopes.</p>",
    "<hr>\n\n<p><em>Addendum.</em> The same works over $\\mathbb{C}$ &rarr; any algebraically closed field.</p>",
]
MATH_CODE = [
    "<pre><code>sage: A = matrix(QQ, [[1, 2], [3, 4]])\nsage: A^10\n[ 4783807  6972050]\n[10458075 15241882]\n"
    "</code></pre>",
    "<pre><code>def collatz(n):\n    steps = 0\n    while n &gt; 1 and steps &lt; 10**6:\n"
    "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        steps += 1\n    return steps\n</code></pre>",
    "<pre><code>Integrate[Log[1 + x]/(1 + x^2), {x, 0, 1}]\n(* Pi Log[2] / 8 *)\n</code></pre>",
    "<pre class=\"lang-py prettyprint-override\"><code>import numpy as np\nprint(np.linalg.eigvals([[1, 2], "
    "[3, 4]]))  # a &amp; b\n</code></pre>",
    "<pre><code>\n  x &lt;- seq(0, 1, by = 0.01)\n  plot(x, log(1 + x) / (1 + x^2))\n</code></pre>",
]
MATH_LISTS = [
    "<ol>\n<li><p>Case $n$ even: write $n=2m$.</p>\n\n<ul>\n<li>if $m$ is even, $n \\equiv 0 \\pmod 4$;</li>\n"
    "<li>if $m$ is odd, $n \\equiv 2 \\pmod 4$.</li>\n</ul></li>\n<li><p>Case $n$ odd: $n^2 \\equiv 1 "
    "\\pmod 8$.</p></li>\n</ol>",
    "<ul>\n<li>$\\Rightarrow$: assume $A$ is invertible&hellip;</li>\n<li>$\\Leftarrow$: if $\\det A \\ne 0$ "
    "then\n<ol>\n<li>row-reduce $A$;</li>\n<li>read off $A^{-1}$ &amp; check.</li>\n</ol></li>\n</ul>",
    "<ol>\n<li>Show $f$ is injective.</li>\n<li>Show $f$ is surjective:\n<ul>\n<li>take $y \\in Y$,</li>\n"
    "<li>find $x$ with $f(x)=y$:\n<ul>\n<li>if $y&lt;0$, $x=-\\sqrt{-y}$;</li>\n<li>else $x=\\sqrt y$.</li>\n"
    "</ul></li>\n</ul></li>\n<li>Conclude.</li>\n</ol>",
    "<p>Some references:</p>\n\n<ul>\n<li>Hardy &amp; Wright, <em>An Introduction to the Theory of "
    "Numbers</em></li>\n<li>Poincaré&#39;s <em>Analysis Situs</em></li>\n<li>Ахиезер, <em>Лекции</em></li>\n</ul>",
]
MATH_TITLES = [
    "Prove that $f(x)=cx$ if $f$ is additive and continuous",
    "Evaluate $\\int_0^1 \\frac{\\ln(1+x)}{1+x^2}dx$",
    "Is $a<b$ & $b<c$ enough to get $a<c$ here?",
    "Why is every group of order $p^2$ abelian?",
    "Sum of cubes: $\\sum k^3 = (\\sum k)^2$",
    "Compact ⇒ closed & bounded, but not conversely?",
    "Quantifier order in the ε-δ definition",
    "Computing $A^{10}$ for a $2\\times 2$ matrix",
    "Counting surjections: $n$ balls, $k$ boxes",
    "Is $\\sqrt2+\\sqrt3$ irrational?",
    "What is $e$, really? (&amp; why $(1+1/n)^n$)",
    "List<T> of Z/nZ and <b>bold</b> claims",
]


def math_body():
    """One post: an opening, then middles, code and (nested) lists in a varied order."""
    blocks = [R.choice(MATH_OPENINGS)]
    for _ in range(R.randint(0, 4)):
        k = R.random()
        blocks.append(R.choice(MATH_MIDDLES) if k < 0.45 else R.choice(MATH_CODE) if k < 0.6
                      else R.choice(MATH_LISTS) if k < 0.8 else paragraph() if k < 0.9 else body().rstrip("\n"))
    if R.random() < 0.3:
        R.shuffle(blocks)
    return "\n\n".join(blocks) + "\n"


def math_title():
    return R.choice(MATH_TITLES) if R.random() < 0.6 else title()


def attr(value):
    """XML attribute escaping as the dump writes it: newlines and CRs as character references."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#xD;").replace("\n", "&#xA;"))


def row(fields):
    return "  <row " + " ".join(f'{k}="{attr(str(v))}"' for k, v in fields.items()) + " />"


LICENCES = ["CC BY-SA 2.5", "CC BY-SA 3.0", "CC BY-SA 4.0"]
# Ties (10, 10 and 9, 9) too: numeric order breaks them by id, RedPajama's by file order.
FORCED_SCORES = [9, 10, -1, 100, 10, 9]


def site_rows(site, questions, first_id, licences=True, crlf_bodies=False, showcase=False):
    """showcase: the one file that alone holds every case (math's templates, forced answer scores)."""
    make_body, make_title = (math_body, math_title) if showcase else (body, title)
    rows = []
    next_id = first_id
    date = [2010, 1]

    def fields(pid, kind, extra):
        date[1] = date[1] % 28 + 1
        f = {"Id": pid, "PostTypeId": kind}
        f.update(extra)
        f["CreationDate"] = f"{date[0] + pid % 13}-{pid % 12 + 1:02d}-{date[1]:02d}T12:{pid % 60:02d}:05.123"
        if licences:
            f["ContentLicense"] = LICENCES[pid % 3]
        return f

    for qi in range(questions):
        qid = next_id
        next_id += 1
        n_answers = 20 if qi == 3 else 6 if showcase and qi == 8 else 0 if qi % 17 == 5 or qi % 19 == 7 else R.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5])
        q = {"Score": R.choice([0, 1, 2, 5, 9, 10, 12, -1, -3, 100])}
        b = make_body()
        if crlf_bodies and R.random() < 0.3:
            b = b.replace("\n", "\r\n")
        q["Body"] = b
        q["Title"] = make_title()
        q["Tags"] = "<cooking><baking>"
        if qi % 17 == 5 and n_answers == 0:
            del q["Title"]  # untitled and unanswered: dropped, as RedPajama drops it
        if qi % 19 == 7 and n_answers == 0:
            del q["Body"]  # a question without a body: RedPajama keeps its title
        if qi % 23 == 11 and n_answers > 0:
            q["Title"] = ""  # an empty title is still a title
        qrow = (qid, row(fields(qid, 1, q)))
        answer_rows = []
        scores = [9, 10, -1, 2, 10, 0, 100, 9, -1, 3]
        for ai in range(n_answers):
            aid = next_id
            next_id += 1
            score = R.choice(scores)
            if showcase and qi in (3, 8) and ai < len(FORCED_SCORES):
                score = FORCED_SCORES[ai]  # 100, 10, 9, -1 as numbers; "9", "100", "10", "-1" as strings
            a = {"ParentId": qid, "Score": score, "Body": make_body()}
            if crlf_bodies and R.random() < 0.3:
                a["Body"] = a["Body"].replace("\n", "\r\n")
            answer_rows.append((aid, row(fields(aid, 2, a))))
        rows.append(qrow)
        rows.extend(answer_rows)
    # Tag wikis: no title, no parent: RedPajama and Corral both drop them.
    for kind in (4, 5):
        pid = next_id
        next_id += 1
        rows.append((pid, row(fields(pid, kind, {"Score": 0, "Body": "<p>" + words(3, 8) + "</p>\n"}))))
    # Orphans: answers whose question is not in the dump.
    for _ in range(3):
        pid = next_id
        next_id += 1
        rows.append((pid, row(fields(pid, 2, {"ParentId": 999999 + pid, "Score": 4, "Body": body()}))))
    rows.sort(key=lambda r: r[0])
    # Some answers come before their question in the file.
    for i in range(len(rows) - 1, 4, -7):
        j = R.randrange(0, i)
        rows.insert(j, rows.pop(i))
    return [r for _, r in rows]


# The one file that alone holds >= 320 posts and every case (issue #14's parity check reads it alone).
SHOWCASE = "math.stackexchange.com"
SITES = [
    ("cooking.stackexchange.com", 40, 1, True, False, "\n", False),
    ("math.stackexchange.com", 100, 500, False, False, "\n", False),
    ("superuser.com", 30, 9000, True, True, "\r\n", True),
    ("meta.cooking.stackexchange.com", 8, 20, True, False, "\n", False),
]


def write_dump(out):
    dump = os.path.join(out, "dump")
    shutil.rmtree(dump, ignore_errors=True)
    total = 0
    for site, questions, first, licences, crlf_bodies, eol, bom in SITES:
        rows = site_rows(site, questions, first, licences, crlf_bodies, showcase=site == SHOWCASE)
        total += len(rows)
        os.makedirs(os.path.join(dump, site))
        lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"] + rows + ["</posts>"]
        text = eol.join(lines) + eol
        with open(os.path.join(dump, site, "Posts.xml"), "wb") as f:
            f.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    print(f"golden dump: {total} posts in {len(SITES)} sites", file=sys.stderr)
    check_showcase(os.path.join(dump, SHOWCASE, "Posts.xml"))


def check_showcase(path):
    """Fails unless the showcase file alone holds every case the parity test is meant to cover."""
    with open(path, encoding="utf-8") as f:
        posts = [ET.fromstring(line).attrib for line in f if line.lstrip().startswith("<row ")]
    questions = {p["Id"]: i for i, p in enumerate(posts) if p["PostTypeId"] == "1"}
    answers = [(i, p) for i, p in enumerate(posts) if p["PostTypeId"] == "2"]
    scores = {}
    for _, a in answers:
        scores.setdefault(a["ParentId"], set()).add(int(a["Score"]))
    bodies = [p.get("Body", "") for p in posts]

    def nested(html):
        depth = 0
        for m in re.finditer(r"<(/?)(?:ul|ol)>", html):
            depth += -1 if m.group(1) else 1
            if depth >= 2:
                return True
        return False

    cases = {
        "posts >= 320": len(posts) >= 320,
        "answer scores 9, 10, -1 and 100 on one question": any({9, 10, -1, 100} <= s for s in scores.values()),
        "a question without a title": any("Title" not in p for p in posts if p["PostTypeId"] == "1"),
        "a question without answers": any(q not in scores for q in questions),
        "an orphan answer": any(a["ParentId"] not in questions for _, a in answers),
        "an answer before its question": any(a["ParentId"] in questions and i < questions[a["ParentId"]]
                                             for i, a in answers),
        "a nested list": any(nested(b) for b in bodies),
        "a code block": any("<pre><code>" in b for b in bodies),
        "entities": all(any(e in b for b in bodies) for e in ("&amp;", "&lt;", "&gt;", "&#39;", "&nbsp;")),
        "unicode": any(any(ord(c) > 0xFFFF for c in b) for b in bodies) and any(not b.isascii() for b in bodies),
    }
    missing = [k for k, ok in cases.items() if not ok]
    if missing:
        sys.exit(f"{path}: the showcase file lacks: {', '.join(missing)}")
    print(f"showcase {SHOWCASE}: {len(posts)} posts, {len(questions)} questions, every case present",
          file=sys.stderr)


def write_archive(out):
    site = "cooking.stackexchange.com"
    archives = os.path.join(out, "archives")
    shutil.rmtree(archives, ignore_errors=True)
    os.makedirs(archives)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(out, "dump", site, "Posts.xml"), os.path.join(tmp, "Posts.xml"))
        with open(os.path.join(tmp, "Comments.xml"), "w") as f:
            f.write('<?xml version="1.0" encoding="utf-8"?>\n<comments>\n  <row Id="1" PostId="1" Text="nice" />\n'
                    "</comments>\n")
        for name in ("Comments.xml", "Posts.xml"):
            os.utime(os.path.join(tmp, name), (1680000000, 1680000000))
        subprocess.run(["7z", "a", "-bd", "-mx=9", "-mtc=off", "-mta=off", os.path.join(os.path.abspath(archives),
                        site + ".7z"), "Comments.xml", "Posts.xml"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)


def run_redpajama(rp, out):
    """RedPajama's filter.py, then post_processing.py twice: as it is, and with numeric answer order."""
    expected = {}
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "data")
        os.makedirs(data)
        for site, *_ in SITES:
            # download.py's layout: data/SITE.xml
            shutil.copy(os.path.join(out, "dump", site, "Posts.xml"), os.path.join(data, site + ".xml"))
        # filter.py imports src.stack_exchange.count from the working directory.
        os.makedirs(os.path.join(work, "src"))
        os.symlink(os.path.abspath(rp), os.path.join(work, "src", "stack_exchange"))
        stub = os.path.join(work, "stub")
        os.makedirs(stub)
        with open(os.path.join(stub, "fasttext.py"), "w") as f:
            f.write("class _M:\n    def predict(self, text, k=1):\n        return (('__label__en',), [1.0])\n"
                    "def load_model(path):\n    return _M()\n")
        env = dict(os.environ, LEMMA_DATA_DIR_SE=data + "/", PYTHONPATH=stub)
        subprocess.run([PY, os.path.join(rp, "filter.py")], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        numeric = ("import runpy, sys\n"
                   "def numeric(answers, key=None, reverse=False):\n"
                   "    # LLaMA: answers by score, highest first; as numbers, ties by id\n"
                   "    return __builtins__.sorted(answers, key=lambda a: (-int(a['score']), int(a['id'])))\n"
                   "runpy.run_path(sys.argv[1], init_globals={'sorted': numeric}, run_name='__main__')\n")
        for mode, cmd in (("redpajama", [PY, os.path.join(rp, "post_processing.py")]),
                          ("numeric", [PY, "-c", numeric, os.path.join(rp, "post_processing.py")])):
            result = os.path.join(work, "out-" + mode)
            env2 = dict(env, LEMMA_DATA_DIR_SE_OUT=result + "/")
            subprocess.run(cmd, cwd=work, env=env2, check=True, stdout=subprocess.DEVNULL)
            docs = []
            for name in sorted(os.listdir(result)):
                site = name[:-len(".jsonl")]
                with open(os.path.join(result, name)) as f:
                    for line in f:
                        d = json.loads(line)
                        qid = int(d["meta"]["url"].rsplit("/", 1)[1])
                        docs.append({"id": f"stackexchange/{site}/{qid}", "text": d["text"],
                                     "question_score": int(d["meta"]["question_score"])})
            docs.sort(key=lambda d: d["id"])
            expected[mode] = docs
            with open(os.path.join(out, f"expected-{mode}.jsonl"), "w") as f:
                for d in docs:
                    f.write(json.dumps(d, ensure_ascii=False) + "\n")
            print(f"{mode}: {len(docs)} documents", file=sys.stderr)
    differ = sum(1 for a, b in zip(expected["numeric"], expected["redpajama"]) if a["text"] != b["text"])
    print(f"the two orders differ on {differ} documents", file=sys.stderr)


def cleanhtml_of(rp):
    """RedPajama's cleanhtml, taken from post_processing.py (whose import would load fastText)."""
    tree = ast.parse(open(os.path.join(rp, "post_processing.py")).read())
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "cleanhtml")
    namespace = {"BeautifulSoup": BeautifulSoup}
    exec(compile(ast.Module(body=[fn], type_ignores=[]), "post_processing.py", "exec"), namespace)
    return namespace["cleanhtml"]


HAND = ["  <p>x</p>", "\n*\n*a", "<p>a</p>\n\n<p>b</p>\n", "a<br>b", "&amp &nbsp; &nbspx &copy &#128; &#0; &#xD800;",
        "&#x110000; &foo; &lt", "a\r\nb\rc", "a<!-- c -->b", "<script>x=1</script>y", "<style>p{}</style>z",
        "a < b <3 c<d", "<pre>\nx\n</pre>", "<textarea>\nx</textarea>", "x<p>a<p>b</p>", "<![CDATA[x]]>y",
        "<!DOCTYPE html>x", "<!DOCTYPE html>xy<p>z", "<?php x ?>y", "<? x>y", "<title>T</title>z", " ", "", "\n",
        "<p> </p> <p> </p>", "<html> <head> </head> <body> x </body> </html> y", "</html>  x",
        "x</html>  <!-- c -->  y", "a</ b>c", "a</3>c", "<b>x</b>&", "a &", "<b>x</b><", "\ufeffx", "\ufeff  x",
        "<scrIpt>a</SCRIPT>b", "<script>a</scriptx>b</script>c", "<template><p>x</p></template>y",
        "<pre>a<p>b\n\n</p>  </pre>  ", "<ul><li>a</ul>", "é<", "<a href='x>y'>t</a>", "<a href=x/>t",
        "<a b c d='>'>e", "<p\n>x", "<P>X</P>", "<x-y>z</x-y>", "<_a>b", "<.a>b", "<!--x", "<!-", "<!x",
        "<!xyzabcdefg>h", "<?", "<?x", "&#x1F600;", "&#xfffe;", "&#65x", "&ampé;", "&é;",
        "<table>x<tr><td>y</td>z</tr></table>", "<p>a<table><tr><td>b</td></tr></table>c</p>",
        "<div>a</p>b</div>", "<b><p>x</b>y</p>", "<pre>\n\n</pre>", "<textarea>  </textarea> ",
        "<p>a</p>\u00a0<p>b</p>", "<head><title>t</title></head>x", "text\n\n", "<body><body>x</body></body>y",
        "<html><html>x", "<ol><li>one</li><li>two<ul><li>in</li></ul></li></ol>", "<li class=x>kept</li>",
        "<pre><code>a\n\n\nb</code></pre>", "Q <p>x</p>", "<p>a</p>\r\n\r\n<p>b</p>"]


def fuzz_html(n):
    tags_inline = ["b", "i", "em", "strong", "code", "a", "span", "kbd", "sup", "sub", "del", "s", "img", "br", "q"]
    tags_block = ["p", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "hr", "div", "table", "tr", "td", "dl",
                  "dd", "textarea", "script", "style", "template", "title", "tbody"]
    odd = ["<!-- c -->", "<!---->", "<!-->", "<?php 1 ?>", "<![CDATA[x]]>", "<br>", "<br/>", "</p>", "</b>",
           "</div>", "<p/>", "</pre>", "</html>", "</body>", "<body>", "<html>", "<head>", "<!DOCTYPE html>",
           "<li>", "</li>", "<ol>", "</ol>", "<", "&", "<3", "a<b", "]]>", "<!", "<?", "</"]
    ws = [" ", "\n", "\n\n", "  ", "\t", "\r\n", " \n ", ""]

    def text():
        return "".join(R.choice([R.choice(WORDS), R.choice(ENTITIES), R.choice(UNICODE), R.choice(ws), " "])
                       for _ in range(R.randint(0, 6)))

    def node(depth):
        r = R.random()
        if depth > 3 or r < 0.35:
            return text()
        if r < 0.45:
            return R.choice(ws)
        if r < 0.52:
            return R.choice(odd)
        tag = R.choice(tags_inline if R.random() < 0.5 else tags_block)
        if R.random() < 0.1:
            tag = tag.upper()
        attrs = R.choice(["", ' class="x"', " href='a>b'", " title=x", ' alt="it\'s"', " data-x"])
        inner = "".join(node(depth + 1) for _ in range(R.randint(0, 4)))
        return f"<{tag}{attrs}>" + inner + (f"</{tag}>" if R.random() < 0.9 else "")

    out = []
    for i in range(n):
        k = R.random()
        out.append(body() if k < 0.35 else title() + " " + body() if k < 0.5
                   else R.choice(ws) + "".join(node(0) for _ in range(R.randint(1, 5))) + R.choice(ws))
    return out


def write_html_cases(rp, out):
    cleanhtml = cleanhtml_of(rp)
    with open(os.path.join(out, "html-cases.jsonl"), "w") as f:
        for h in HAND + fuzz_html(3000):
            f.write(json.dumps({"html": h, "text": cleanhtml(h)}, ensure_ascii=False) + "\n")


def write_row_cases(out):
    good = []
    for i in range(150):
        fields = {"Id": R.randint(1, 10 ** 9), "PostTypeId": R.choice([1, 2, 4, 5]), "Score": R.randint(-50, 5000),
                  "Body": body(), "Title": title(), "CreationDate": "2020-01-01T00:00:00.000"}
        if R.random() < 0.5:
            fields["ParentId"] = R.randint(1, 10 ** 6)
        good.append(row(fields).strip())
    variants = [
        '<row Id="1" Body="a&#x9;b&#xA;c&#xD;d" />', "<row Id='1' Title='it&apos;s' />", '<row Id="1" Body="tab\there" />',
        '<row Id="1" Body="cr\rhere" />', '<row Id="1" xml:lang="en" />', '<row Id="1"></row>', '<row Id="1" ></row >',
        '<row Id="1"/>', '<row  Id = "1"  />', '<row Id="1" Body="&#128;&#x10FFFF;" />',
        '<row Id="1" Body="a<b" />', '<row Id="1" Body="a&b" />', '<row Id="1" Body="&foo;" />',
        '<row Id="1" Body="&#0;" />', '<row Id="1" Body="&#x110000;" />', '<row Id="1" Body="&#xD800;" />',
        '<row Id="1" Body="&#X41;" />', '<row Id="1" Body="&#;" />', '<row Id="1" Body="&#x;" />',
        '<row Id="1" Body="x />', '<row Id="1" Id="2" />', '<row Id="1"Body="x" />', '<row Id=1 />',
        '<row Id="1" a:b="x" />', '<row Id="1" /> junk', '<row Id="1" /><row Id="2" />', '<row Id="1">text</row>',
        '<row Id="1" Body="\x01" />', '<row Id="1" Body="&#1;" />', '<row Id="1" Body="\ufffe" />',
        '<row Id="1" 1a="x" />', '<row Id="1" Body="x"', '<rowx Id="1" />', '<row Id="1" / >',
        '<row Id="1" Body="&amp;lt;p&amp;gt;" />', '<row Id="1" Body="&#65;&#x42;" />', '<row Id="1" Body=\'"\' />',
        '<row Id="1" Body="\'" />', '<row Id="1" Body="]]>" />', '<row Id="1" Body=">" />']
    lines = good + variants
    for g in good[:60]:
        i = R.randrange(5, len(g) - 3)
        lines.append(g[:i] + R.choice(["<", "&", '"', "", "&#1;", " = ", "\x02", "&bogus;"]) + g[i + 1:])
    with open(os.path.join(out, "rows-cases.jsonl"), "w") as f:
        for line in lines:
            try:
                attrib = dict(ET.fromstring(line + "\n").attrib)
                tag = ET.fromstring(line + "\n").tag
                if tag != "row":
                    attrib = None
            except ET.ParseError:
                attrib = None
            f.write(json.dumps({"line": line, "attributes": attrib}, ensure_ascii=False) + "\n")


def main():
    rp = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    write_dump(out)
    write_archive(out)
    run_redpajama(rp, out)
    write_html_cases(rp, out)
    write_row_cases(out)


if __name__ == "__main__":
    main()
