"""Run every benchmark and print each figure next to its floor (``make bench``)."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "startup.py",
    "long_article.py",
    "interchange.py",
    "search.py",
    "suggest.py",
    "attribution.py",
    "large.py",
]

if __name__ == "__main__":
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        sys.argv = [str(HERE / script)]
        runpy.run_path(str(HERE / script), run_name="__main__")
