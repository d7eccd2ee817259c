"""A large import tokenises in a helper process: the tokens stored are exactly those the
importing process makes, a helper that dies is replaced by tokenising in place, Cancel
stops it, and an import on one core never starts it."""

from __future__ import annotations

import os
import signal

import pytest

from annotator.core.ingest import import_documents
from annotator.model.imports import Cancelled, DocumentIn
from annotator.store import queries
from annotator.text import token_worker, tokenize, tokenizer_name
from annotator.text.tokens import CHUNK_SIZE
from tests.conftest import token_helpers

TEXTS = [
    "The minister said on Monday that the ferry would sail “highly likely” at noon.",
    "Officials, speaking anonymously, denied it: «nothing was agreed», they said.",
    "Der Sprecher sagte, die Fähre fahre am Montag – vielleicht.",
    "A long dispatch. " + "The port authority said the ferry sails again. " * 600,
]


def _records(count: int) -> list[DocumentIn]:
    return [
        DocumentIn(
            text=f"{n}. {TEXTS[n % len(TEXTS)]}",
            title=f"t{n}",
            where=f"t:{n}",
            lang="de" if n % len(TEXTS) == 2 else None,
        )
        for n in range(count)
    ]


@pytest.fixture
def helper_used(monkeypatch):
    """The import starts its helper after 20 texts; the texts it sent, counted."""
    if token_worker.cores() < 2:
        pytest.skip("one processor core: imports never start the helper")
    monkeypatch.setattr(token_worker, "WORKER_FROM", 20)
    sent: list[int] = []
    submit = token_worker.TokenWorker.submit

    def counted(self, texts, lang):
        sent.append(len(texts))
        return submit(self, texts, lang)

    monkeypatch.setattr(token_worker.TokenWorker, "submit", counted)
    return sent


def _wait_until_ready(monkeypatch):
    """Batches wait for the helper to load instead of tokenising in place meanwhile."""
    ready = token_worker.TokenWorker.ready

    def waited(self):
        if self._loaded is not None:
            self._loaded.result(timeout=60)
        return ready.fget(self)

    monkeypatch.setattr(token_worker.TokenWorker, "ready", property(waited))


def _stored_and_made(project) -> list[tuple[tuple, tuple]]:
    """For each document: its stored token row, and the row tokenising it here makes."""
    rows = project.db.execute("SELECT id, lang FROM documents ORDER BY id").fetchall()
    texts = queries.texts_of(project.db, [i for i, _ in rows])
    pairs = []
    for document_id, lang in rows:
        stored = queries.stored_tokens(project.db, document_id)
        made = (tokenizer_name(lang), *tokenize(texts[document_id], lang).to_blobs())
        pairs.append((tuple(stored) if stored else None, made))
    return pairs


def test_import_tokens_from_the_helper_equal_those_made_in_place(project, helper_used, monkeypatch):
    _wait_until_ready(monkeypatch)
    records = _records(120)
    assert max(len(r.text) for r in records) > CHUNK_SIZE  # a text cut into pieces too
    report = import_documents(project, records, batch_size=20)
    assert report.documents_added == 120
    assert sum(helper_used) == 100  # every batch after the first went to the helper
    pairs = _stored_and_made(project)
    assert len(pairs) == 120 and all(stored == made for stored, made in pairs)


def test_import_tokenises_in_place_when_the_helper_dies(project, helper_used, monkeypatch):
    _wait_until_ready(monkeypatch)
    submit = token_worker.TokenWorker.submit

    def killing(self, texts, lang):
        future = submit(self, texts, lang)
        os.kill(self._process.pid, signal.SIGKILL)
        return future

    monkeypatch.setattr(token_worker.TokenWorker, "submit", killing)
    report = import_documents(project, _records(80), batch_size=20)
    assert report.documents_added == 80
    pairs = _stored_and_made(project)
    assert len(pairs) == 80 and all(stored == made for stored, made in pairs)


def test_cancel_while_the_helper_tokenises_changes_nothing_and_stops_it(
    project, helper_used, monkeypatch
):
    _wait_until_ready(monkeypatch)
    with pytest.raises(Cancelled):
        import_documents(project, _records(100), batch_size=20, cancelled=lambda: bool(helper_used))
    assert project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert token_helpers() == []


def test_import_on_one_core_never_starts_the_helper(project, helper_used, monkeypatch):
    _wait_until_ready(monkeypatch)  # had it started, it would be used
    monkeypatch.setattr(token_worker, "cores", lambda: 1)
    assert import_documents(project, _records(60), batch_size=20).documents_added == 60
    assert helper_used == []
    assert all(stored == made for stored, made in _stored_and_made(project))
