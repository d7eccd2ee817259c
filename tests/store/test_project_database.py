"""A project's connection runs statements as sqlite-utils' ``Database.execute`` does, and
makes that ``Database`` on the same connection only when its API is asked for."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.store.project_database import ProjectDatabase


@pytest.fixture
def pair(tmp_path):
    """A ``ProjectDatabase`` on a file, and a second connection to see what it commits."""
    path = tmp_path / "p.db"
    db = ProjectDatabase(sqlite3.connect(path), hold=None)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    other = sqlite3.connect(path)
    yield db, other
    other.close()
    db.close()


def test_a_write_outside_a_transaction_is_committed_at_once(pair):
    db, other = pair
    db.execute("INSERT INTO notes (body) VALUES (?)", ["kept"])
    assert not db.conn.in_transaction
    assert other.execute("SELECT body FROM notes").fetchall() == [("kept",)]


def test_a_write_inside_a_transaction_waits_for_its_commit(pair):
    db, other = pair
    db.conn.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO notes (body) VALUES ('later')")
    assert db.conn.in_transaction
    assert other.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    db.conn.execute("COMMIT")
    assert other.execute("SELECT count(*) FROM notes").fetchone() == (1,)


def test_a_failed_write_leaves_no_transaction_open(pair):
    db, other = pair
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO notes (body) VALUES (NULL)")
    assert not db.conn.in_transaction
    db.execute("INSERT INTO notes (body) VALUES ('next')")  # not caught in a stale one
    assert other.execute("SELECT body FROM notes").fetchall() == [("next",)]


def test_sqlite_utils_is_made_on_the_same_connection_when_asked(pair):
    db, _ = pair
    assert db.execute("SELECT 1").fetchone() == (1,)
    assert db.full_made is False
    db["notes"].insert({"body": "through sqlite-utils"})
    assert db.full_made is True
    assert db.full.conn is db.conn
    assert db.execute("SELECT body FROM notes").fetchall() == [("through sqlite-utils",)]


def test_triggers_fire_recursively_as_under_sqlite_utils(pair):
    db, _ = pair
    assert db.execute("PRAGMA recursive_triggers").fetchone() == (1,)
    assert db.full_made is False
