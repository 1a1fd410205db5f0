"""Each benchmark's figures, handed to bench_all.py (no Django here).

A benchmark run by bench_all.py finds BENCH_FIGURES in its environment: the path of a file to
which each figure is appended as one line of JSON. Run on its own, it only prints.
"""

import json
import os


def record(name, value, unit, *, aim=None, note=""):
    """One figure: `aim` is the most it may be (same unit), or None where there is no aim."""
    path = os.environ.get("BENCH_FIGURES")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({"name": name, "value": value, "unit": unit, "aim": aim, "note": note}) + "\n")
