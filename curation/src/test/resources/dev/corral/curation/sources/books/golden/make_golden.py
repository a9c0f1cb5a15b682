"""Runs the reference code on the golden inputs and writes the expected outputs (expected/).

    python3 make_golden.py --redpajama RP --simhash SIMHASH --gutenberg GUTENBERG

RP: a checkout of togethercomputer/RedPajama-Data at rp_v1 (45b37c2a1d1e495b0f48549ef3ce03ff029f7881);
its data_prep/book/dedup.py is run as is. SIMHASH: a checkout of 1e0ng/simhash at
78f3b8d5b810d93443269b6e227cae7b95e67316 (simhash 2.1.2, needs numpy). GUTENBERG: a checkout of
c-w/gutenberg at 123d13435b31a39f6fda3c4df2976a40f74633a1 (its strip_headers). Nothing of theirs
is copied here: each is imported or executed from the path given.

What it writes (see README.md):
  expected/gutenberg.jsonl          every Gutenberg file's text: strip_headers as is ("redpajama")
                                    and with the paper-mode fix ("paper")
  expected/redpajama-book.jsonl     dedup.py's own output, byte for byte
  expected/redpajama.jsonl          per book: Corral's id, RedPajama's id, kept or not (dedup.py's
                                    output matched back to its input)
  expected/paper-simhash.jsonl      per book: kept, and the book it gives way to; RedPajama's
                                    features, Simhash and SimhashIndex with the fixes (ids that
                                    never collide, a book dropped only for a kept near-duplicate)
  expected/paper-containment.jsonl  per book: kept, and the book it gives way to; the paper's rule
                                    ("more than 90% content overlap") by brute force over every pair
"""
import argparse
import codecs
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 2000  # RedPajama's split -l 2000


def decode(data):
    """Corral's reading of a Gutenberg file: UTF-8 (its BOM removed), else Windows-1252 as the
    WHATWG standard decodes it (undefined bytes become the C1 control of the same value)."""
    try:
        text = data.decode("utf-8")
        return text[1:] if text.startswith("\ufeff") else text
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="corral-c1")


codecs.register_error(
    "corral-c1", lambda e: ("".join(chr(b) for b in e.object[e.start:e.end]), e.end))

# The paper-mode fix to strip_headers: the explicit "end of the Project Gutenberg text" markers
# end a book before its 100th line too (upstream ignores every footer marker until then, so a short
# book keeps the whole licence).
EXPLICIT_END_MARKERS = (
    "*** END OF THE PROJECT GUTENBERG", "*** END OF THIS PROJECT GUTENBERG",
    "***END OF THE PROJECT GUTENBERG", "End of the Project Gutenberg",
    "End of The Project Gutenberg", "End of Project Gutenberg", "End of this Project Gutenberg",
    "        ***END OF THE PROJECT GUTENBERG", "*** END OF THE COPYRIGHTED",
    "END OF PROJECT GUTENBERG", " End of the Project Gutenberg",
    " *** END OF THIS PROJECT GUTENBERG")


def load_strippers(gutenberg):
    sys.path.insert(0, gutenberg)
    from gutenberg.cleanup import strip_headers
    module = sys.modules["gutenberg.cleanup.strip_headers"]
    source = open(module.__file__, encoding="utf-8").read()
    fixed = source.replace(
        "        if i >= 100:\n",
        "        if i >= 100 or any(line.startswith(t) for t in EXPLICIT_END_MARKERS):\n")
    assert fixed != source, "strip_headers changed: the fix no longer applies"
    namespace = {"EXPLICIT_END_MARKERS": EXPLICIT_END_MARKERS, "__name__": "strip_headers_fixed"}
    exec(compile(fixed, module.__file__ + " (paper fix)", "exec"), namespace)
    return strip_headers, namespace["strip_headers"]


def stem(name):
    for ext in (".txt", ".jsonl", ".json"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def read_inputs(strip_rp, strip_paper):
    """The books in RedPajama's order, each with Corral's id, RedPajama's id and both texts."""
    books = []
    folder = os.path.join(HERE, "gutenberg")
    for rank, name in enumerate(sorted(os.listdir(folder))):
        with open(os.path.join(folder, name), "rb") as f:
            text = decode(f.read())
        books.append({"id": "gutenberg/" + stem(name), "rp_id": rank, "corpus": "gutenberg",
                      "name": stem(name), "rp_text": strip_rp(text),
                      "paper_text": strip_paper(text)})
    for corpus in ("pg19", "books3"):
        folder = os.path.join(HERE, corpus)
        for name in sorted(os.listdir(folder)):
            num = int(re.search(r"_(\d+)$", name).group(1))
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for line_no, line in enumerate(f.readlines()):
                    row = json.loads(line)
                    books.append({"id": f"{corpus}/{stem(name)}/{line_no}",
                                  "rp_id": line_no + num * CHUNK, "corpus": corpus,
                                  "chunk": name, "row": row, "rp_text": row["text"],
                                  "paper_text": row["text"]})
    return books


def redpajama(books, rp, simhash):
    """dedup.py as is, in a folder laid out as RedPajama's README splits the data."""
    work = tempfile.mkdtemp(prefix="rp-books-")
    split = os.path.join(work, "data", "book", "split")
    os.makedirs(split)
    members = {}
    gutenberg = [b for b in books if b["corpus"] == "gutenberg"]
    assert len(gutenberg) <= CHUNK
    # Gutenberg books become PG-19 rows of the first chunk, pg19_000, in file order.
    with open(os.path.join(split, "pg19_000"), "w", encoding="utf-8") as f:
        for b in gutenberg:
            row = {"short_book_title": b["name"], "publication_date": None,
                   "url": b["id"], "text": b["rp_text"]}
            f.write(json.dumps(row) + "\n")
    for b in books:
        if b["corpus"] != "gutenberg":
            shutil.copy(os.path.join(HERE, b["corpus"], b["chunk"]), split)
    for corpus, count in (("pg19", 15), ("books3", 99)):
        for num in range(count):
            path = os.path.join(split, "%s_%03d" % (corpus, num))
            if not os.path.exists(path):
                open(path, "w").close()
    env = dict(os.environ, PYTHONPATH=simhash)
    subprocess.run([sys.executable, os.path.join(rp, "data_prep", "book", "dedup.py"),
                    "-n", "2"], cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
    output = os.path.join(work, "data", "book", "book.jsonl")
    shutil.copy(output, os.path.join(HERE, "expected", "redpajama-book.jsonl"))
    kept = set()
    with open(output, encoding="utf-8") as f:
        for line in f:
            kept.add(json.dumps(json.loads(line), sort_keys=True))
    decisions = []
    for b in books:
        if b["corpus"] == "gutenberg":
            meta = {"short_book_title": b["name"], "publication_date": None, "url": b["id"]}
        else:
            meta = {k: v for k, v in b["row"].items() if k != "text"}
        key = json.dumps({"meta": meta, "text": b["rp_text"]}, sort_keys=True)
        decisions.append({"id": b["id"], "rp_id": b["rp_id"], "kept": key in kept})
    assert sum(d["kept"] for d in decisions) == len(kept), "every output row is one input book"
    shutil.rmtree(work)
    return decisions


def paper_simhash(books, rp, simhash):
    """RedPajama's features, Simhash and SimhashIndex with the two fixes: Corral's ids (unique
    across corpora) order the books, and a book is dropped only when a near-duplicate that comes
    before it was kept (RedPajama drops it for any earlier near-duplicate, even a dropped one)."""
    sys.path.insert(0, simhash)
    sys.path.insert(0, os.path.join(rp, "data_prep", "book"))
    import dedup
    from simhash import Simhash, SimhashIndex
    hashes = [(b["id"], Simhash(dedup.get_features(b["paper_text"]))) for b in books]
    index = SimhashIndex(hashes, k=dedup.hash_k)
    kept = {}
    out = []
    for book_id, h in sorted(hashes, key=lambda x: x[0]):
        earlier = [n for n in index.get_near_dups(h) if n < book_id and kept.get(n)]
        kept[book_id] = not earlier
        out.append({"id": book_id, "kept": not earlier,
                    "duplicate_of": min(earlier) if earlier else None})
    return out


# Corral's BookDeduplicator shingles (dev.corral.curation.dedup.Shingles): lower case, decimal
# digits as 0, punctuation (P*) removed, words split on Java's whitespace, word 5-grams; kept as
# word tuples here (Corral hashes them to 64 bits).
JAVA_SPACE = set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


def words(text):
    out, word = [], []
    for c in text:
        cat = unicodedata.category(c)
        if cat in ("Zs", "Zl", "Zp") or c in JAVA_SPACE:
            if word:
                out.append("".join(word))
                word = []
        elif cat.startswith("P"):
            continue
        elif cat == "Nd":
            word.append("0")
        else:
            word.append("i" if c == "\u0130" else c.lower())
    if word:
        out.append("".join(word))
    return out


def shingles(text, n=5):
    w = words(text)
    if not w:
        return set()
    width = min(n, len(w))
    return {tuple(w[i:i + width]) for i in range(max(1, len(w) - n + 1))}


def paper_containment(books, threshold=0.9):
    """The paper's rule as Corral's BookDeduplicator states it: a pair overlaps when the smaller
    shingle set has at least threshold of its shingles in the larger; overlapping books form
    clusters (connected components) that keep the longest text, then the smallest id."""
    sets = {b["id"]: shingles(b["paper_text"]) for b in books}
    length = {b["id"]: len(b["paper_text"]) for b in books}
    parent = {i: i for i in sets}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ids = sorted(sets)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            sa, sb = sets[a], sets[b]
            if not sa or not sb:
                continue  # no words: no shingles, never a candidate
            small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
            if len(small & large) / len(small) >= threshold:
                parent[root(a)] = root(b)
    clusters = {}
    for i in ids:
        clusters.setdefault(root(i), []).append(i)
    out = []
    for i in ids:
        members = clusters[root(i)]
        keep = min(members, key=lambda m: (-length[m], m))
        out.append({"id": i, "kept": keep == i, "duplicate_of": None if keep == i else keep})
    return out


def write(name, rows):
    with open(os.path.join(HERE, "expected", name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--redpajama", required=True)
    parser.add_argument("--simhash", required=True)
    parser.add_argument("--gutenberg", required=True)
    args = parser.parse_args()
    strip_rp, strip_paper = load_strippers(args.gutenberg)
    books = read_inputs(strip_rp, strip_paper)
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    write("gutenberg.jsonl", [{"id": b["id"], "redpajama": b["rp_text"], "paper": b["paper_text"]}
                              for b in books if b["corpus"] == "gutenberg"])
    write("redpajama.jsonl", redpajama(books, args.redpajama, args.simhash))
    write("paper-simhash.jsonl", paper_simhash(books, args.redpajama, args.simhash))
    write("paper-containment.jsonl", paper_containment(books))


if __name__ == "__main__":
    main()
