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

Run: ``python benchmarks/scale.py [--sizes 10000 100000]`` (1,000,000 is opt-in).
"""

from __future__ import annotations

import argparse
import shutil
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


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    lines = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            first, second = str(folder / "a.jsonl"), str(folder / "b.jsonl")
            a_db, b_db = str(folder / "a.db"), str(folder / "b.db")
            phase("make_corpus", first, str(size))
            phase("make_other_corpus", second, str(size), "23")
            imported = phase("import_corpus", first, a_db)
            floor = phase("import_corpus_floor", first, str(folder / "floor.db"))
            lines.append(show(f"import {size:,} documents", imported, floor, size))
            phase("import_corpus", second, b_db)
            merged_db, floor_db = str(folder / "merged.db"), str(folder / "merged-floor.db")
            shutil.copy(a_db, merged_db)
            shutil.copy(a_db, floor_db)
            merged = phase("merge_projects", merged_db, b_db)
            floor = phase("merge_projects_floor", floor_db, b_db)
            lines.append(show(f"merge two of {size:,} documents", merged, floor, size))
    return lines


if __name__ == "__main__":
    main()
