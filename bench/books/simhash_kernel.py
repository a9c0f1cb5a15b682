"""The reference's fingerprint kernel alone: Simhash(get_features(text)) from RedPajama v1's dedup.py
and simhash 2.1.2, one thread, on the books of RedPajama chunks. Prints books, MB, seconds and the
XOR of all fingerprints (to compare with SimHashKernel.java).

    PYTHONPATH=SIMHASH python3 simhash_kernel.py RP_BOOK_DIR CHUNK...
"""
import json
import sys
import time

sys.path.insert(0, sys.argv[1])
import dedup  # noqa: E402  (RedPajama's data_prep/book/dedup.py)
from simhash import Simhash  # noqa: E402

texts = []
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        texts.extend(json.loads(line)["text"] for line in f)
start = time.process_time()
xor = 0
for t in texts:
    xor ^= Simhash(dedup.get_features(t)).value
seconds = time.process_time() - start
mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
print("python books %d MB %.2f cpu_seconds %.3f books_per_cpu_second %.3f xor %016x"
      % (len(texts), mb, seconds, len(texts) / seconds, xor))
