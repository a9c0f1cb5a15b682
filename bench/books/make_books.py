"""Writes N book-sized documents of real text as RedPajama's PG-19 chunks (pg19_000, pg19_001, ... of
2,000 lines) into DIR/split/, plus empty chunks for the other names RedPajama's dedup.py opens.

SOURCE is either the UDHR TSV (266 languages, /work/shared/data/udhr-dev.tsv): each book joins its
paragraphs drawn at random up to about CHARS characters; or a folder of real Project Gutenberg texts
(c-w/gutenberg's tests/data/raw-texts): each book is the next of them in name order, whole (its first
CHARS characters when CHARS > 0). Either way, one book in ten is an edition of an earlier one with a
few words respelled, so that dedup has near-duplicates to find. Deterministic (seed 1).

    python3 make_books.py SOURCE DIR N CHARS
"""
import json
import os
import random
import sys


def main():
    source, folder, n, chars = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    texts = []
    if os.path.isdir(source):
        for name in sorted(os.listdir(source)):
            with open(os.path.join(source, name), "rb") as f:
                data = f.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            texts.append(text[:chars] if chars > 0 else text)
    else:
        with open(source, encoding="utf-8") as f:
            paragraphs = [line.rstrip("\n").split("\t", 2)[2] for line in f]
    rng = random.Random(1)
    split = os.path.join(folder, "split")
    os.makedirs(split, exist_ok=True)
    books = []
    for i in range(n):
        if i % 10 == 9:
            words = books[rng.randrange(len(books))].split(" ")
            for _ in range(5):
                k = rng.randrange(len(words))
                words[k] = words[k][::-1]
            books.append(" ".join(words))
            continue
        if texts:
            books.append(texts[len(books) - len(books) // 10])  # IndexError: N too large for SOURCE
            continue
        parts, size = [], 0
        while size < chars:
            p = paragraphs[rng.randrange(len(paragraphs))]
            parts.append(p)
            size += len(p) + 2
        books.append("\n\n".join(parts))
    for chunk in range(0, n, 2000):
        with open(os.path.join(split, "pg19_%03d" % (chunk // 2000)), "w", encoding="utf-8") as f:
            for i in range(chunk, min(n, chunk + 2000)):
                row = {"short_book_title": "Book %d" % i, "publication_date": 1900 + i % 19,
                       "url": "https://example.org/books/%d" % i, "text": books[i]}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for corpus, count in (("pg19", 15), ("books3", 99)):
        for num in range(count):
            path = os.path.join(split, "%s_%03d" % (corpus, num))
            if not os.path.exists(path):
                open(path, "w").close()


if __name__ == "__main__":
    main()
