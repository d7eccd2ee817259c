"""Large and long: a 20 MB article, and a project of 100,000 documents with 1,000,000 spans
(imported, listed in the window, searched and exported).

Each phase runs in its own process and prints its time and peak memory (max RSS) next to
a floor doing the bare work in the same way: the spaCy tokenizer and raw SQLite inserts
for imports, ``QPlainTextEdit.setPlainText`` for opening an article, a raw SQL query for
listing documents, orjson of the stored rows for exports.

Run: ``python benchmarks/large.py [--article-mb 20] [--documents 100000]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRELUDE = (
    "import json, os, resource, sys, time\n"
    "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
    f"sys.path.insert(0, {str(HERE)!r})\n"
    "def done(started):\n"
    "    seconds = time.perf_counter() - started\n"
    "    if 'multiprocessing' in sys.modules:  # a helper process: its peak counts too\n"
    "        for child in sys.modules['multiprocessing'].active_children():\n"
    "            child.join()\n"
    "    peak = sum(resource.getrusage(who).ru_maxrss / 1024\n"
    "               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
    "    print(json.dumps({'seconds': seconds, 'peak_mb': peak}))\n"
)
"""Each phase imports what it needs first and starts its clock after: times compare the
work, not Python start-up; peak memory is the whole process plus the largest helper
process it started (an import tokenises in one), added up."""

PHASES = {
    "make_article": """
import long_article
text = long_article.make_text(int(float(sys.argv[2]) * 1_000_000))
open(sys.argv[1], "w", encoding="utf-8").write(text)
print(json.dumps({"seconds": 0, "peak_mb": 0}))
""",
    "import_article": """
from annotator.model.imports import DocumentIn
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.text import get_nlp
get_nlp("en")
started = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
with Project.open(sys.argv[2], annotator="bench") as project:
    project.set_project_value("sample_offered", "1")
    import_documents(project, [DocumentIn(text=text, title="long", where="bench")])
done(started)
""",
    "import_article_floor": """
import sqlite3
from annotator.text import get_nlp, tokenize
get_nlp("en")
started = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
starts, ends = tokenize(text).to_blobs()
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, text TEXT, starts BLOB, ends BLOB)")
with conn:
    conn.execute("INSERT INTO d (text, starts, ends) VALUES (?, ?, ?)", (text, starts, ends))
done(started)
""",
    "open_article": """
from annotator.gui import open_window
import annotator.gui.app
started = time.perf_counter()
window = open_window(sys.argv[2], "bench")
window.view.viewport().repaint()
done(started)
""",
    "open_article_floor": """
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication([])
started = time.perf_counter()
edit = QPlainTextEdit()
edit.setPlainText(open(sys.argv[1], encoding="utf-8").read())
edit.show()
edit.viewport().repaint()
done(started)
""",
    "make_corpus": """
import orjson, interchange
tasks = interchange.make_tasks(int(sys.argv[2]))
with open(sys.argv[1], "wb") as handle:
    for task in tasks:
        handle.write(orjson.dumps(task) + b"\\n")
print(json.dumps({"seconds": 0, "peak_mb": 0}))
""",
    "import_corpus": """
from annotator.core.project import Project
from annotator.services.transfer import import_paths
from annotator.text import get_nlp
from pathlib import Path
get_nlp("en")
started = time.perf_counter()
with Project.open(sys.argv[2], annotator="bench") as project:
    project.set_project_value("sample_offered", "1")
    import_paths(project, [Path(sys.argv[1])], fmt="prodigy")
done(started)
""",
    "import_corpus_floor": """
import hashlib, sqlite3, orjson
from itertools import islice
from annotator.text import get_nlp, offsets_of
nlp = get_nlp("en")
started = time.perf_counter()
conn = sqlite3.connect(sys.argv[2])
conn.executescript('''
    CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT, length INT, sha TEXT UNIQUE);
    CREATE TABLE texts (document_id INTEGER PRIMARY KEY, text TEXT);
    CREATE TABLE tokens (document_id INTEGER PRIMARY KEY, starts BLOB, ends BLOB);
    CREATE TABLE spans (id INTEGER PRIMARY KEY, document_id INT, start INT, "end" INT,
                        label TEXT, annotator TEXT);
    CREATE INDEX spans_by_document ON spans (document_id);
    CREATE VIRTUAL TABLE search USING fts5(text, content='texts', content_rowid='document_id');
''')
tasks = (orjson.loads(line) for line in open(sys.argv[1], "rb"))
first = 1
with conn:
    while batch := list(islice(tasks, 1000)):
        texts = [task["text"] for task in batch]
        ids = range(first, first + len(batch))
        conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)", (
            (i, t["meta"]["title"], len(t["text"]), hashlib.sha256(t["text"].encode()).hexdigest())
            for i, t in zip(ids, batch)))
        conn.executemany("INSERT INTO texts VALUES (?, ?)", zip(ids, texts))
        docs = nlp.tokenizer.pipe(texts, batch_size=256)
        conn.executemany("INSERT INTO tokens VALUES (?, ?, ?)",
                         ((i, *offsets_of(doc).to_blobs()) for i, doc in zip(ids, docs)))
        conn.executemany(
            'INSERT INTO spans (document_id, start, "end", label, annotator) VALUES (?,?,?,?,?)',
            ((i, s["start"], s["end"], s["label"], "bench")
             for i, t in zip(ids, batch) for s in t["spans"]))
        first += len(batch)
    conn.execute("INSERT INTO search (search) VALUES ('rebuild')")
done(started)
""",
    "list_documents": """
from annotator.gui import open_window
import annotator.gui.app
started = time.perf_counter()
window = open_window(sys.argv[2], "bench")
window.view.viewport().repaint()
done(started)
""",
    "list_documents_floor": """
started = time.perf_counter()
import sqlite3
conn = sqlite3.connect(sys.argv[2])
rows = conn.execute("SELECT d.id, d.title, d.length, count(s.id) FROM documents d "
                    "LEFT JOIN spans s ON s.document_id = d.id GROUP BY d.id").fetchall()
done(started)
""",
    "search_corpus": """
from annotator.core.project import Project
from annotator.services.search import search
with Project.open(sys.argv[2], annotator="bench") as project:
    search(project, "missiles")  # the first query reads the index from disk: not timed
    started = time.perf_counter()
    for query in ("missiles", '"highly likely"', "Pyongyang shipped", "report 4242"):
        search(project, query, limit=50)
    done(started)
""",
    "search_corpus_floor": """
import sqlite3
conn = sqlite3.connect(sys.argv[2])
sql = ("SELECT t.document_id, snippet(document_texts_fts, 0, '[', ']', '…', 14), "
       "bm25(document_texts_fts) FROM document_texts_fts JOIN document_texts t "
       "ON t.rowid = document_texts_fts.rowid WHERE document_texts_fts MATCH ? "
       "ORDER BY bm25(document_texts_fts) LIMIT 50")
conn.execute(sql, ("missiles",)).fetchall()
started = time.perf_counter()
for query in ("missiles", '"highly likely"', "Pyongyang shipped", 'report 4242'):
    conn.execute(sql, (query,)).fetchall()
done(started)
""",
    "export_corpus": """
from annotator.core.project import Project
from annotator.formats.native import export_native
started = time.perf_counter()
with Project.open(sys.argv[2], annotator="bench") as project:
    export_native(project, sys.argv[1] + ".out.jsonl")
done(started)
""",
    "export_corpus_floor": """
started = time.perf_counter()
import sqlite3, orjson
conn = sqlite3.connect(sys.argv[2])
with open(sys.argv[1] + ".floor.jsonl", "wb") as handle:
    spans = {}
    for row in conn.execute('SELECT document_id, start, "end", label FROM spans'):
        spans.setdefault(row[0], []).append(row[1:])
    for doc_id, text in conn.execute("SELECT document_id, text FROM document_texts"):
        handle.write(orjson.dumps({"text": text, "spans": spans.get(doc_id, [])}) + b"\\n")
done(started)
""",
}


def phase(name: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + PHASES[name], *args],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(name: str, measured: dict[str, float], floor: dict[str, float], documents: int = 0) -> str:
    """One printed row: time and peak memory of a phase and of its floor, their ratio,
    and with ``documents`` the milliseconds per document."""
    per_document = f" ({measured['seconds'] / documents * 1000:.2f} ms/doc)" if documents else ""
    line = (
        f"{name:<44} {measured['seconds']:8.2f} s {measured['peak_mb']:7.0f} MB{per_document}"
        f"   floor {floor['seconds']:8.2f} s {floor['peak_mb']:7.0f} MB   time ratio "
        f"{measured['seconds'] / max(floor['seconds'], 1e-9):5.2f}x"
    )
    print(line, flush=True)
    return line


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--article-mb", type=float, default=20.0)
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        article, db = str(folder / "article.txt"), str(folder / "article.db")
        phase("make_article", article, str(args.article_mb))
        label = f"{args.article_mb:g} MB article"
        lines.append(
            show(
                f"import a {label}",
                phase("import_article", article, db),
                phase("import_article_floor", article, str(folder / "a-floor.db")),
            )
        )
        lines.append(
            show(
                "open it in the window",
                phase("open_article", article, db),
                phase("open_article_floor", article, db),
            )
        )
        corpus, corpus_db = str(folder / "corpus.jsonl"), str(folder / "corpus.db")
        phase("make_corpus", corpus, str(args.documents))
        name = f"{args.documents:,} documents, {args.documents * 10:,} spans"
        lines.append(
            show(
                f"import {name}",
                phase("import_corpus", corpus, corpus_db),
                phase("import_corpus_floor", corpus, str(folder / "floor.db")),
            )
        )
        lines.append(
            show(
                "open the window on them (document list)",
                phase("list_documents", corpus, corpus_db),
                phase("list_documents_floor", corpus, corpus_db),
            )
        )
        lines.append(
            show(
                "search them (4 queries, 50 hits each)",
                phase("search_corpus", corpus, corpus_db),
                phase("search_corpus_floor", corpus, corpus_db),
            )
        )
        lines.append(
            show(
                "export them (native JSONL)",
                phase("export_corpus", corpus, corpus_db),
                phase("export_corpus_floor", corpus, corpus_db),
            )
        )
    return lines


if __name__ == "__main__":
    main()
