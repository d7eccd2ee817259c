"""Start-up: commands and the window, each in fresh processes next to its floor.

Commands (spawn → exit, the ``annotator`` console script): ``annotator --version`` next to
``python -c "import sqlite3"``; ``annotator search`` of a 1,000-document project next to
bare Python opening the file read-only with ``sqlite3`` and running the same FTS5 query
(snippet, rank, 20 hits); a Prodigy export of those documents (tokens stored) next to bare
Python reading the same rows with ``sqlite3`` and writing them with orjson.

Window (spawn → first paint of the text viewport): a bare ``QMainWindow`` holding a
``QPlainTextEdit`` with the same article text, next to Annotator's window on a project
holding the annotated sample article, built as ``annotator gui`` builds it.

Measured and floor run interleaved, ``--runs`` pairs (default 7), medians shown.

Run: ``python benchmarks/startup.py [--runs N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_of, paired_medians, report, time_child, time_command

PAINT_PROBE = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            print(time.time(), flush=True)
            QTimer.singleShot(0, app.quit)
        return False
probe = FirstPaint()
"""

BARE = (
    """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication([])
"""
    + PAINT_PROBE
    + """
window = QMainWindow()
edit = QPlainTextEdit()
edit.setReadOnly(True)
edit.setPlainText(open(sys.argv[1], encoding="utf-8").read())
edit.viewport().installEventFilter(probe)
window.setCentralWidget(edit)
window.resize(1280, 800)
window.show()
app.exec()
"""
)

ANNOTATOR = (
    """
import sys
from annotator.gui.app import create_window, make_application
app = make_application()
"""
    + PAINT_PROBE
    + """
window = create_window(sys.argv[1], "bench")
window.view.viewport().installEventFilter(probe)
window.show()  # as `annotator gui` does: the window loads spaCy when it needs it
app.exec()
"""
)

SEED = """
import sys
from annotator.core.project import Project
from annotator.core.samples import ensure_sample
with Project.open(sys.argv[1], annotator="bench") as project:
    ensure_sample(project)
    doc = project.documents()[0].id
    text = project.document(doc).text
    for phrase, label in [("South Korea’s defense minister", "source"), ("probably", "hedge"),
                          ("North Korean soldiers are probably engaged in combat", "claim"),
                          ("Russian forces", "actor")]:
        start = text.find(phrase)
        project.add_span(doc, start, start + len(phrase), label)
print(0)
"""


CORPUS = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import interchange
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.prodigy import task_to_document
tasks = interchange.make_tasks(int(sys.argv[2]))
with Project.open(sys.argv[1], annotator="bench") as project:
    project.set_project_value("sample_offered", "1")
    import_documents(project, [task_to_document(t, "bench", []) for t in tasks])
print(0)
"""

SEARCH_FLOOR = """
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = conn.execute(
    "SELECT rowid, snippet(document_texts_fts, 0, '[', ']', '…', 12) FROM document_texts_fts "
    "WHERE document_texts_fts MATCH ? ORDER BY rank LIMIT 20", [sys.argv[2]]).fetchall()
for row in rows:
    print(row[0], row[1])
"""

EXPORT_FLOOR = """
import sqlite3, sys
from array import array
import orjson
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
spans = {}
for document_id, start, end, label in conn.execute(
        'SELECT document_id, start, "end", label FROM spans ORDER BY document_id, start'):
    spans.setdefault(document_id, []).append({"start": start, "end": end, "label": label})
with open(sys.argv[2], "wb") as out:
    for document_id, text, starts, ends in conn.execute(
            "SELECT t.document_id, t.text, k.starts, k.ends FROM document_texts t "
            "JOIN document_tokens k USING (document_id) ORDER BY t.document_id"):
        s, e = array("i"), array("i")
        s.frombytes(starts)
        e.frombytes(ends)
        tokens = [{"text": text[a:b], "start": a, "end": b, "id": n}
                  for n, (a, b) in enumerate(zip(s, e))]
        out.write(orjson.dumps({"text": text, "tokens": tokens,
                                "spans": spans.get(document_id, [])}) + b"\\n")
"""


def _annotator() -> list[str]:
    """The console script beside this Python, as a user runs it (else ``-m annotator``)."""
    script = Path(sys.executable).with_name("annotator")
    return [str(script)] if script.exists() else [sys.executable, "-m", "annotator"]


def commands(runs: int, folder: Path) -> list[str]:
    """The command rows: ``--version``, ``search`` and a Prodigy export."""
    db = folder / "corpus.db"
    time_child(CORPUS, str(db), "1000")
    cli, python = _annotator(), sys.executable
    lines = []
    for name, measured, floor, floor_name in [
        (
            "annotator --version",
            [*cli, "--version"],
            [python, "-c", "import sqlite3"],
            "python + import sqlite3",
        ),
        (
            "annotator search (1,000 documents)",
            [*cli, "--db", str(db), "search", "minister"],
            [python, "-c", SEARCH_FLOOR, str(db), "minister"],
            "python + sqlite3 FTS5 query",
        ),
        (
            "Prodigy export of 1,000 documents",
            [*cli, "--db", str(db), "export", "--format", "prodigy", "-o", str(folder / "a.jsonl")],
            [python, "-c", EXPORT_FLOOR, str(db), str(folder / "b.jsonl")],
            "python + sqlite3 + orjson",
        ),
    ]:
        time_command(*measured)  # warm-up: both read their libraries from the page cache
        time_command(*floor)
        m, f = paired_medians(
            lambda a=measured: time_command(*a), lambda a=floor: time_command(*a), runs
        )
        lines.append(report(name, m, f, floor_name))
    return lines


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from annotator.core.samples import sample_text

    with tempfile.TemporaryDirectory() as tmp:
        lines = commands(args.runs, Path(tmp))
        text_file = Path(tmp) / "article.txt"
        text_file.write_text(sample_text(), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        time_child(SEED, str(db))
        # one warm-up each so that both read the libraries from the page cache
        time_child(BARE, str(text_file))
        time_child(ANNOTATOR, str(db))
        measured, floor = paired_medians(
            lambda: time_child(ANNOTATOR, str(db)),
            lambda: time_child(BARE, str(text_file)),
            args.runs,
        )
        first_run = median_of(
            lambda: time_child(ANNOTATOR, str(Path(tempfile.mkdtemp(dir=tmp)) / "new.db")),
            max(3, args.runs // 2),
        )
    return [
        *lines,
        report("start to first paint (existing project)", measured, floor, "bare Qt window"),
        report("start to first paint (first run, new project)", first_run, floor, "bare Qt window"),
    ]


if __name__ == "__main__":
    main()
