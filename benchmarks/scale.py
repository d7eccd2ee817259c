"""Import and merge as projects grow: time and peak memory at 10,000 and 100,000 documents.

For each size: generated news-like articles of 2 KB with ten spans each (Prodigy JSONL,
as ``large.py`` makes them) are imported into a new project as ``annotator import`` does,
next to the floor (the file read a line at a time with orjson, the spaCy tokenizer's
``pipe``, ``executemany`` of documents with their SHA-256, texts, tokens and spans 1,000
at a time and an FTS5 index built after them, in one transaction); then a
second project of as many other articles is merged into a copy of the first, next to
its floor (both files attached with ``sqlite3`` and the rows copied with new ids). Each
phase runs in its own process; peak memory is the whole process (max RSS). The cost per
document at each size shows whether it grows with the project.

Measured and floor run interleaved, ``--runs`` pairs per size (3 up to 20,000 documents,
1 above unless asked), and the medians are shown.

Run: ``python benchmarks/scale.py [--sizes 10000 100000] [--runs 3] [--plot FILE.png]``
(1,000,000 is opt-in; the plot needs matplotlib, ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from large import PHASES, phase, show  # noqa: E402  (the benchmarks folder is on the path)

PHASES["make_other_corpus"] = """
import orjson, interchange
tasks = interchange.make_tasks(int(sys.argv[2]), seed=int(sys.argv[3]))
with open(sys.argv[1], "wb") as handle:
    for n, task in enumerate(tasks):
        task["text"] = "Other " + task["text"]
        handle.write(orjson.dumps(task) + b"\\n")
print(json.dumps({"seconds": 0, "peak_mb": 0}))
"""

PHASES["merge_projects"] = """
from annotator.core.project import Project
from annotator.services.merge import merge_into
from pathlib import Path
import annotator.text
annotator.text.get_nlp("en")
started = time.perf_counter()
with Project.open(sys.argv[1], annotator="bench") as project:
    merge_into(project, [Path(sys.argv[2])])
done(started)
"""

PHASES["merge_projects_floor"] = """
import sqlite3
started = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])
conn.execute("ATTACH DATABASE ? AS other", [sys.argv[2]])
def columns(table):
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
with conn:
    shift = conn.execute("SELECT coalesce(max(id), 0) FROM main.documents").fetchone()[0]
    cols = [c for c in columns("documents") if c != "id"]
    names = ", ".join(f'"{c}"' for c in cols)
    conn.execute(f"INSERT INTO main.documents (id, {names}) "
                 f"SELECT id + ?, {names} FROM other.documents", [shift])
    for table in ("document_texts", "document_tokens"):
        cols = [c for c in columns(table) if c != "document_id"]
        names = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f"INSERT INTO main.{table} (document_id, {names}) "
                     f"SELECT document_id + ?, {names} FROM other.{table}", [shift])
    cols = [c for c in columns("spans") if c not in ("id", "document_id")]
    names = ", ".join(f'"{c}"' for c in cols)
    conn.execute(f"INSERT INTO main.spans (document_id, {names}) "
                 f"SELECT document_id + ?, {names} FROM other.spans", [shift])
done(started)
"""


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _fresh(path: str, copy_of: str | None = None) -> str:
    """``path`` with no database (and no WAL or shared-memory file) left from a run
    before, or a new copy of ``copy_of``."""
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    if copy_of is not None:
        shutil.copy(copy_of, path)
    return path


def plot(results: dict[str, dict[int, dict[str, float]]], path: str) -> None:
    """Draw milliseconds per document against project size for each phase and its floor
    (matplotlib, a benchmark-only dependency: ``pip install -e '.[bench]'``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4), dpi=110)
    styles = {"import": "tab:blue", "merge": "tab:orange"}
    for name, by_size in results.items():
        sizes = sorted(by_size)
        kind, floor = name.split()[0], name.endswith("floor")
        per_document = [by_size[n]["seconds"] / n * 1000 for n in sizes]
        axes.plot(
            sizes,
            per_document,
            marker="o",
            color=styles[kind],
            linestyle="--" if floor else "-",
            label=name,
        )
    axes.set_xscale("log")
    axes.set_ylim(bottom=0)
    axes.set_xlabel("documents in each project")
    axes.set_ylabel("milliseconds per document")
    axes.set_title("Cost per document as projects grow (flat: linear time)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the lines, not on them
    figure.tight_layout()
    figure.savefig(path)
    print(f"plot: {path}")


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--runs", type=int, default=0, help="pairs per size (default: 3 up to 20,000, else 1)"
    )
    parser.add_argument("--plot", help="also draw cost per document to this PNG file")
    args = parser.parse_args()
    lines = []
    results: dict[str, dict[int, dict[str, float]]] = {}
    for size in args.sizes:
        runs = args.runs or (3 if size <= 20_000 else 1)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            first, second = str(folder / "a.jsonl"), str(folder / "b.jsonl")
            a_db, b_db = str(folder / "a.db"), str(folder / "b.db")
            phase("make_corpus", first, str(size))
            phase("make_other_corpus", second, str(size), "23")
            imported, floor = [], []
            for _ in range(runs):  # measured and floor interleaved: both see the same machine
                imported.append(phase("import_corpus", first, _fresh(a_db)))
                floor.append(phase("import_corpus_floor", first, _fresh(str(folder / "f.db"))))
            name = f"import {size:,} documents"
            lines.append(show(name, _median(imported), _median(floor), size))
            results.setdefault("import", {})[size] = _median(imported)
            results.setdefault("import floor", {})[size] = _median(floor)
            phase("import_corpus", second, b_db)
            merged, floor = [], []
            for _ in range(runs):
                merged.append(phase("merge_projects", _fresh(str(folder / "m.db"), a_db), b_db))
                floor_db = _fresh(str(folder / "mf.db"), a_db)
                floor.append(phase("merge_projects_floor", floor_db, b_db))
            lines.append(
                show(f"merge two of {size:,} documents", _median(merged), _median(floor), size)
            )
            results.setdefault("merge", {})[size] = _median(merged)
            results.setdefault("merge floor", {})[size] = _median(floor)
    if args.plot:
        plot(results, args.plot)
    return lines


if __name__ == "__main__":
    main()
