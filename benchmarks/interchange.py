"""Import and export of 10,000 two-kilobyte documents with ten spans each.

Import: ``annotator import`` of a Prodigy JSONL file (read, check, tokenise, store),
next to its floor: spaCy's tokenizer over the same texts plus a bulk insert of the same
rows (documents, texts, tokens, spans) into bare SQLite tables in one transaction.

Export: ``annotator export --format prodigy`` next to its floor: serialising the same
records, prebuilt as dicts, with orjson and writing them.

Run: ``python benchmarks/interchange.py [--documents 10000]``
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NewsText, report


def make_tasks(count: int, seed: int = 11) -> list[dict]:
    """``count`` tasks of 2 KB of generated news text (``NewsText``) with ten spans each."""
    from annotator.text import tokenize

    rng = random.Random(seed)
    news = NewsText(rng)
    tasks = []
    for n in range(count):
        text = f"Report {n}. " + news.article(2000 - 12)
        offsets = tokenize(text)
        spans, seen = [], set()
        while len(spans) < 10:
            first = rng.randrange(len(offsets) - 4)
            last = first + rng.randrange(3)
            start, end = offsets.starts[first], offsets.ends[last]
            label = rng.choice(["claim", "source", "actor", "hedge"])
            if (start, end, label) in seen or not text[start:end].strip():
                continue
            seen.add((start, end, label))
            spans.append({"start": start, "end": end, "label": label})
        tasks.append(
            {"text": text, "meta": {"title": f"report {n}"}, "spans": spans, "answer": "accept"}
        )
    return tasks


def import_floor(tasks: list[dict], folder: Path) -> float:
    from annotator.text import get_nlp, offsets_of

    nlp = get_nlp("en")
    conn = sqlite3.connect(folder / "floor.db")
    conn.executescript(
        """CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT, length INT, sha TEXT);
           CREATE TABLE texts (document_id INTEGER PRIMARY KEY, text TEXT);
           CREATE TABLE tokens (document_id INTEGER PRIMARY KEY, starts BLOB, ends BLOB);
           CREATE TABLE spans (id INTEGER PRIMARY KEY, document_id INT, start INT, "end" INT,
                               label TEXT, annotator TEXT);"""
    )
    started = time.perf_counter()
    texts = [t["text"] for t in tasks]
    tokens = [offsets_of(doc).to_blobs() for doc in nlp.tokenizer.pipe(texts, batch_size=256)]
    with conn:
        conn.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?)",
            ((n, t["meta"]["title"], len(t["text"]), str(n)) for n, t in enumerate(tasks)),
        )
        conn.executemany("INSERT INTO texts VALUES (?, ?)", enumerate(texts))
        conn.executemany(
            "INSERT INTO tokens VALUES (?, ?, ?)", ((n, s, e) for n, (s, e) in enumerate(tokens))
        )
        conn.executemany(
            'INSERT INTO spans (document_id, start, "end", label, annotator) VALUES (?,?,?,?,?)',
            (
                (n, s["start"], s["end"], s["label"], "bench")
                for n, t in enumerate(tasks)
                for s in t["spans"]
            ),
        )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def import_measured(source: Path, folder: Path):
    from annotator.core.ingest import import_documents
    from annotator.core.project import Project
    from annotator.formats.reader import read_paths
    from annotator.model.imports import SchemaIn

    project = Project.open(folder / "bench.db", annotator="bench")
    started = time.perf_counter()
    schema = SchemaIn()
    records = list(read_paths([source], "prodigy", [], schema=schema))
    import_documents(project, records, schema=schema)
    return time.perf_counter() - started, project


def export_floor(project, folder: Path) -> float:
    from annotator.formats.export import ExportReport, select_layers
    from annotator.formats.prodigy import prodigy_record

    report = ExportReport("prodigy", "")
    records = [prodigy_record(project, layer, report) for layer in select_layers(project)]
    started = time.perf_counter()
    with open(folder / "floor.jsonl", "wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")
    return time.perf_counter() - started


def export_measured(project, folder: Path) -> float:
    from annotator.formats.prodigy import export_prodigy

    started = time.perf_counter()
    export_prodigy(project, folder / "out.jsonl")
    return time.perf_counter() - started


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    tasks = make_tasks(args.documents)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "tasks.jsonl"
        source.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in tasks))
        floor_in = import_floor(tasks, folder)
        measured_in, project = import_measured(source, folder)
        floor_out = export_floor(project, folder)
        measured_out = export_measured(project, folder)
        project.close()
    name = f"{args.documents:,} docs × 2 KB × 10 spans"
    return [
        report(
            f"import Prodigy JSONL ({name})", measured_in, floor_in, "spaCy tokenizer + bulk insert"
        ),
        report(
            f"export Prodigy JSONL ({name})",
            measured_out,
            floor_out,
            "orjson of prebuilt dicts + write",
        ),
    ]


if __name__ == "__main__":
    main()
