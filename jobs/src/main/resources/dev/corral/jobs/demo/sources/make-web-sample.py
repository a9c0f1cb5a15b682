#!/usr/bin/env python3
"""Writes the demo's web samples (text written for Corral from templates, nothing crawled):

  commoncrawl/CC-MAIN-2019-09-sample.warc.wet.gz  WET conversion records as Common Crawl writes them
  c4/c4-train.00000-of-01024.json.gz               C4's JSON lines (text, url, timestamp)
  quality/references.jsonl, quality/random.jsonl    pages for the Wikipedia-reference classifier

Deterministic (fixed seed, gzip mtime 0): rerun it and the files are byte for byte the same.
Run from this folder: python3 make-web-sample.py
"""
import gzip
import hashlib
import io
import json
import random
import uuid

rng = random.Random(16)

PLACES = ["Lisbon", "Kraków", "Uppsala", "Ghent", "Bergamo", "Tartu", "Ljubljana", "Porto", "Lyon",
          "Bratislava", "Aarhus", "Graz", "Brno", "Turku", "Leiden", "Coimbra", "Pécs", "Split"]
TOPICS = ["river", "cathedral", "university", "bridge", "observatory", "botanical garden", "library",
          "fortress", "harbour", "railway station", "museum", "monastery"]
CENTURIES = ["twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth"]
PEOPLE = ["architect", "bishop", "merchant guild", "city council", "engineer", "astronomer", "king"]
FACTS = [
    "The {topic} of {place} was founded in the {century} century by the local {person}.",
    "It was rebuilt after a fire and later extended with a second wing in the same style.",
    "Historians describe the {topic} as one of the best preserved examples of its period in the region.",
    "The building is listed as a national monument and is open to visitors for most of the year.",
    "Its collection includes manuscripts, maps and instruments that were donated by the {person}.",
    "During the {century} century the {topic} served as a meeting place for scholars and travellers.",
    "The population of {place} grew quickly after the {topic} was completed, according to parish records.",
    "A detailed survey published in the journal of the regional historical society describes its foundations.",
    "The main hall measures about forty metres in length and is lit by tall windows on the southern side.",
    "Several studies compare the {topic} of {place} with similar buildings in neighbouring cities.",
]
SPAM = [
    "Click here to get the best deals on cheap {item} today!!!",
    "Buy {item} online now, free shipping, limited offer, order now.",
    "Top 10 {item} you will not believe, number 7 will shock you.",
    "Win a free {item} now, sign up and claim your bonus code instantly.",
    "Cheap {item} cheap {item} best price guaranteed lowest price online.",
    "Hot singles and casino bonus, click the link, register free today.",
    "Make money fast from home with this one weird trick, click here.",
    "Best {item} reviews 2019, buy now before the sale ends tonight.",
    "Discount {item} outlet store, 90% off, hurry, offer ends soon.",
]
ITEMS = ["watches", "sneakers", "phones", "sunglasses", "handbags", "laptops", "headphones", "jackets"]
NAV = ["Home | About | Contact | Privacy policy", "Share on Facebook Share on Twitter",
       "Copyright 2019 All rights reserved."]


def article(i):
    place, topic = PLACES[i % len(PLACES)], TOPICS[(i * 5) % len(TOPICS)]
    century, person = CENTURIES[(i * 3) % len(CENTURIES)], PEOPLE[(i * 7) % len(PEOPLE)]
    facts = rng.sample(FACTS, 6)
    if FACTS[0] not in facts:
        facts[0] = FACTS[0]
    lines = [f.format(topic=topic, place=place, century=century, person=person) for f in facts]
    return f"The {topic} of {place}", lines


def spam(i):
    items = rng.sample(ITEMS, 3)
    lines = [rng.choice(SPAM).format(item=items[k % 3]) for k in range(7)]
    return f"Cheap {items[0]} deals", lines


def wet_record(url, date, title, text):
    block = (title + "\n" + text).encode("utf-8")
    rid = uuid.UUID(hashlib.md5(url.encode()).hexdigest())
    ref = uuid.UUID(hashlib.md5((url + "#response").encode()).hexdigest())
    headers = ("WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: " + url + "\r\nWARC-Date: " + date
               + "\r\nWARC-Record-ID: <urn:uuid:" + str(rid) + ">\r\nWARC-Refers-To: <urn:uuid:" + str(ref)
               + ">\r\nWARC-Block-Digest: sha1:" + hashlib.sha1(block).hexdigest().upper()
               + "\r\nContent-Type: text/plain\r\nContent-Length: " + str(len(block)) + "\r\n\r\n")
    return headers.encode("ascii") + block + b"\r\n\r\n"


def warcinfo(name):
    block = b"isPartOf: CC-MAIN-2019-09\r\npublisher: Common Crawl\r\n"
    headers = ("WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2019-02-24T05:12:00Z\r\nWARC-Filename: " + name
               + "\r\nWARC-Record-ID: <urn:uuid:" + str(uuid.UUID(hashlib.md5(name.encode()).hexdigest()))
               + ">\r\nContent-Type: application/warc-fields\r\nContent-Length: " + str(len(block)) + "\r\n\r\n")
    return headers.encode("ascii") + block + b"\r\n\r\n"


def gz(path, data):
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)


# Common Crawl: 24 pages, two thirds encyclopedic, a third spam; every page carries navigation lines that
# CCNet's line dedup removes; pages 20-23 repeat pages 0-3 with one line changed (near duplicates).
name = "CC-MAIN-2019-09-sample.warc.wet.gz"
records = [warcinfo(name)]
pages = []
for i in range(20):
    title, lines = article(i) if i % 3 != 2 else spam(i)
    pages.append((title, lines))
for i in range(4):
    title, lines = pages[i]
    pages.append((title, lines[:-1] + ["This page was last edited on 3 March 2019."]))
for i, (title, lines) in enumerate(pages):
    body = "\n".join(NAV[:2] + lines + NAV[2:])
    records.append(wet_record(f"https://example-{i % 9}.org/page/{i}", "2019-02-24T05:%02d:00Z" % i, title, body))
gz("commoncrawl/" + name, b"".join(records))

# C4: 24 documents; C4's rules drop those with a curly bracket, "lorem ipsum" or lines without a
# terminal mark, and three are exact copies of others (kept once by exact dedup).
docs = []
for i in range(18):
    title, lines = article(100 + i)
    docs.append("\n".join(lines))
docs.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" + "\n".join(article(200)[1]))
docs.append("function main() { return 0; }\n" + "\n".join(article(201)[1]))
docs.append("\n".join(l.rstrip(".") for l in article(202)[1]))
docs += [docs[0], docs[1], docs[2]]
out = io.StringIO()
for i, text in enumerate(docs):
    out.write(json.dumps({"text": text, "timestamp": "2019-04-%02dT10:00:00Z" % (i % 28 + 1),
                          "url": f"https://c4-example-{i}.com/article"}, ensure_ascii=False) + "\n")
gz("c4/c4-train.00000-of-01024.json.gz", out.getvalue().encode("utf-8"))

# Quality classifier: pages cited as references (encyclopedic) and random pages (spam, navigation).
with open("quality/references.jsonl", "w", encoding="utf-8") as f:
    for i in range(60):
        f.write(json.dumps({"text": " ".join(article(300 + i)[1])}) + "\n")
with open("quality/random.jsonl", "w", encoding="utf-8") as f:
    for i in range(60):
        lines = spam(400 + i)[1]
        if i % 4 == 0:
            lines = lines[:3] + NAV
        f.write(json.dumps({"text": " ".join(lines)}) + "\n")
