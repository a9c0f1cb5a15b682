#!/usr/bin/env bash
# Regenerates docs.jsonl, one-pass.jsonl and two-pass.jsonl from cc_net's dedup.py (run, not copied).
# CC_NET_DIR: a checkout of facebookresearch/cc_net at bda555bd1cf1ee2e0b925363e62a61cd46c8b60d.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${CC_NET_DIR:?set CC_NET_DIR to a cc_net checkout}"
udhr="${UDHR_TSV:-$here/../../../../../../../shared/data/udhr-dev.tsv}"
/usr/bin/python3 "$here/make_golden.py" "$CC_NET_DIR" "$udhr"
