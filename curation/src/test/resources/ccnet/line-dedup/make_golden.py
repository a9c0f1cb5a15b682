"""Goldens for LineDeduplicator: cc_net's own line dedup run on documents written here.

Usage: /usr/bin/python3 make_golden.py CC_NET_DIR UDHR_TSV
  CC_NET_DIR: a checkout of facebookresearch/cc_net (bda555b); needs numpy, psutil, requests,
  typing_extensions (Debian: python3-numpy python3-psutil python3-requests python3-typing-extensions).
Writes docs.jsonl (the input), one-pass.jsonl (dedup.deduplicate: the first copy stays) and
two-pass.jsonl (HashesCollector then DuplicatesRemover, as mine.py runs them: the paper's). cc_net drops a document
with no line left; those ids are simply absent from its output.
"""
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from cc_net import dedup, jsonql  # noqa: E402

here = Path(__file__).resolve().parent
rng = random.Random(20261205)
paragraphs = []
with open(sys.argv[2], encoding="utf-8") as f:
    for row in f:
        parts = row.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[2].strip():
            paragraphs.append(parts[2])
boilerplate = [
    "Home | About | Contact",
    "  home | ABOUT | contact ",  # the same line once normalized (case, spaces)
    "Copyright 2019 Example Inc. All rights reserved.",
    "Copyright 2023 Example Inc. All rights reserved.",  # digits normalize to 0
    "Accept cookies?",
    "Accept cookies!",  # punctuation is not removed by normalize_for_dedup
    "",
    "Ｆｕｌｌ　ｗｉｄｔｈ menu",
    "Share on 😀 social",
    "\tTabbed line\t",
]
docs = []
for i in range(240):
    lines = []
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.35:
            lines.append(rng.choice(boilerplate))
        elif r < 0.5 and docs:
            # a line of an earlier document, sometimes upper-cased
            other = rng.choice(docs)["raw_content"].split("\n")
            line = rng.choice(other)
            lines.append(line.upper() if rng.random() < 0.3 else line)
        else:
            lines.append(rng.choice(paragraphs)[: rng.randint(20, 300)])
    if rng.random() < 0.1 and lines:
        lines.append(lines[0])  # repeated inside the document
    if rng.random() < 0.05 and docs:
        lines = docs[-1]["raw_content"].split("\n")  # an exact copy of the previous document
    docs.append({"id": i, "raw_content": "\n".join(lines)})

with open(here / "docs.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")


def write(name, out_docs):
    with open(here / name, "w", encoding="utf-8") as f:
        for d in filter(None, out_docs):
            keep = {k: d[k] for k in ("id", "raw_content", "nlines", "line_ids")}
            keep["line_ids"] = [int(x) for x in keep["line_ids"]]
            f.write(json.dumps(keep, ensure_ascii=False) + "\n")


write("one-pass.jsonl", list(dedup.deduplicate(here / "docs.jsonl")))
with tempfile.TemporaryDirectory() as tmp:
    # As mine.py composes it: HashesCollector writes the hashes, DuplicatesRemover reads them.
    # (deduplicate_two_pass deletes its hash file before its lazy map reads it, so it cannot run.)
    hashes = Path(tmp) / "hashes.bin"
    jsonql.run_pipes(
        jsonql.JsonReader(),
        dedup.HashesCollector("raw_content", output=hashes),
        file=here / "docs.jsonl",
    )
    remover = dedup.DuplicatesRemover("raw_content", [hashes])
    write("two-pass.jsonl", list(remover.map(jsonql.read_jsons(here / "docs.jsonl"))))
