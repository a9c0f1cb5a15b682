"""Writes the code points Python's str.isalpha/isalnum accept, as ranges, for PythonStrTest.

Run with the Python whose semantics Corral reproduces (Debian's /usr/bin/python3, 3.11, Unicode 14.0):
    /usr/bin/python3 make-unicode-ranges.py > python-unicode-classes.txt
"""
import sys
import unicodedata


def ranges(pred):
    out, start = [], None
    for cp in range(0x110000 + 1):
        inside = cp < 0x110000 and pred(chr(cp))
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append(f"{start:x}-{cp - 1:x}")
            start = None
    return out


print(f"# Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version}")
print("isalpha " + " ".join(ranges(str.isalpha)))
print("isalnum " + " ".join(ranges(str.isalnum)))
samples = ["a\nb", "a\r\nb\rc", "x\x0by\x0cz", "\x1c\x1d\x1e\x85\u2028\u2029", "end\n", "\n\n", "",
           "tab\tline", "emoji \U0001F600 x\n\U0001F600", "no break"]
for s in samples:
    print("splitlines " + s.encode("unicode_escape").decode("ascii") + "\t" + ",".join(str(len(l)) for l in s.splitlines()))
