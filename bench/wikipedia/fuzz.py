#!/usr/bin/env python3
"""Random markup soup and what the reference cleaning makes of it, for differential tests of Corral's parser.

  fuzz.py --builder PATH/wikipedia.py N SEED OUT.jsonl

Writes N JSON lines {"language", "wikitext", "text"} where text is the builder's _parse_and_clean_wikicode of
wikitext (see hf_reference.py for how the builder is loaded). Pieces are drawn from wiki markup, so most of the
soup is broken markup: the point is to compare the two parsers where pages go wrong."""
import json
import random
import sys

import mwparserfromhell

from hf_reference import load_builder

PIECES = ["{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "|", "=", "==", "===", "\n", "\n\n", " ", "  ",
          "''", "'''", "'", "<", ">", "</", "/>", "<!--", "-->", "&", ";", "#", "*", ":", "!", "!!", "||",
          "{|", "|}", "|-", "|+", "----", "-", "_", "__NOTOC__", "&amp;", "&nbsp;", "&#169;", "&#x41;",
          "http://", "https://example.org/a", "mailto:", "//", "File:", "Image:", "Category:", "Kategorie:",
          "Datei:", "Media:", "ref", "<ref>", "</ref>", "<ref name=a/>", "<ref name=\"b\">", "<div>", "</div>",
          "<span style=\"x\">", "</span>", "<br>", "<br/>", "<math>", "</math>", "<nowiki>", "</nowiki>",
          "<pre>", "</pre>", "<gallery>", "</gallery>", "<table>", "</table>", "<b>", "</b>", "<li>", "<td>",
          "text", "word ", "Wort", "слово", "字", "x", "a b", "1", "é", "\t", "\"", "'", "(", ")", ".", ","]


def soup(rnd):
    n = rnd.randrange(1, int(__import__("os").environ.get("FUZZ_MAX", "60")))
    return "".join(rnd.choice(PIECES) for _ in range(n))


def main(argv):
    builder = argv[argv.index("--builder") + 1]
    rest = [a for a in argv if a not in ("--builder", builder)]
    n, seed, out = int(rest[0]), int(rest[1]), rest[2]
    module = load_builder(builder)
    rnd = random.Random(seed)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(n):
            wikitext = soup(rnd)
            language = rnd.choice(["en", "de", "fr"])
            try:
                text = module._parse_and_clean_wikicode(wikitext, parser=mwparserfromhell, language=language)
            except Exception as e:  # the builder skips a page its parser rejects
                text = None
            f.write(json.dumps({"language": language, "wikitext": wikitext, "text": text},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
