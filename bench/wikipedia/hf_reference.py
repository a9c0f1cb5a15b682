#!/usr/bin/env python3
"""Runs the Hugging Face `wikipedia` builder (the reference) on MediaWiki XML dumps and writes what it yields.

  hf_reference.py --builder PATH/wikipedia.py [--time] OUT.jsonl DUMP.xml[.bz2]...

PATH/wikipedia.py is the builder script itself, fetched from huggingface/datasets (datasets/wikipedia/wikipedia.py
at 9af57f27596614cc76bb815823707126585b1d46, the last version before the scripts moved to the Hub; it has the
MEDIA/CAT aliases and magic-word removal), or $HF_WIKIPEDIA_PY. Its code is executed as it is, never copied:
its Beam pipeline (_build_pcollection: _extract_content then _clean_content, i.e. iterparse, namespace 0, no
redirects, _parse_and_clean_wikicode with mwparserfromhell, _construct_url) runs on a small eager stand-in for
apache_beam, and `datasets` is a stand-in for the few names the module evaluates on import. The language is the
file name's prefix ({lang}wiki-...), as the builder's config gives it. Plain .xml dumps are bzip2-compressed to a
temporary file first, since the builder reads only .bz2.

Writes one JSON line per page the builder yields: {"language", "id", "title", "url", "text"}, in its order.
With --time, also prints the seconds spent in _parse_and_clean_wikicode alone and the MB of wikitext it cleaned
(the benchmark's reference figure). Use Debian's /usr/bin/python3 with python3-mwparserfromhell."""
import bz2
import importlib.util
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import types


class _Anything:
    """Stands for the datasets classes the builder module instantiates at import."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Anything()


def _stand_in_datasets():
    ds = types.ModuleType("datasets")
    ds.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    for name in ("Version", "BuilderConfig", "BeamBasedBuilder", "DatasetInfo", "Features", "Value",
                 "SplitGenerator", "Split"):
        setattr(ds, name, _Anything)
    return ds


class _Collection:
    def __init__(self, items):
        self.items = items

    def __or__(self, transform):
        return transform.expand(self.items)


class _Transform:
    def __init__(self, expand):
        self.expand = expand

    def __rrshift__(self, label):  # "Label" >> transform
        return self


COUNTERS = {}


def _stand_in_beam():
    beam = types.ModuleType("apache_beam")
    beam.Create = lambda items: _Transform(lambda _: _Collection(list(items)))
    beam.FlatMap = lambda fn, **kw: _Transform(
        lambda items: _Collection([out for item in items for out in (fn(item, **kw) or [])]))
    beam.transforms = types.SimpleNamespace(Reshuffle=lambda: _Transform(lambda items: _Collection(items)))
    beam.io = types.SimpleNamespace(filesystems=types.SimpleNamespace(
        FileSystems=types.SimpleNamespace(open=lambda path: open(path, "rb"))))

    class _Counter:
        def __init__(self, namespace, name):
            self.key = f"{namespace}/{name}"

        def inc(self, n=1):
            COUNTERS[self.key] = COUNTERS.get(self.key, 0) + n

    beam.metrics = types.SimpleNamespace(Metrics=types.SimpleNamespace(counter=_Counter))
    return beam


def load_builder(path):
    sys.modules["datasets"] = _stand_in_datasets()
    sys.modules["apache_beam"] = _stand_in_beam()
    spec = importlib.util.spec_from_file_location("hf_wikipedia_builder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    builder = os.environ.get("HF_WIKIPEDIA_PY")
    timing = False
    args = []
    i = 0
    while i < len(argv):
        if argv[i] == "--builder":
            builder = argv[i + 1]
            i += 2
            continue
        if argv[i] == "--time":
            timing = True
        else:
            args.append(argv[i])
        i += 1
    if not builder or len(args) < 2:
        sys.exit(__doc__)
    module = load_builder(builder)
    out_path, dumps = args[0], args[1:]

    clean_seconds, clean_cpu, clean_bytes = 0.0, 0.0, 0
    if timing:  # time the cleaning function alone, as the builder calls it
        original = module._parse_and_clean_wikicode

        def timed(raw_content, parser, language):
            nonlocal clean_seconds, clean_cpu, clean_bytes
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return original(raw_content, parser, language)
            finally:
                clean_seconds += time.perf_counter() - t0
                clean_cpu += time.process_time() - c0
                clean_bytes += len(raw_content.encode("utf-8"))

        module._parse_and_clean_wikicode = timed

    tmp = tempfile.mkdtemp(prefix="hf-wikipedia-")
    try:
        with open(out_path, "w", encoding="utf-8") as out:
            for dump in dumps:
                name = os.path.basename(dump)
                language = re.match(r"([a-z_-]+?)wiki-", name).group(1).replace("_", "-")
                path = dump
                if not dump.endswith(".bz2"):
                    path = os.path.join(tmp, name + ".bz2")
                    with open(dump, "rb") as src, bz2.open(path, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                pipeline = _Collection([])
                result = module.Wikipedia._build_pcollection(None, pipeline, [path], language)
                for _key, example in result.items:
                    out.write(json.dumps({"language": language, **example}, ensure_ascii=False) + "\n")
    finally:
        shutil.rmtree(tmp)
    print(json.dumps(COUNTERS, sort_keys=True), file=sys.stderr)
    if timing:
        print(f"reference cleaning: {clean_bytes / 1e6:.3f} MB in {clean_seconds:.3f} s, "
              f"{clean_bytes / 1e6 / clean_cpu:.3f} MB per CPU second = "
              f"{clean_bytes / 1e6 / clean_seconds:.3f} MB/s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
