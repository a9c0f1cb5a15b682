"""Writes python-unicode.txt: how this Python classifies every code point for the str methods that
PythonStr reproduces, so that PythonStrTest can compare Java with Python over all of Unicode.

Run with the Python whose behaviour is the reference (Debian's /usr/bin/python3, 3.11):
    /usr/bin/python3 make_python_unicode.py > python-unicode.txt

Lines: "w FIRST LAST" for runs of code points that re's \\w matches; "l CP LOWER..." for each code
point whose str.lower() is not itself; "c FIRST LAST" for runs that end a final-sigma context as a
cased letter and "i FIRST LAST" for runs that the context skips as case-ignorable, both found by
probing str.lower() around a capital sigma, so they test what lower() does, not a table. Hex.
"""
import re
import sys
import unicodedata

WORD = re.compile(r"\w")


def runs(flags):
    start = None
    for cp, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = cp
        elif not flag and start is not None:
            yield start, cp - 1
            start = None


def main():
    out = sys.stdout
    out.write("# Python %s, Unicode %s\n" % (sys.version.split()[0], unicodedata.unidata_version))
    n = 0x110000
    chars = [None if 0xD800 <= cp <= 0xDFFF else chr(cp) for cp in range(n)]
    for first, last in runs([c is not None and bool(WORD.match(c)) for c in chars]):
        out.write("w %x %x\n" % (first, last))
    for cp, c in enumerate(chars):
        if c is not None and c.lower() != c:
            out.write("l %x %s\n" % (cp, " ".join("%x" % ord(x) for x in c.lower())))
    # "AΣc": sigma is not final iff c is cased and not case-ignorable.
    cased = [c is not None and cp != 0x3A3 and ("A\u03a3" + c).lower()[1] == "\u03c3"
             for cp, c in enumerate(chars)]
    # "AΣca": sigma is not final iff c is case-ignorable (skipped, then "a") or cased.
    either = [c is not None and cp != 0x3A3 and ("A\u03a3" + c + "a").lower()[1] == "\u03c3"
              for cp, c in enumerate(chars)]
    for first, last in runs(cased):
        out.write("c %x %x\n" % (first, last))
    for first, last in runs([e and not c for c, e in zip(cased, either)]):
        out.write("i %x %x\n" % (first, last))


if __name__ == "__main__":
    main()
