"""Import reads, checks and writes a batch at a time, in one transaction: memory does
not grow with the number of records, and a bad record, Cancel or a kill changes nothing."""

from __future__ import annotations

import time
import weakref

import pytest

from annotator import text as nlp
from annotator.core import import_worker
from annotator.core.ingest import IMPORT_CACHE_KIB, import_documents
from annotator.core.project import Project
from annotator.model.errors import InputFileError, ValidationError
from annotator.model.imports import Cancelled, DocumentIn, SpanIn
from annotator.store import search_index
from tests.conftest import kill_when_halfway, running

BATCH = 200  # documents tokenised and not yet written, at most (rows are written as made)


def _records(count: int) -> list[DocumentIn]:
    return [
        DocumentIn(text=f"Article {n} says the ferry sails.", title=f"t{n}", where=f"t:{n}")
        for n in range(count)
    ]


def test_import_holds_at_most_one_batch_of_token_rows(project, monkeypatch):
    real, behind = nlp.tokenize_many, []

    def watched(texts, lang="en"):
        for made, offsets in enumerate(real(texts, lang)):
            written = project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0]
            behind.append(made - written)  # tokenised, not yet written
            yield offsets

    monkeypatch.setattr(nlp, "tokenize_many", watched)
    report = import_documents(project, _records(1000))
    assert report.documents_added == 1000
    assert len(behind) == 1000 and max(behind) <= BATCH
    count = project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0]
    assert count == 1000


def test_cancel_while_tokenising_changes_nothing(project):
    before = project.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    seen = []

    def cancelled() -> bool:
        return len(seen) >= 450

    with pytest.raises(Cancelled):
        import_documents(project, _records(1000), progress=seen.append, cancelled=cancelled)
    assert project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    assert project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0] == 0
    assert seen[-1] == 450  # progress counted the documents tokenised so far


def test_suggestions_already_stored_are_not_counted_again(project):
    from annotator.model.imports import SuggestionIn

    def record() -> DocumentIn:
        suggestion = SuggestionIn(start=0, end=7, label="claim", source="model")
        return DocumentIn(text="Article one.", title="a", where="t:1", suggestions=[suggestion])

    assert import_documents(project, [record()]).suggestions_added == 1
    assert import_documents(project, [record()]).suggestions_added == 0
    assert project.db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 1


def _counted_records(count: int, live: list[int]):
    """``count`` records made one at a time, noting how many made so far are still alive
    (held by someone) each time the next one is asked for."""
    freed: list[int] = []
    for n in range(count):
        live.append(n - len(freed))
        record = _Watched(text=f"Article {n} says the ferry sails.", title=f"t{n}", where=f"t:{n}")
        weakref.finalize(record, freed.append, n)
        yield record


class _Watched(DocumentIn):
    """A record that can be watched with a weak reference (``DocumentIn`` has slots)."""


def test_import_runs_with_a_small_page_cache_and_puts_the_project_s_back(project, monkeypatch):
    before = project.db.execute("PRAGMA cache_size").fetchone()[0]
    during = []

    def progress(done):
        during.append(project.db.execute("PRAGMA cache_size").fetchone()[0])

    reindex = search_index.reindex_documents

    def reindexed(db, *args, **kwargs):  # after the import's body, before its commit
        progress(None)
        return reindex(db, *args, **kwargs)

    monkeypatch.setattr(search_index, "reindex_documents", reindexed)
    import_documents(project, _records(50), batch_size=20, progress=progress)
    assert len(during) > 3 and set(during) == {-IMPORT_CACHE_KIB} != {before}
    assert project.db.execute("PRAGMA cache_size").fetchone()[0] == before


def test_import_holds_at_most_one_batch_of_records(project):
    live: list[int] = []
    report = import_documents(project, _counted_records(600, live), batch_size=50)
    assert report.documents_added == 600
    assert max(live) <= 50  # a list of every record would hold 599


def test_import_grows_the_schema_in_a_later_batch_once(project):
    def record(n: int) -> DocumentIn:
        spans = [SpanIn(start=0, end=7, label="verdict", attributes={"rating": "false"})]
        if n >= 120:  # only in the third batch of 50
            spans.append(SpanIn(start=8, end=9, label="late", attributes={"seen": True}))
        return DocumentIn(text=f"Article {n} says so.", title=f"t{n}", where=f"t:{n}", spans=spans)

    report = import_documents(project, (record(n) for n in range(200)), batch_size=50)
    assert report.labels_added == ["verdict", "late"]
    attributes = {label.name: label.attributes for label in project.schema.labels}
    assert [a.name for a in attributes["verdict"]] == ["rating"]  # added once, not per batch
    assert [(a.name, a.type) for a in attributes["late"]] == [("seen", "bool")]
    assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 280


def test_import_counts_a_text_repeated_in_a_later_batch_once(project):
    import_documents(project, [DocumentIn(text="Stored before.", title="s", where="s:1")])
    records = [
        *_records(60),
        _records(1)[0],
        DocumentIn(text="Stored before.", title="x", where="x:2"),
    ]
    records[60].spans = [SpanIn(start=0, end=7, label="claim")]
    report = import_documents(project, records, batch_size=50)
    assert (report.documents_added, report.documents_existing) == (60, 1)
    rows = project.db.execute("SELECT document_id FROM spans").fetchall()
    assert (
        len(rows) == 1
        and rows[0][0]
        == project.db.execute("SELECT id FROM documents WHERE title = 't0'").fetchone()[0]
    )


def test_a_bad_record_in_a_later_batch_changes_nothing(project):
    before = project.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    records = _records(130)
    records[125].spans = [SpanIn(start=5, end=500, label="claim")]
    with pytest.raises(InputFileError, match="outside the text"):
        import_documents(project, records, batch_size=50)
    assert project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    assert project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0] == 0


KILLED = """
import pathlib, sys, time
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.model.imports import DocumentIn
from annotator.core import import_worker
from tests.conftest import token_helpers

import_worker.WORKER_FROM = 500  # the second batch goes to a helper process

def records():
    for n in range(5000):
        if n == 2500:  # two batches written inside the one transaction by now
            time.sleep(2)  # the helper has loaded its tokenizer and waits for texts
            helpers = [str(pid) for pid in token_helpers()]
            pathlib.Path(sys.argv[2]).write_text(" ".join(helpers))
            print("halfway", flush=True)
            time.sleep(60)
        yield DocumentIn(text=f"Article {n} says the ferry sails.", title=f"t{n}", where=f"t:{n}")

with Project.open(sys.argv[1], annotator="bench") as project:
    import_documents(project, records())
"""


@pytest.mark.slow
def test_an_import_killed_midway_leaves_the_project_as_it_was(db_path):
    with Project.open(db_path, annotator="alice") as project:
        import_documents(project, _records(3))
    helpers = db_path.parent / "helpers"
    kill_when_halfway(KILLED, db_path, helpers)
    if import_worker.cores() > 1:  # the helper tokenising in another process ends too
        pids = [int(pid) for pid in helpers.read_text().split()]
        assert len(pids) == 1
        deadline = time.monotonic() + 30
        while any(map(running, pids)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(running, pids))
    with Project.open(db_path, annotator="alice") as project:
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = [row[0] for row in project.db.execute("SELECT title FROM documents")]
        assert titles == ["t0", "t1", "t2"]
        assert project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0] == 3


def _found(project, word: str) -> list[str]:
    sql = """SELECT d.title FROM document_texts_fts f JOIN documents d ON d.id = f.rowid
             WHERE document_texts_fts MATCH ? ORDER BY d.id"""
    return [row[0] for row in project.db.execute(sql, [word])]


def test_imported_texts_are_in_the_full_text_index_and_the_trigger_is_back(project):
    import_documents(project, _records(120), batch_size=50)
    assert _found(project, "ferry") == [f"t{n}" for n in range(120)]
    assert _found(project, "119") == ["t119"]
    trigger = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?"
    assert project.db.execute(trigger, ["document_texts_ai"]).fetchone()[0] == 1
    with project.transact("") as transaction:  # a text written on its own: the trigger
        text = "A later article about the harbour."
        db = transaction.db
        row = {"title": "later", "length": len(text), "text_sha256": "x" * 64, "created": "now"}
        db["documents"].insert(row)
        db["document_texts"].insert({"document_id": db["documents"].last_pk, "text": text})
    assert _found(project, "harbour") == ["later"]


def test_spans_beyond_their_text_are_refused_after_an_import_as_before(project):
    records = _records(120)
    for record in records:
        record.spans = [SpanIn(start=0, end=7, label="claim")]
    import_documents(project, records, batch_size=50)  # the spans' trigger paused per batch
    assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 120
    document_id, length = project.db.execute("SELECT id, length FROM documents").fetchone()
    span = {"document_id": document_id, "start": 0, "end": length + 1, "label": "claim"}
    row = {**span, "annotator": "alice", "created": "now", "updated": "now"}
    with (
        pytest.raises(ValidationError, match="after the end of the document text"),
        project.transact("") as transaction,
    ):
        transaction.db["spans"].insert(row)


def test_a_failed_import_leaves_the_index_and_its_trigger_as_they_were(project):
    import_documents(project, _records(3))
    records = _records(130)[3:]
    records[100].spans = [SpanIn(start=5, end=500, label="claim")]
    with pytest.raises(InputFileError):
        import_documents(project, records, batch_size=50)
    assert _found(project, "ferry") == ["t0", "t1", "t2"]
    import_documents(project, [DocumentIn(text="The harbour reopened.", title="h", where="h")])
    assert _found(project, "harbour") == ["h"]


def _claims_found(project, word: str) -> list[str]:
    sql = """SELECT i.title FROM search_items_fts f JOIN search_items i ON i.id = f.rowid
             WHERE search_items_fts MATCH ? AND i.kind = 'claim' ORDER BY i.document_id"""
    return [row[0] for row in project.db.execute(sql, [word])]


def _index_sound(project) -> bool:
    """FTS5's own check that the index holds exactly the rows of its table."""
    command = "INSERT INTO search_items_fts (search_items_fts) VALUES ('integrity-check')"
    with project.transact("") as transaction:
        transaction.db.execute(command)  # raises when they differ
    return True


def test_imported_claims_are_in_the_search_index_which_stays_sound(project):
    records = _records(120)
    for record in records[:60]:
        record.spans = [SpanIn(start=0, end=7, label="claim")]
    import_documents(project, records, batch_size=50)
    assert _claims_found(project, "article") == [f"t{n}" for n in range(60)]
    again = _records(120)  # the same documents, now every one with a claim: items rebuilt
    for record in again:
        record.spans = [SpanIn(start=0, end=7, label="claim"), SpanIn(8, 11, "claim")]
    import_documents(project, again, batch_size=50)
    assert len(_claims_found(project, "article")) == 120 and _index_sound(project)
    document_id = project.db.execute("SELECT min(id) FROM documents").fetchone()[0]
    project.add_span(document_id, 10, 14, "claim")  # an edit on its own: the trigger
    assert len(_claims_found(project, "says")) == 1 and _index_sound(project)
