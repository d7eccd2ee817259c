import hashlib
import sqlite3

import pytest

from annotator.core.project import Project
from annotator.model.errors import StoreError, ValidationError
from annotator.store import backup_database, open_database
from annotator.store.migrations import known_migration_names


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_database_creates_wal_with_foreign_keys(db_path):
    db = open_database(db_path)
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"documents", "spans", "relations", "labels", "events"} <= set(db.table_names())
    db.close()


def test_migrations_are_recorded(db_path):
    db = open_database(db_path)
    names = [r["name"] for r in db.query("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == known_migration_names()
    db.close()


def test_reopening_applies_nothing_and_keeps_data(db_path, project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    project.close()
    with Project.open(db_path, annotator="alice") as again:
        assert [s.label for s in again.spans(sample_doc)] == ["hedge"]
    assert not list(db_path.parent.glob("*.backup-*"))


def test_newer_schema_is_refused_and_file_untouched(db_path):
    db = open_database(db_path)
    db["_sqlite_migrations"].insert(
        {"migration_set": "annotator", "name": "m999_future", "applied_at": "2030"}
    )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    digest = _digest(db_path)
    with pytest.raises(StoreError, match="newer version of Annotator"):
        open_database(db_path)
    assert _digest(db_path) == digest


def test_non_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database")
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_database(path)
    assert path.read_text() == "these are my notes, not a database"


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an Annotator project"):
        open_database(path)


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_database(tmp_path / "nowhere" / "p.db")


def test_folder_as_database_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_database(tmp_path)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE document_texts SET text = 'x' WHERE document_id = ?",
        "UPDATE documents SET length = 1 WHERE id = ?",
        "UPDATE documents SET text_sha256 = 'x' WHERE id = ?",
    ],
    ids=["text", "length", "hash"],
)
def test_document_text_cannot_change(project, sample_doc, sql):
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        project.db.execute(sql, [sample_doc])
    assert project.document(sample_doc).text.startswith("South Korea")


def test_span_past_the_text_is_refused_by_the_database(project, sample_doc):
    length = len(project.document(sample_doc).text)
    with pytest.raises(sqlite3.IntegrityError, match="after the end"):
        project.db.execute(
            'INSERT INTO spans (document_id, start, "end", label, annotator, created, updated) '
            "VALUES (?, 0, ?, 'claim', 'alice', 't', 't')",
            [sample_doc, length + 1],
        )


def test_text_with_nul_accepts_spans_after_the_nul(project):
    from tests.conftest import add_document

    doc = add_document(project, "before\x00after words", "nul")
    project.add_span(doc, 7, 12, "actor")
    assert project.spans(doc)[0].text_in(project.document(doc).text) == "after"


def test_backup_is_a_consistent_copy(project, sample_doc, tmp_path):
    project.add_span(sample_doc, 80, 88, "hedge")
    target = backup_database(project.db, tmp_path / "copy.db")
    with Project.open(target, annotator="alice") as copy:
        assert [s.label for s in copy.spans(sample_doc)] == ["hedge"]
        assert copy.document(sample_doc).text == project.document(sample_doc).text


def test_validation_error_from_trigger_is_clear(project):
    from tests.conftest import add_document

    doc = add_document(project, "short", "short")
    with pytest.raises(ValidationError):
        project.add_span(doc, 0, 6, "claim")


def test_the_recorded_schema_objects_are_what_the_migrations_create():
    from annotator.store.migrations import known_migration_names
    from annotator.store.objects import (
        created_objects,
        expected_objects,
        recorded_migrations,
        removed_objects,
        retired_objects,
    )

    assert recorded_migrations() == known_migration_names(), (
        "resources/database_objects.json is out of date: "
        "run `python scripts/record_schema_objects.py`"
    )
    recorded, created = expected_objects(), created_objects()
    missing = sorted(set(created) - set(recorded))
    extra = sorted(set(recorded) - set(created))
    changed = sorted(k for k in set(created) & set(recorded) if created[k] != recorded[k])
    assert (missing, extra, changed) == ([], [], []), (
        "resources/database_objects.json is out of date: "
        "run `python scripts/record_schema_objects.py`"
    )
    assert retired_objects() == removed_objects()
    assert ("index", "document_bands_by_document") in retired_objects()["m008_band_keys"]


def test_checked_write_says_database_errors_in_the_users_terms(tmp_path):
    from annotator.model.errors import StoreError, ValidationError
    from annotator.store import checked_write, open_database

    db = open_database(tmp_path / "p.db")
    try:
        with pytest.raises(ValidationError, match="UNIQUE"), checked_write(db, "p.db"):
            db.execute("INSERT INTO project (key, value) VALUES ('twice', 'one')")
            db.execute("INSERT INTO project (key, value) VALUES ('twice', 'two')")
        assert db.execute("SELECT count(*) FROM project WHERE key = 'twice'").fetchone() == (0,)
        db.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError, match="read-only"), checked_write(db, "p.db"):
            db.execute("INSERT INTO project (key, value) VALUES ('new', 'value')")
        assert not db.conn.in_transaction  # both rolled back
    finally:
        db.close()


def test_engine_versions_name_the_database_and_its_library():
    import sqlite3

    from annotator.store import engine_versions

    versions = engine_versions()
    assert versions["SQLite"] == sqlite3.sqlite_version
    assert versions["sqlite-utils"][0].isdigit()
