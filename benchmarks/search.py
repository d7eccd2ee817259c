"""Full-text search over 100,000 generated articles.

The project is built once through the real import (texts, tokens, two claims per
article, outlet and date in the metadata; the FTS5 indexes are filled as part of it).
Each query is then timed as ``annotator.services.search.search`` (articles, titles,
claims and notes, ranked together, with snippets and titles) next to its floor: the bare
FTS5 query with the same snippet, bm25 ranking, filter and limit over one index (the
article texts; the claim items for a status filter). Timings are the median of repeated
runs on a warm cache.

Run: ``python benchmarks/search.py [--documents 100000]``
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NewsText, report

OUTLETS = [f"Outlet {n}" for n in range(20)]
ARTICLES = """
SELECT t.document_id, snippet(document_texts_fts, 0, '[', ']', '…', 14), bm25(document_texts_fts)
FROM document_texts_fts JOIN document_texts t ON t.rowid = document_texts_fts.rowid
WHERE document_texts_fts MATCH ? ORDER BY bm25(document_texts_fts) LIMIT 50
"""
CLAIMS_OF_STATUS = """
SELECT i.span_id, snippet(search_items_fts, 1, '[', ']', '…', 14), bm25(search_items_fts)
FROM search_items_fts JOIN search_items i ON i.rowid = search_items_fts.rowid
LEFT JOIN claim_records r ON r.span_id = i.span_id
WHERE search_items_fts MATCH ? AND i.kind = 'claim' AND coalesce(r.status, 'unstarted') = ?
ORDER BY bm25(search_items_fts) LIMIT 50
"""
ARTICLES_OF_OUTLET = """
SELECT t.document_id, snippet(document_texts_fts, 0, '[', ']', '…', 14), bm25(document_texts_fts)
FROM document_texts_fts JOIN document_texts t ON t.rowid = document_texts_fts.rowid
JOIN documents d ON d.id = t.document_id
WHERE document_texts_fts MATCH ? AND json_extract(d.meta, '$.outlet') = ?
  AND json_extract(d.meta, '$.published') >= ?
ORDER BY bm25(document_texts_fts) LIMIT 50
"""
# (label, query and filters for search(), the floor's SQL and parameters)
QUERIES = [
    ("rare word (~30 articles)", "topic42", {}, ARTICLES, ("topic42",)),
    ("common word (most articles)", "missiles", {}, ARTICLES, ("missiles",)),
    ("phrase", '"highly likely"', {}, ARTICLES, ('"highly likely"',)),
    ("prefix", "topic42*", {}, ARTICLES, ("topic42*",)),
    ("two words", "missiles topic7", {}, ARTICLES, ("missiles topic7",)),
    (
        "claims of one status",
        "missiles",
        {"kinds": ("claim",), "status": "unstarted"},
        CLAIMS_OF_STATUS,
        ("missiles", "unstarted"),
    ),
    (
        "one outlet, from a year on",
        "missiles",
        {"outlet": "Outlet 3", "published_from": "2025"},
        ARTICLES_OF_OUTLET,
        ("missiles", "Outlet 3", "2025"),
    ),
]


def make_tasks(count: int, seed: int = 5) -> list[dict]:
    """Articles of ~1 KB of generated news text (``NewsText``: Zipf-distributed words and
    sentences of the sample, so "missiles" and "highly likely" are common) whose head
    names three of ``count // 10`` topics; the first sample sentence is a claim."""
    rng = random.Random(seed)
    news = NewsText(rng)
    tasks = []
    for n in range(count):
        topics = " ".join(f"topic{rng.randrange(max(count // 10, 1))}" for _ in range(3))
        head = f"Report {n} on {topics}. "
        quoted = news.sample_sentence()
        text = (head + quoted + " " + news.filler(150))[:1200]
        spans = [{"start": len(head), "end": len(head) + len(quoted), "label": "claim"}]
        year = 2020 + rng.randrange(6)
        meta = {
            "title": f"Report {n}",
            "outlet": rng.choice(OUTLETS),
            "published": f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        }
        tasks.append({"text": text, "meta": meta, "spans": spans, "answer": "accept"})
    return tasks


def build(tasks: list[dict], folder: Path) -> tuple[object, float]:
    from annotator.core.ingest import import_documents
    from annotator.core.project import Project
    from annotator.formats.reader import read_paths
    from annotator.model.imports import SchemaIn

    source = folder / "tasks.jsonl"
    source.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in tasks))
    project = Project.open(folder / "search.db", annotator="bench")
    started = time.perf_counter()
    schema = SchemaIn()
    import_documents(
        project, list(read_paths([source], "prodigy", [], schema=schema)), schema=schema
    )
    return project, time.perf_counter() - started


def timed(fn, runs: int) -> float:
    fn()  # warm the page cache and the statement cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from annotator.services.search import search

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        project, build_time = build(make_tasks(args.documents), Path(tmp))
        print(f"built {args.documents:,} articles in {build_time:.1f} s", flush=True)
        raw = sqlite3.connect(Path(tmp) / "search.db")
        for label, query, filters, floor_sql, floor_params in QUERIES:
            hits = search(project, query, limit=50, **filters)
            assert hits, f"no hits for {query!r}: the generated data is wrong"
            measured = timed(
                lambda q=query, f=filters: search(project, q, limit=50, **f), args.runs
            )
            floor = timed(
                lambda s=floor_sql, p=floor_params: raw.execute(s, p).fetchall(), args.runs
            )
            name = f"search: {label}"
            lines.append(report(name, measured * 1000, floor * 1000, "raw FTS5 query", "ms"))
        raw.close()
        project.close()
    return lines


if __name__ == "__main__":
    main()
