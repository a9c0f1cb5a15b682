"""Writes the golden inputs: three gzipped JSON Lines files shaped like RedPajama v1's BigQuery export
(github_*.gz, one row per blob/repo/path with the columns of contents, files, licenses and languages).

Deterministic (seeded, gzip mtime 0), so rerunning rewrites the same bytes:
    /usr/bin/python3 make-inputs.py inputs/ [scale [body_scale]]
body_scale (default 1, the goldens) gives each source file that many independently drawn bodies, for
benchmarks on files closer to real repositories' sizes (the goldens' bodies are a few hundred bytes).
The content is synthetic but shaped like real repositories: licence headers in every comment style,
shebangs, encoding lines, #include-first C files, doc comments before notices, minified JS, data
tables, duplicates across repositories (same blob under other names, extensions and licences),
certificates, LICENSE files, CRLF/CR/form feed/NEL/LINE SEPARATOR line breaks, CJK, emoji and
Unicode 14 letters.
"""
import gzip
import hashlib
import json
import os
import random
import sys

R = random.Random(20230224)

LICENSES = ["mit"] * 6 + ["apache-2.0"] * 5 + ["bsd-3-clause"] * 3 + ["bsd-2-clause"] * 2 + [
    "gpl-3.0", "gpl-2.0", "lgpl-2.1", "mpl-2.0", "isc", "cc0-1.0", "unlicense", "MIT", "agpl-3.0",
    "epl-1.0", "artistic-2.0"]
OWNERS = ["acme", "octo-org", "lambda-labs", "zeta", "kernelhacks", "datapipe", "webcraft", "numlab",
          "toolsmith", "cloudy", "a", "a-b", "tiny", "öko-soft", "研究所"]
WORDS = ("alpha beta gamma delta value index count buffer parser token stream result error config "
         "handler request response client server node tree graph matrix vector cache queue worker "
         "thread lock event state model view user item order price total name path file line data").split()

APACHE = """Copyright {year} {who}

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License."""
MIT = """The MIT License (MIT)

Copyright (c) {year} {who}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software."""
BSD = """Copyright (c) {year}, {who}
All rights reserved.

Redistribution and use in source and binary forms, with or without modification,
are permitted provided that the following conditions are met:
 * Redistributions of source code must retain the above copyright notice."""
NOTICES = [APACHE, MIT, BSD, "COPYRIGHT {year} {who}. ALL RIGHTS RESERVED.", "(C) CopyRight {year} {who}"]


def ident():
    return R.choice(WORDS) + R.choice(["", "_", ""]) + R.choice(WORDS).capitalize() * R.randint(0, 1)


def notice():
    return R.choice(NOTICES).format(year=R.randint(1998, 2022), who=R.choice(
        ["Google LLC", "The Acme Authors", "Jane Doe <jane@example.org>", "山田太郎", "Zoë Ångström"]))


def block(text, style="c"):
    lines = text.split("\n")
    if style == "c":
        return "/*\n" + "\n".join((" * " + l).rstrip() for l in lines) + "\n */\n"
    if style == "c1":
        return "/* " + " ".join(lines) + " */\n"
    if style == "javadoc":
        return "/**\n" + "\n".join((" * " + l).rstrip() for l in lines) + "\n */\n"
    if style == "stars":
        return "/" + "*" * 60 + "\n" + "\n".join("** " + l for l in lines) + "\n" + "*" * 60 + "/\n"
    raise ValueError(style)


def linec(text, prefix):
    return "\n".join((prefix + " " + l).rstrip() for l in text.split("\n")) + "\n"


def c_like_body(lang):
    n = R.randint(4, 30)
    out = []
    for _ in range(n):
        a, b = ident(), ident()
        out.append(R.choice([
            f"    int {a} = {b}({R.randint(0, 99)});",
            f"    if ({a} > {R.randint(0, 9)}) {{ return {b}; }}",
            f"    // {R.choice(WORDS)} the {R.choice(WORDS)} before {R.choice(WORDS)}",
            f"    {a}.{b}({R.choice(WORDS)}, {R.randint(0, 999)});",
            "",
            f"    for (int i = 0; i < {a}; i++) {{ {b}[i] = i * {R.randint(1, 9)}; }}",
        ]))
    name = ident()
    if lang in ("java", "cs", "scala", "ts", "js", "go", "rs", "php", "cpp", "c", "css", "kt", "swift"):
        return f"{lang}_function {name}() {{\n" + "\n".join(out) + "\n}\n"
    return "\n".join(out) + "\n"


def py_body():
    lines = [f"import {R.choice(['os', 'sys', 're', 'json'])}", ""]
    for _ in range(R.randint(2, 6)):
        f = ident()
        lines += [f"def {f}({ident()}, {ident()}=None):", f'    """{R.choice(WORDS).capitalize()} the {R.choice(WORDS)}."""']
        for _ in range(R.randint(1, 6)):
            lines.append(f"    {ident()} = {ident()}({R.randint(0, 100)})  # {R.choice(WORDS)}")
        lines += [f"    return {ident()}", ""]
    return "\n".join(lines)


def sh_body():
    return "\n".join([f'{ident().upper()}="{R.choice(WORDS)}"' for _ in range(3)] +
                     [f"echo \"{R.choice(WORDS)} $1\"", f"{R.choice(['ls', 'cat', 'grep -v x'])} \"$@\""]) + "\n"


def sql_body():
    t = ident()
    return f"CREATE TABLE {t} (\n  id INTEGER PRIMARY KEY,\n  {ident()} TEXT NOT NULL\n);\nSELECT * FROM {t} WHERE id > {R.randint(1, 9)};\n"


def md_body():
    return f"# {R.choice(WORDS).capitalize()} {R.choice(WORDS)}\n\nThis {R.choice(WORDS)} does {R.choice(WORDS)} things.\n\n```\nmake {R.choice(WORDS)}\n```\n"


def minified(n=3000):
    parts = []
    while sum(map(len, parts)) < n:
        parts.append(f"function {R.choice('abcdefg')}{R.randint(0, 9)}(t,e){{return t[{R.randint(0, 9)}]+e.{R.choice(WORDS)}||null}}")
    return ";".join(parts) + "\n"


def data_table():
    return "static const unsigned char data[] = {\n" + "\n".join(
        "  " + ", ".join(f"0x{R.randint(0, 255):02x}" for _ in range(12)) + "," for _ in range(R.randint(5, 40))) + "\n};\n"


def ascii_art():
    return "\n".join(R.choice(["+------+------+", "|  ..  |  ##  |", "=" * 40, "-- -- -- -- --", "  /\\  /\\  /\\", "#" * 30])
                     for _ in range(R.randint(5, 20))) + "\n"


def unicode_text():
    return ("// 日本語のコメント: データを処理する\n"
            "let s = \"emoji 😀🚀 and Ω≈ç√\";\n"
            "// Unicode 14 letters: \U00010570\U00010571 and Tangsa digits \U00016AC0\U00016AC1\n"
            "let t = 'form\x0cfeed and next\x85line and\u2028separator\u2029end';\n"
            "let v = 'vertical\x0btab \x1c\x1d\x1e separators';\n")


EXT_BODIES = {
    ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".hpp": "cpp", ".java": "java", ".js": "js",
    ".ts": "ts", ".tsx": "ts", ".go": "go", ".rs": "rs", ".cs": "cs", ".scala": "scala", ".php": "php",
    ".css": "css", ".m": "c", ".swift": "swift", ".kt": "kt", ".C": "cpp", ".H": "c", ".h++": "cpp",
}
HASH_EXTS = [".py", ".rb", ".sh", ".pl", ".pm", ".bash", ".zsh", ".ps1", ".jl", ".cmake", ".yml", ".r"]
DASH_EXTS = [".sql", ".lua", ".hs"]
OTHER_EXTS = [".md", ".markdown", ".html", ".xml", ".rst", ".tex", ".txt", ".json", ".cfg", ".f90",
              ".f", ".for", ".asm", ".bat", ".cmd", ".vb", ".smali", ".ipynb", ".lock", ".command", ".phpt"]


BODY_SCALE = 1


def make_content(ext, kind):
    """kind: which header shape to give the file."""
    body = "".join(make_body(ext) for _ in range(BODY_SCALE))
    return with_header(ext, kind, body)


def make_body(ext):
    body_kind = EXT_BODIES.get(ext)
    if body_kind:
        body = c_like_body(body_kind)
    elif ext in (".py",):
        body = py_body()
    elif ext in HASH_EXTS:
        body = sh_body()
    elif ext in DASH_EXTS:
        body = sql_body()
    else:
        body = md_body()
    return body


def with_header(ext, kind, body):
    body_kind = EXT_BODIES.get(ext)
    if kind == "block_notice":
        return block(notice(), R.choice(["c", "c1", "stars"])) + "\n" + body
    if kind == "doc_then_notice":
        return block(f"{R.choice(WORDS).capitalize()} utilities.", "javadoc") + "#pragma once\n" + block(notice(), "c") + body
    if kind == "doc_only":
        return body + block(f"@param {ident()} the {R.choice(WORDS)}", "javadoc") + "void end();\n"
    if kind == "line_notice":
        p = "//" if body_kind else "#" if ext in HASH_EXTS else "--" if ext in DASH_EXTS else "//"
        return linec(notice(), p) + "\n" + body
    if kind == "shebang":
        interp = {".py": "python3", ".rb": "ruby", ".pl": "perl", ".sh": "bash"}.get(ext, "sh")
        coding = "# -*- coding: utf-8 -*-\n" if R.random() < 0.5 else ""
        return f"#!/usr/bin/env {interp}\n{coding}" + linec(notice(), "#") + "\n" + body
    if kind == "include":
        return "#include <stdio.h>\n#include \"" + ident() + ".h\"\n\n// " + R.choice(WORDS) + "\n" + body
    if kind == "guard":
        g = ident().upper() + "_H"
        return f"#ifndef {g}\n#define {g}\n\n" + body + f"\n#endif  // {g}\n"
    if kind == "unclosed":
        return "// " + R.choice(WORDS) + "\nconst glob = \"src/*\";\n" + body
    if kind == "notice_late":
        return body + "\n" + block(notice(), "c")
    return body


FILES = []
TAKEN = set()


def add(repo, path, content, license, **extra):
    while (repo, path) in TAKEN:  # one row per (repo_name, path), as in the export
        repo += "x"
    TAKEN.add((repo, path))
    FILES.append(dict(repo=repo, path=path, content=content, license=license, **extra))


def repo_name():
    return R.choice(OWNERS) + "/" + R.choice(WORDS) + R.choice(["", "-js", "-py", "kit", "2"])


def main(out_dir, scale=1):
    os.makedirs(out_dir, exist_ok=True)
    exts = list(EXT_BODIES) + HASH_EXTS + DASH_EXTS + OTHER_EXTS + ["Makefile", "Dockerfile", ".dockerfile"]
    kinds = ["block_notice", "doc_then_notice", "doc_only", "line_notice", "shebang", "include", "guard",
             "unclosed", "notice_late", "plain"]
    for i in range(330 * scale):
        ext = exts[i % len(exts)]
        kind = kinds[(i * 7 + i // len(exts)) % len(kinds)]
        if kind in ("include", "guard") and ext not in EXT_BODIES:
            kind = "line_notice"
        if kind == "shebang" and ext not in HASH_EXTS:
            kind = "block_notice"
        content = make_content(ext, kind)
        if i % 13 == 0:
            content = content.replace("\n", "\r\n")
        if i % 29 == 0:
            content = content.replace("\n", "\r")
        if i % 17 == 0:
            content = unicode_text() + content
        if i % 31 == 0:
            content = "\ufeff" + content
        if ext in ("Makefile", "Dockerfile"):
            path = R.choice(["", "docker/", "build/"]) + ext
        else:
            path = R.choice(["src/", "lib/", "", "pkg/" + ident() + "/", "test/"]) + ident() + ext
        add(repo_name(), path, content, R.choice(LICENSES))
    # Rule-specific files.
    for _ in range(6 * scale):
        add(repo_name(), "static/app.min.js", minified(R.choice([1200, 5000])), "mit")
        add(repo_name(), "dist/bundle.js", minified(400) * 3, "apache-2.0")
        add(repo_name(), "src/tables.c", data_table(), "bsd-3-clause")
        add(repo_name(), "docs/diagram.md", ascii_art(), "mit")
        add(repo_name(), "src/wide.py", "x = [" + ", ".join(str(R.randint(0, 9)) for _ in range(60)) + "]\n" * 3, "mit")
    add(repo_name(), "certs/ca.crt", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n", "mit")
    add(repo_name(), "LICENSE", MIT.format(year=2020, who="x") + "\n", "mit")
    add(repo_name(), "docs/LICENSE", MIT.format(year=2020, who="y") + "\n", "mit")
    add(repo_name(), "LICENSE.md", MIT.format(year=2020, who="z") + "\n", "apache-2.0")
    add(repo_name(), "src/empty.py", "", "mit")
    add(repo_name(), "src/__init__.py", "", "apache-2.0")
    add(repo_name(), "pkg/__init__.py", "", "mit")
    add(repo_name(), "src/spaces.c", "   \n\t\n", "mit")
    add(repo_name(), "src/header_only.c", block(notice(), "c"), "mit")
    add(repo_name(), "scripts/header_only.sh", linec(notice(), "#"), "mit")
    add(repo_name(), "src/strike.html", "<p>old <s>price</s> new</p>\n<p>tags </s> and <unk> seen</p>\n", "mit")
    add(repo_name(), "src/long_comment.c", block("\n".join("line %d of a long banner" % k for k in range(400)), "c") + "int x;\n", "mit")
    add(repo_name(), "src/trailing_space.js", "let a = 1; \nlet b = 2;  ", "mit")
    add(repo_name(), "src/metaspace.py", "s = 'a\u2581b \u2581\u2581c'\n", "mit")
    add(repo_name(), "src/nul.c", "char z = '\x00';\nint n = 0;\n", "mit")
    add(repo_name(), "src/only_newlines.py", "\n\n\n", "mit")
    # Duplicates: the same blob in other repositories, some under names the whitelist refuses, some
    # under licences the query refuses, so the winner matters.
    originals = [f for f in FILES if f["content"] and not f["path"].endswith((".crt",)) and f["path"] != "LICENSE"]
    for k in range(45 * scale):
        src = R.choice(originals)
        path = src["path"]
        if k % 3 == 0:
            path = path.rsplit(".", 1)[0] + ".txt"
        elif k % 3 == 1:
            path = "vendor/" + path
        add(repo_name(), path, src["content"], R.choice(["mit", "apache-2.0", "gpl-3.0", "bsd-2-clause"]))
    R.shuffle(FILES)
    n = 3 * max(1, scale // 20)  # the benchmark's corpora: files of a few MB, as the export's are larger
    chunks = [FILES[i::n] for i in range(n)]
    for c, chunk in enumerate(chunks):
        name = os.path.join(out_dir, f"github_{c:012d}.gz")
        with open(name, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            for f in chunk:
                blob = f["content"].encode("utf-8")
                row = {
                    "id": hashlib.sha1(b"blob %d\0" % len(blob) + blob).hexdigest(),
                    "size": str(len(blob)),
                    "content": f["content"],
                    "binary": False,
                    "copies": str(R.randint(1, 5)),
                    "repo_name": f["repo"],
                    "ref": R.choice(["refs/heads/master", "refs/heads/main", "refs/heads/master"]),
                    "path": f["path"],
                    "mode": "33188",
                    "symlink_target": None,
                    "license": f["license"],
                    "language": [{"name": R.choice(["C", "Python", "JavaScript", "Go"]), "bytes": str(R.randint(100, 99999))}],
                }
                gz.write((json.dumps(row, ensure_ascii=R.random() < 0.3) + "\n").encode("utf-8"))
    print(f"{len(FILES)} files, {len(set(os.path.splitext(f['path'])[1] or f['path'] for f in FILES))} extensions", file=sys.stderr)


if __name__ == "__main__":
    # A scale above 1 (the benchmark's corpus) makes scale times more files.
    if len(sys.argv) > 3:
        BODY_SCALE = int(sys.argv[3])
        if BODY_SCALE < 1:
            sys.exit(f"make-inputs.py: body_scale must be >= 1, got {BODY_SCALE}")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
