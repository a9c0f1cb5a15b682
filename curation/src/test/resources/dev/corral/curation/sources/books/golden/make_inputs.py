"""Writes the golden set's inputs (gutenberg/, pg19/, books3/ beside this script).

Book bodies are public-domain passages of real Project Gutenberg books, taken from the raw texts
that the `gutenberg` package tests with (c-w/gutenberg@123d134:tests/data/raw-texts/); headers,
small print and licences are Project Gutenberg's own, in the variants the archive has used since
the 1990s. Editions are planted near-duplicates: a few spelling variants, rewrapped lines, an added
preface, an abridgement, an exact copy, a chain of editions.

    python3 make_inputs.py /path/to/c-w-gutenberg/tests/data/raw-texts
"""
import json
import os
import random
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))


def raw(folder, number):
    with open(os.path.join(folder, str(number)), "rb") as f:
        return f.read().decode("utf-8").replace("\r\n", "\n")


def excerpt(text, line, count):
    """count lines from line (1-based), checked free of the raw texts' mojibake."""
    body = "\n".join(text.split("\n")[line - 1:line - 1 + count])
    assert "aEuro" not in body and "\ufffd" not in body, (line, body[:200])
    return body


def licence(text, full):
    """The licence that follows a 2009 ebook (its full text, or its first paragraphs)."""
    start = text.index("Updated editions will replace")
    part = text[start:].rstrip("\n")
    if not full:
        part = "\n".join(part.split("\n")[:48])
    return part


def edit(body, changes, seed):
    """A later edition: changes words respelled (a letter doubled or dropped), deterministically."""
    rng = random.Random(seed)
    words = body.split(" ")
    for _ in range(changes):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3 and w.isalpha():
            k = rng.randrange(1, len(w) - 1)
            words[i] = w[:k] + w[k] + w[k:] if rng.random() < 0.5 else w[:k] + w[k + 1:]
    return " ".join(words)


def rewrap(body, width):
    """The same text set in lines of another width, paragraph by paragraph."""
    paragraphs = body.split("\n\n")
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) if p.strip() else p
                       for p in paragraphs)


NOTICE_2021 = """This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online at
www.gutenberg.org. If you are not located in the United States, you
will have to check the laws of the country where you are located before
using this eBook."""

NOTICE_2003 = """This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.net"""

NOTICE_2009 = NOTICE_2003.replace("gutenberg.net", "gutenberg.org")


def modern_2021(b, body, lic):
    return (f"The Project Gutenberg eBook of {b['title']}, by {b['author']}\n\n{NOTICE_2021}\n\n"
            f"Title: {b['title']}\n\nAuthor: {b['author']}\n\n"
            f"Release Date: {b['release']} [eBook #{b['n']}]\n"
            f"[Most recently updated: {b['updated']}]\n\nLanguage: English\n\n"
            f"Character set encoding: UTF-8\n\nProduced by: {b['credits']}\n\n"
            f"*** START OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n\n\n\n"
            f"{body}\n\n\n\n"
            f"*** END OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n\n{lic}\n")


def modern_2023(b, body, lic):
    return (f"The Project Gutenberg eBook of {b['title']}\n    \n{NOTICE_2021}\n\n"
            f"Title: {b['title']}\n\nAuthor: {b['author']}\n\n"
            f"Release date: {b['release']} [eBook #{b['n']}]\n"
            f"                Most recently updated: {b['updated']}\n\n"
            f"Language: English\n\nCredits: {b['credits']}\n\n\n"
            f"*** START OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n"
            f"{body}\n\n"
            f"*** END OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n\n\n    \n\n{lic}\n")


def of_2009(b, body, lic, lead="The Project Gutenberg EBook of"):
    return (f"{lead} {b['title']}, by {b['author']}\n\n{NOTICE_2009}\n\n\n"
            f"Title: {b['title']}\n\nAuthor: {b['author']}\n\n"
            f"Release Date: {b['release']} [EBook #{b['n']}]\n\nLanguage: English\n\n"
            f"Character set encoding: {b.get('charset', 'ASCII')}\n\n"
            f"*** START OF THIS PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n\n\n\n\n"
            f"Produced by {b['credits']}\n\n\n\n\n"
            f"{body}\n\n\n\n\n\n"
            f"End of Project Gutenberg's {b['title']}, by {b['author']}\n\n"
            f"*** END OF THIS PROJECT GUTENBERG EBOOK {b['title'].upper()} ***\n\n"
            f"***** This file should be named {b['n']}.txt or {b['n']}.zip *****\n"
            f"This and all associated files of various formats will be found in:\n"
            f"        http://www.gutenberg.org/{'/'.join(str(b['n'])[:-1])}/{b['n']}/\n\n"
            f"Produced by {b['credits']}\n\n{lic}\n")


def of_2003(b, body, lic):
    return (f"The Project Gutenberg eBook, {b['title']}, by {b['author']}\n\n\n{NOTICE_2003}\n\n\n\n\n"
            f"Title: {b['title']}\n\nAuthor: {b['author']}\n\n"
            f"Release Date: {b['release']}  [eBook #{b['n']}]\n\nLanguage: English\n\n"
            f"Character set encoding: {b.get('charset', 'US-ASCII')}\n\n\n"
            f"***START OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()}***\n\n\n"
            f"E-text prepared by {b['credits']}\n\n\n\n"
            f"{body}\n\n\n\n\n\n"
            f"***END OF THE PROJECT GUTENBERG EBOOK {b['title'].upper()}***\n\n"
            f"******* This file should be named {b['n']}.txt or {b['n']}.zip *******\n\n"
            f"This and all associated files of various formats will be found in:\n"
            f"http://www.gutenberg.net/{'/'.join(str(b['n'])[:-1])}/{b['n']}\n\n{lic}\n")


SMALL_PRINT = """***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
Why is this "Small Print!" statement here?  You know: lawyers.
They tell us you might sue us if there is something wrong with
your copy of this etext, even if you got it for free from
someone other than us, and even if what's wrong is not our
fault.  So, among other things, this "Small Print!" statement
disclaims most of our liability to you.  It also tells you how
you can distribute copies of this etext if you want to.

*BEFORE!* YOU USE OR READ THIS ETEXT
By using or reading any part of this PROJECT GUTENBERG-tm
etext, you indicate that you understand, agree to and accept
this "Small Print!" statement.  If you do not, you can receive
a refund of the money (if any) you paid for this etext by
sending a request within 30 days of receiving it to the person
you got it from.  If you received this etext on a physical
medium (such as a disk), you must return it with your request.

ABOUT PROJECT GUTENBERG-TM ETEXTS
This PROJECT GUTENBERG-tm etext, like most PROJECT GUTENBERG-
tm etexts, is a "public domain" work distributed by Professor
Michael S. Hart through the Project Gutenberg Association at
Illinois Benedictine College (the "Project").  Among other
things, this means that no one owns a United States copyright
on or for this work, so the Project (and you!) can copy and
distribute it in the United States without permission and
without paying copyright royalties.  Special rules, set forth
below, apply if you wish to copy and distribute this etext
under the Project's "PROJECT GUTENBERG" trademark.

To create these etexts, the Project expends considerable
efforts to identify, transcribe and proofread public domain
works.  Despite these efforts, the Project's etexts and any
medium they may be on may contain "Defects".  Among other
things, Defects may take the form of incomplete, inaccurate or
corrupt data, transcription errors, a copyright or other
intellectual property infringement, a defective or damaged
disk or other etext medium, a computer virus, or computer
codes that damage or cannot be read by your equipment.

LIMITED WARRANTY; DISCLAIMER OF DAMAGES
But for the "Right of Replacement or Refund" described below,
[1] the Project (and any other party you may receive this
etext from as a PROJECT GUTENBERG-tm etext) disclaims all
liability to you for damages, costs and expenses, including
legal fees, and [2] YOU HAVE NO REMEDIES FOR NEGLIGENCE OR
UNDER STRICT LIABILITY, OR FOR BREACH OF WARRANTY OR CONTRACT,
INCLUDING BUT NOT LIMITED TO INDIRECT, CONSEQUENTIAL, PUNITIVE
OR INCIDENTAL DAMAGES, EVEN IF YOU GIVE NOTICE OF THE
POSSIBILITY OF SUCH DAMAGES.

WHAT IF YOU *WANT* TO SEND MONEY EVEN IF YOU DON'T HAVE TO?
The Project gratefully accepts contributions in money, time,
scanning machines, OCR software, public domain etexts, royalty
free copyright licenses, and every other sort of contribution
you can think of.  Money should be paid to "Project Gutenberg
Association / Illinois Benedictine College"."""

WELCOME = """Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

Please take a look at the important information in this header.
We encourage you to keep this file on your own disk, keeping an
electronic path open for the next readers.  Do not remove this.


**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*These Etexts Prepared By Hundreds of Volunteers and Donations*

Information on contacting Project Gutenberg to get Etexts, and
further information is included below.  We need your donations."""


def small_print(b, body, end_line, footer):
    return (f"The Project Gutenberg Etext of {b['title']}, by {b['author']}\n{WELCOME}\n\n\n"
            f"{b['title']}\n\nby {b['author']}\n\n{b['release']}  [Etext #{b['n']}]\n\n\n"
            f"The Project Gutenberg Etext of {b['title']}, by {b['author']}\n"
            f"*****This file should be named {b['file']}.txt or {b['file']}.zip******\n\n"
            f"Corrected EDITIONS of our etexts get a new NUMBER, {b['file'][:-1]}1.txt\n"
            f"VERSIONS based on separate sources get new LETTER, {b['file']}a.txt\n\n\n"
            f"{SMALL_PRINT}\n\n{end_line}\n\n\n\n\n"
            f"{body}\n\n\n\n{footer}\n")


LEGALESE = """<<THIS ELECTRONIC VERSION OF THE COMPLETE WORKS OF WILLIAM
SHAKESPEARE IS COPYRIGHT 1990-1993 BY WORLD LIBRARY, INC., AND IS
PROVIDED BY PROJECT GUTENBERG ETEXT OF ILLINOIS BENEDICTINE COLLEGE
WITH PERMISSION.  ELECTRONIC AND MACHINE READABLE COPIES MAY BE
DISTRIBUTED SO LONG AS SUCH COPIES (1) ARE FOR YOUR OR OTHERS
PERSONAL USE ONLY, AND (2) ARE NOT DISTRIBUTED OR USED
COMMERCIALLY.  PROHIBITED COMMERCIAL DISTRIBUTION INCLUDES BY ANY
SERVICE THAT CHARGES FOR DOWNLOAD TIME OR FOR MEMBERSHIP.>>"""


def main():
    folder = sys.argv[1]
    md, moon, elves = raw(folder, 2701), raw(folder, 1013), raw(folder, 10089)
    etiq, lister = raw(folder, 33956), raw(folder, 10076)
    bars, mirror, base = raw(folder, 10509), raw(folder, 10026), raw(folder, 10028)
    birds, life = raw(folder, 38003), raw(folder, 35589)
    cleo, books_prices = raw(folder, 39397), raw(folder, 40815)
    full, short = licence(md, True), licence(md, False)

    moby_body = excerpt(md, 537, 150)
    moby = dict(title="Moby Dick; or The Whale", author="Herman Melville", release="June, 2001",
                n=2701, updated="August 18, 2021",
                credits="Daniel Lazarus, Jonesey, and David Widger")
    moon_body = excerpt(moon, 40, 180)
    moon_b = dict(title="The First Men in the Moon", author="H. G. Wells", release="October, 1997",
                  n=1013, updated="March 12, 2023", credits="Barry Haworth and David Widger")
    files = {}
    # Moby Dick in three editions: 2021 (UTF-8 with a BOM), 2009, and the 1990s Small Print etext;
    # the later editions differ from the first by respellings, the oldest twice as many.
    files["2701-0.txt"] = ("\ufeff" + modern_2021(moby, moby_body.replace("--", "—"), full),
                           "utf-8", "\r\n")
    files["2701.txt"] = (of_2009(dict(moby, release="June, 2001"), edit(moby_body, 4, 1), short),
                         "ascii", "\r\n")
    files["moby10b.txt"] = (small_print(
        dict(moby, release="June, 2001", file="moby10b"), edit(edit(moby_body, 4, 1), 9, 2),
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
        "End of The Project Gutenberg Etext of Moby Dick"), "ascii", "\r\n")
    # The First Men in the Moon, 2023 layout, and the 2004 file set in shorter lines.
    files["1013-0.txt"] = (modern_2023(moon_b, moon_body, full), "utf-8", "\n")
    files["1013.txt"] = (of_2009(dict(moon_b, release="October 20, 2004"), rewrap(moon_body, 60),
                                 short), "ascii", "\r\n")
    # Elves and Heroes: a short book (one poem, under 100 lines) with the whole licence after it,
    # and a Windows-1252 file of its preface with typographic quotes and dashes.
    elves_b = dict(title="Elves and Heroes", author="Donald A. MacKenzie",
                   release="November 15, 2003", n=10089,
                   credits="Ted Garvin, Brett Koonce, and Project Gutenberg\n"
                           "Distributed Proofreaders")
    poem = excerpt(elves, 2080, 60)
    files["10089.txt"] = (of_2003(elves_b, poem, full), "ascii", "\r\n")
    preface = excerpt(elves, 65, 120)
    curly = preface.replace("--", "\u2014").replace(' "', " \u201c").replace('" ', "\u201d ")
    files["10089-8.txt"] = (of_2003(dict(elves_b, charset="ISO-8859-1"), curly, short),
                            "cp1252", "\r\n")
    # Etiquette for Ladies, "Project Gutenberg's" 2010 header, and a second edition that adds a
    # preface.
    etiq_b = dict(title="A Hand-book of Etiquette for Ladies", author="Anonymous",
                  release="October 1, 2010", n=33956,
                  credits="Julia Miller and the Online Distributed\n"
                          "Proofreading Team at http://www.pgdp.net")
    etiq_body = excerpt(etiq, 292, 160)
    files["33956.txt"] = (of_2009(etiq_b, etiq_body, short, lead="Project Gutenberg's"),
                          "utf-8", "\r\n")
    files["33956-2nd.txt"] = (of_2009(dict(etiq_b, n=33957), excerpt(elves, 65, 30) +
                                      "\n\n" + etiq_body, short, lead="Project Gutenberg's"),
                              "utf-8", "\r\n")
    # Lister's Great Adventure and an abridged edition (two paragraphs in three).
    lister_b = dict(title="Lister's Great Adventure", author="Harold Bindloss",
                    release="November 13, 2003", n=10076,
                    credits="Juliet Sutherland, Suzanne Shell, David Kline, and\n"
                            "Project Gutenberg Distributed Proofreaders")
    lister_body = excerpt(lister, 128, 200)
    paragraphs = lister_body.split("\n\n")
    abridged = "\n\n".join(p for i, p in enumerate(paragraphs) if i % 3 != 2)
    files["10076.txt"] = (of_2003(lister_b, lister_body, short), "ascii", "\r\n")
    files["10076-abridged.txt"] = (of_2003(dict(lister_b, n=10077), abridged, short), "ascii",
                                   "\r\n")
    # Distinct books in the other header variants.
    # A body line that starts with "Produced by": the reference's header rule fires there.
    bars_lines = excerpt(bars, 494, 160).split("\n")
    bars_lines[70] = "Produced by the storm, the silence " + bars_lines[70]
    files["10509.txt"] = (of_2003(dict(title="The Bars of Iron", author="Ethel May Dell",
                                       release="December 20, 2003", n=10509,
                                       credits="Charles Franks and the Online Distributed\n"
                                               "Proofreading Team"),
                                  "\n".join(bars_lines), short),
                          "ascii", "\r\n")
    files["10026.txt"] = (of_2003(dict(title="The Mirror of Literature, Amusement, and "
                                             "Instruction, Vol. 10, Issue 268", author="Various",
                                       release="October 9, 2003", n=10026,
                                       credits="Jonathan Ingram, David Garcia and PG\n"
                                               "Distributed Proofreaders"),
                                  excerpt(mirror, 56, 150), short),
                          "ascii", "\r\n")
    birds_b = dict(title="Color Key to North American Birds", author="Frank M. Chapman",
                   release="November 13, 2011", n=38003,
                   credits="Chris Curnow, Tom Cosmas, Joseph Cooper and\nthe Online Distributed "
                           "Proofreading Team")
    birds_body = excerpt(birds, 311, 130)
    note = ("\n\n\n\nTranscriber's Note: this edition was transcribed and proofread\n"
            "by Project Gutenberg volunteers from the 1903 edition; the\n"
            "plates are not reproduced.")
    files["38003.txt"] = (of_2009(birds_b, birds_body + note, short), "utf-8", "\r\n")
    files["35589.txt"] = (of_2009(dict(title="Story of My Life, volumes 1-3",
                                       author="Augustus J. C. Hare", release="March 16, 2011",
                                       n=35589, credits="Chuck Greif and the Online Distributed "
                                                        "Proofreading Team"),
                                  excerpt(life, 72, 120), short,
                                  lead="Project Gutenberg's"), "ascii", "\r\n")
    files["35589-0.txt"] = files["35589.txt"]  # the same book again, as the UTF-8 file
    cleo_b = dict(title="One of Cleopatra's Nights and Other Fantastic Romances",
                  author="Théophile Gautier", release="April 7, 2012", n=39397,
                  credits="Andrea Ball, Jana Srna, and the Online\nDistributed Proofreading Team")
    cleo_text = of_2003(cleo_b, excerpt(cleo, 228, 150), short).replace(
        "***START OF THE PROJECT GUTENBERG EBOOK ONE OF CLEOPATRA'S NIGHTS AND OTHER FANTASTIC "
        "ROMANCES***",
        "***START OF THE PROJECT GUTENBERG EBOOK ONE OF CLEOPATRA'S NIGHTS AND\n"
        "OTHER FANTASTIC ROMANCES***")
    files["39397.txt"] = (cleo_text, "utf-8", "\r\n")
    # A book saved without any Gutenberg header or footer.
    files["40815.txt"] = (excerpt(books_prices, 326, 140) + "\n",
                          "ascii", "\n")
    # Old small-print variants: '["Small Print" V.' and "****     SMALL PRINT!" end the header.
    files["base10.txt"] = (small_print(
        dict(title="Spalding's Official Base Ball Guide", author="John B. Foster",
             release="October, 2003", n=10028, file="base10"),
        excerpt(base, 60, 130),
        '["Small Print" V.12.08.93]', "End of The Project Gutenberg Etext of Spalding's Guide"),
        "ascii", "\r\n")
    files["moon10.txt"] = (small_print(
        dict(moon_b, release="October, 1997", file="moon10"),
        excerpt(moon, 622, 170),
        "****     SMALL PRINT!  FOR PUBLIC DOMAIN ETEXTS  ****",
        "End of the Project Gutenberg Etext of The First Men in the Moon"), "ascii", "\r\n")
    # World Library's legalese between parts of a book, and the end of its small print.
    verse = excerpt(elves, 65, 150).split("\n\n")
    parts = ["\n\n".join(verse[:6]), "\n\n".join(verse[6:12]), "\n\n".join(verse[12:])]
    legal_body = ("\n\n" + LEGALESE + "\n\n").join(parts)
    files["elves10.txt"] = (small_print(
        dict(elves_b, release="January, 1994", file="elves10"), legal_body,
        "*SMALL PRINT! for COMPLETE WORKS*",
        "End of this Project Gutenberg Etext of Elves and Heroes"), "ascii", "\r\n")
    # A chain: moon edition 2 respells the first, edition 3 respells edition 2 again.
    m2 = edit(moon_body, 5, 7)
    files["1013-8.txt"] = (modern_2023(dict(moon_b, n=1014), m2, short), "utf-8", "\n")
    files["1013-h.txt"] = (modern_2023(dict(moon_b, n=1015), edit(m2, 5, 8), short), "utf-8",
                           "\n")

    os.makedirs(os.path.join(HERE, "gutenberg"), exist_ok=True)
    for name, (text, encoding, newline) in files.items():
        with open(os.path.join(HERE, "gutenberg", name), "wb") as f:
            f.write(text.replace("\n", newline).encode(encoding))

    # PG-19 chunks as RedPajama split them (2,000 lines each): already-stripped books.
    def pg19(title, year, n, text):
        return {"short_book_title": title, "publication_date": year,
                "url": f"http://www.gutenberg.org/ebooks/{n}", "text": text}

    pg19_001 = [
        pg19("Moby Dick; or The Whale", 1851, 2701, moby_body),
        pg19("Spalding's Official Base Ball Guide", 1913, 10028,
             excerpt(base, 70, 120)),
        pg19("The Mirror of Literature, Amusement, and Instruction", 1827, 10026,
             excerpt(mirror, 300, 150)),
        pg19("Spalding's Official Base Ball Guide, revised", 1914, 10029,
             edit(excerpt(base, 70, 120), 3, 4)),
        pg19("The Bars of Iron", 1916, 10509, excerpt(bars, 494, 160)),
    ]
    pg19_002 = [
        pg19("Color Key to North American Birds", 1903, 38003,
             excerpt(birds, 311, 200)),
        pg19("The First Men in the Moon", 1901, 1013, moon_body),
    ]
    books3_000 = [
        {"title": "Prices of Books", "text": excerpt(books_prices, 2000, 160)},
        {"title": "Prices of Books (reissue)",
         "text": edit(excerpt(books_prices, 2000, 160), 2, 5)},
        {"title": "Lister's Great Adventure", "text": excerpt(lister, 410, 180)},
        {"title": "One of Cleopatra's Nights", "text": excerpt(cleo, 469, 160)},
        {"title": "The Bars of Iron", "text": excerpt(bars, 494, 160)},
    ]
    books3_001 = [
        {"title": "Story of My Life", "text": excerpt(life, 72, 150)},
        {"title": "Lister's Great Adventure (second printing)",
         "text": edit(excerpt(lister, 410, 180), 2, 6)},
        {"title": "America's National Game", "text": excerpt(base, 1000, 150)},
    ]
    for folder_name, chunks in (("pg19", {"pg19_001": pg19_001, "pg19_002": pg19_002}),
                                ("books3", {"books3_000": books3_000, "books3_001": books3_001})):
        os.makedirs(os.path.join(HERE, folder_name), exist_ok=True)
        for name, rows in chunks.items():
            with open(os.path.join(HERE, folder_name, name), "w", encoding="utf-8") as f:
                for row in rows:
                    # HF datasets' to_json: one object per line, ASCII escapes off.
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
