"""Merging copies the documents a project lacks row for row: the same result as reading
them as records, for every kind of row, and the record path whenever a row is odd."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3

import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats import native
from annotator.model.errors import AnnotatorError
from annotator.model.imports import (
    Cancelled,
    CategoryIn,
    DocumentIn,
    RelationIn,
    SpanIn,
    StatusIn,
    SuggestedRelationIn,
    SuggestionIn,
)
from annotator.services import merge
from annotator.services.merge import merge_into
from annotator.store import copying
from annotator.store.portable import user_state
from tests.conftest import kill_when_halfway

SAID = "The minister said that troops will probably arrive on Monday."
DENIED = "A spokesman denied that the plant would close before winter."
THIRD = "Residents reported hearing shots near the bridge late at night."


def _record(text: str, title: str) -> DocumentIn:
    """A document with one of every kind of row a document holds."""
    claim = (text.index("troops") if "troops" in text else 0, len(text) - 1)
    return DocumentIn(
        text=text,
        title=title,
        where=title,
        meta={"url": f"https://news.example/{title}", "section": "world"},
        note=f"note on {title}",
        spans=[
            SpanIn(*claim, "claim", "alice", attributes={"checkworthy": True, "claim_type": "law"}),
            SpanIn(0, 12, "source", "alice", attributes={"specificity": "named_role"}),
            SpanIn(0, 3, "actor", "bob", note="the article"),
        ],
        relations=[
            RelationIn(
                0, 1, "attributed_to", "alice", attributes={"cue": [[13, 17]], "stance": "asserts"}
            ),
            RelationIn(0, 2, "involves", "bob"),
        ],
        statuses=[StatusIn("alice", "done", "accept"), StatusIn("bob", "in_progress")],
        suggestions=[
            SuggestionIn(0, 3, "actor", "model", 0.75),
            SuggestionIn(4, 12, "source", "rules", None, "rejected"),
        ],
        suggested_relations=[SuggestedRelationIn(1, 0, "same_as", "rules", {"why": "x"})],
        categories=[CategoryIn("politics", 0.5, "alice")],
    )


def _project(path, texts, annotator="alice"):
    """A project holding ``texts`` as rich records, with claim records, evidence and
    a claim match made through the core."""
    with Project.open(path, annotator=annotator) as project:
        records = [_record(text, f"t{n}") for n, text in enumerate(texts)]
        import_documents(project, records)
        claims = project.db.execute("SELECT id FROM spans WHERE label = 'claim' ORDER BY id")
        claims = [row[0] for row in claims]
        project.set_claim_record(claims[0], status="false", verdict="No", rating="False")
        project.add_evidence(claims[0], "https://example.org/a", stance="refutes", quote="q")
        if len(claims) > 1:
            project.set_match(claims[0], claims[1], "confirmed", 0.9)
    return path


@pytest.fixture
def source(tmp_path):
    return _project(tmp_path / "source.db", [SAID, DENIED, THIRD])


def _target(path, kind):
    """An untouched project, or one already holding one of the source's texts."""
    if kind == "untouched":
        with Project.open(path, annotator="lead"):
            pass
        return path
    return _project(path, [DENIED, "Another article the source does not hold at all."], "carol")


def _merged(tmp_path, name, kind, source, *, record_path=False, monkeypatch=None):
    """The user state and report of merging ``source`` into a copy of the one target of
    ``kind`` this test made (both paths start from the same rows and times)."""
    template = tmp_path / f"target-{kind}.db"
    if not template.exists():
        _target(template, kind)
    path = tmp_path / f"{name}.db"
    shutil.copy(template, path)
    if record_path:
        monkeypatch.setattr(merge, "_documents_to_copy", lambda target, src: None)
    try:
        with Project.open(path, annotator="lead") as target:
            report = merge_into(target, [source])
            return user_state(target.db, target.uuid), report
    finally:
        if record_path:
            monkeypatch.undo()


@pytest.mark.parametrize("attach", [True, False], ids=["attached", "through Python"])
@pytest.mark.parametrize("kind", ["untouched", "holding one text"])
def test_merge_copy_gives_what_the_record_path_gives(tmp_path, source, kind, attach, monkeypatch):
    used: list[bool] = []
    real = copying.attached

    @contextlib.contextmanager
    def spied(target, src):
        with real(target, src) as done:
            used.append(done)
            yield done

    read_as_records: list[str] = []
    record = native.record_to_document

    def counted(value, where):
        read_as_records.append(value["title"])
        return record(value, where)

    monkeypatch.setattr(merge, "attached", spied)
    monkeypatch.setattr(native, "record_to_document", counted)
    if not attach:
        monkeypatch.setattr(copying, "_takes_uris", lambda db: False)
    copied, report = _merged(tmp_path, "copied", kind, source)
    monkeypatch.undo()
    assert used == [attach]
    # copied, not read again after a fallback: only the text the target holds is a record
    assert read_as_records == ([] if kind == "untouched" else ["t1"])
    read, expected = _merged(
        tmp_path, "read", kind, source, record_path=True, monkeypatch=monkeypatch
    )
    assert copied == read
    assert report.to_dict() == expected.to_dict()
    assert report.documents_added == 3 - (kind != "untouched")
    assert report.evidence_added == 1 and report.spans_added > 0


def test_merge_copy_reads_only_the_matched_documents_as_records(tmp_path, source, monkeypatch):
    read: list[str] = []
    real = native.record_to_document

    def counted(record, where):
        read.append(record["title"])
        return real(record, where)

    monkeypatch.setattr(native, "record_to_document", counted)
    path = _target(tmp_path / "target.db", "holding one text")
    with Project.open(path, annotator="lead") as target:
        report = merge_into(target, [source])
    assert read == ["t1"]  # DENIED, which the target holds; the other two were copied
    assert (report.documents_added, report.documents_matched) == (2, 1)


def test_merge_copy_ids_stay_above_every_id_given_out(tmp_path, source):
    path = _project(tmp_path / "target.db", ["An article whose spans go away again."], "carol")
    with Project.open(path, annotator="carol") as target:
        spans = [row[0] for row in target.db.execute("SELECT id FROM spans")]
        for span_id in spans:
            target.delete_span(span_id)
        given = target.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'spans'")
        given = given.fetchone()[0]
        merge_into(target, [source])
        lowest = target.db.execute("SELECT min(id) FROM spans").fetchone()[0]
        links = target.db.execute(
            """SELECT count(*) FROM relations r JOIN spans h ON h.id = r.head_id
               JOIN spans c ON c.id = r.child_id
               WHERE h.document_id = r.document_id AND c.document_id = r.document_id"""
        ).fetchone()[0]
    assert lowest > given  # an id an event may still name is never given again
    assert links == 6


def _tamper(path, sql):
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        # JSON the record path writes back canonically
        """UPDATE spans SET attributes = '{"checkworthy": true}' WHERE label = 'claim'""",
        # a choice the schema lacks: the record path adds it
        """UPDATE spans SET attributes = '{"claim_type":"rumour"}' WHERE label = 'claim'""",
        # an attribute the schema lacks: likewise
        """UPDATE spans SET attributes = '{"mood":"grim"}' WHERE label = 'source'""",
        "UPDATE documents SET lang = 'EN'",
    ],
)
def test_merge_copy_leaves_odd_rows_to_the_record_path(tmp_path, source, sql, monkeypatch):
    _tamper(source, sql)
    copied, report = _merged(tmp_path, "copied", "untouched", source)
    read, expected = _merged(
        tmp_path, "read", "untouched", source, record_path=True, monkeypatch=monkeypatch
    )
    assert copied == read
    assert report.to_dict() == expected.to_dict()


@pytest.mark.parametrize(
    "sql",
    [
        # in documents the target lacks, which the copy meets first
        """UPDATE spans SET attributes = '{"checkworthy":"yes"}'
           WHERE label = 'claim' AND document_id != 2""",
        """UPDATE relations SET attributes = '{"cue":[[0,999]]}'
           WHERE label = 'attributed_to' AND document_id != 2""",
    ],
)
def test_merge_copy_refuses_what_the_record_path_refuses(tmp_path, source, sql, monkeypatch):
    _tamper(source, sql)
    _refused_alike(tmp_path, source, monkeypatch)


def _refused_alike(tmp_path, source, monkeypatch) -> None:
    """Merging ``source`` is refused, the target left as it was, with the message the
    record path gives."""
    path = _target(tmp_path / "target.db", "holding one text")
    with Project.open(path, annotator="lead") as target:
        before = user_state(target.db, target.uuid)
        with pytest.raises(AnnotatorError) as copied:
            merge_into(target, [source])
        assert user_state(target.db, target.uuid) == before
        monkeypatch.setattr(merge, "_documents_to_copy", lambda target, src: None)
        with pytest.raises(AnnotatorError) as read:
            merge_into(target, [source])
    assert str(copied.value) == str(read.value)


def test_merge_copy_leaves_nothing_beside_the_source(tmp_path, source):
    before = sorted(p.name for p in tmp_path.iterdir())
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        merge_into(target, [source])
    after = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in after if n.startswith("source")] == [
        n for n in before if n.startswith("source")
    ]


def _tamper_past(path, trigger: str, sql: str) -> None:
    """Run ``sql`` on the file with the trigger that would refuse it dropped and made
    again after: the schema stays as it was."""
    conn = sqlite3.connect(path)
    with conn:
        made = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [trigger])
        made = made.fetchone()[0]
        conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(sql)
        conn.execute(made)
    conn.close()


def test_merge_copy_refuses_a_text_that_is_not_its_own(tmp_path, source):
    _tamper_past(
        source,
        "document_texts_are_immutable",
        "UPDATE document_texts SET text = upper(text) WHERE document_id = 2",
    )
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        with pytest.raises(AnnotatorError, match=r"document 't1': its 'sha256' does not match"):
            merge_into(target, [source])
        assert target.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_merge_copy_tokenises_what_another_tokenizer_split(tmp_path, source):
    _tamper(source, "UPDATE document_tokens SET tokenizer = 'another' WHERE document_id = 1")
    _tamper(source, "UPDATE project SET value = 'older' WHERE key = 'near_duplicate_scheme'")
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        merge_into(target, [source])
        names = target.db.execute("SELECT DISTINCT tokenizer FROM document_tokens").fetchall()
        banded = target.db.execute("SELECT count(DISTINCT document_id) FROM document_bands")
        banded = banded.fetchone()[0]
        tokens = target.db.execute(
            "SELECT t.starts, t.ends FROM document_tokens t JOIN document_texts x "
            "ON x.document_id = t.document_id WHERE x.text = ?",
            [SAID],
        ).fetchone()
    with Project.open(source, annotator="alice") as original:
        stored = original.db.execute(
            "SELECT starts, ends FROM document_tokens WHERE document_id = 2"
        ).fetchone()
    assert len(names) == 1 and names[0][0] != "another"
    assert tokens is not None and stored is not None
    assert banded == 3  # the bands of an older scheme are made again


def test_merge_copy_batches_hold_a_few_hundred_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(copying, "BATCH", 2)
    texts = [f"Article number {n} says officials met on day {n}." for n in range(5)]
    path = _project(tmp_path / "five.db", texts)
    sizes: list[int] = []
    real = copying.copy_documents

    def spied(source, target, ids, *args, **kwargs):
        sizes.append(len(ids))
        return real(source, target, ids, *args, **kwargs)

    monkeypatch.setattr("annotator.core.copying.copy_documents", spied)
    steps: list[int] = []
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        report = merge_into(target, [path], progress=steps.append)
    assert sizes == [2, 2, 1]
    assert steps[:3] == [2, 4, 5] and set(steps) == {2, 4, 5}  # a step per batch
    assert report.documents_added == 5


def test_merge_copy_keeps_what_the_source_holds_despite_its_history(tmp_path):
    """A span deleted in the source and brought back by merging another file: the
    source's own history says it was deleted last, yet the source holds it."""
    source, other = tmp_path / "source.db", tmp_path / "other.db"
    with Project.open(source, annotator="alice") as project:
        import_documents(project, [DocumentIn(text=SAID, title="said", where="said")])
        span = project.add_span(1, 4, 12, "source").spans_added[0]
        project.delete_span(span.id)
    with Project.open(other, annotator="alice") as project:
        spans = [SpanIn(4, 12, "source", "alice", created="2000-01-01", updated="2000-01-01")]
        import_documents(project, [DocumentIn(text=SAID, title="said", where="s", spans=spans)])
    with Project.open(source, annotator="alice") as project:
        merge_into(project, [other])
        assert len(project.spans(1, annotator=None)) == 1
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        merge_into(target, [source])
        assert [(s.start, s.end) for s in target.spans(1, annotator=None)] == [(4, 12)]


def test_merge_copy_brings_every_table_that_hangs_from_a_document():
    from annotator.store.inventory import USER_TABLES

    hanging = {
        name
        for name, table in USER_TABLES.items()
        if {"documents", "spans", "suggestions"} & set(table.references.values())
        or name == "documents"
    }
    carried_by_key = {"claim_matches", "events"}  # as from a file: by natural keys
    assert hanging - carried_by_key == set(copying.COPIED)


def test_merge_copy_cancelled_between_batches_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(copying, "BATCH", 2)
    path = _project(
        tmp_path / "five.db", [f"Officials met on day {n} of the talks." for n in range(5)]
    )
    steps: list[int] = []
    with Project.open(tmp_path / "target.db", annotator="lead") as target:
        with pytest.raises(Cancelled):
            merge_into(target, [path], progress=steps.append, cancelled=lambda: len(steps) >= 1)
        assert steps == [2]  # stopped after the first batch was written
        assert target.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        assert target.db.execute("SELECT count(*) FROM document_texts_fts").fetchone()[0] == 0


KILLED = """
import sys, time
from pathlib import Path
from annotator.core import copying
from annotator.core.project import Project
from annotator.services.merge import merge_into
from annotator.store import copying as store_copying

store_copying.BATCH = 2
real = copying.copy_documents
calls = []

def slow(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:  # one batch written inside the merge's transaction by now
        print("halfway", flush=True)
        time.sleep(60)
    return real(*args, **kwargs)

copying.copy_documents = slow
with Project.open(sys.argv[1], annotator="lead") as target:
    merge_into(target, [Path(sys.argv[2])])
"""


@pytest.mark.slow
def test_merge_copy_killed_midway_leaves_the_target_as_it_was(tmp_path):
    path = _project(
        tmp_path / "five.db", [f"Officials met on day {n} of the talks." for n in range(5)]
    )
    target = _project(tmp_path / "target.db", [THIRD], "carol")
    with Project.open(target, annotator="carol") as project:
        before = user_state(project.db, project.uuid)
    kill_when_halfway(KILLED, target, path)
    with Project.open(target, annotator="carol") as project:
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert user_state(project.db, project.uuid) == before


def test_merge_copy_refuses_a_span_beyond_its_text_as_the_record_path_does(
    tmp_path, source, monkeypatch
):
    _tamper_past(
        source,
        "spans_within_text_update",
        """UPDATE spans SET "end" = (SELECT length + 3 FROM documents d
           WHERE d.id = spans.document_id) WHERE id = (SELECT max(id) FROM spans)""",
    )
    _refused_alike(tmp_path, source, monkeypatch)
