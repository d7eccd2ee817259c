"""A large import tokenises and bands in a helper process: the tokens and bands stored are
exactly those the importing process makes, a helper that dies is replaced by tokenising
in place, Cancel stops it, and an import on one core never starts it."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import Future

import pytest

from annotator.core import import_worker
from annotator.core.import_tokens import ImportTokens
from annotator.core.ingest import import_documents
from annotator.model.imports import Cancelled, DocumentIn
from annotator.store import queries
from annotator.store.bands import stored_bands, text_band_keys
from annotator.text import tokenize, tokenizer_name
from annotator.text.tokens import CHUNK_SIZE
from tests.conftest import token_helpers

TEXTS = [
    "The minister said on Monday that the ferry would sail “highly likely” at noon.",
    "Officials, speaking anonymously, denied it: «nothing was agreed», they said.",
    "Der Sprecher sagte, die Fähre fahre am Montag – vielleicht.",
    "A long dispatch. " + "The port authority said the ferry sails again. " * 600,
]


def _records(count: int, texts: list[str] = TEXTS) -> list[DocumentIn]:
    return [
        DocumentIn(
            text=f"{n}. {texts[n % len(texts)]}",
            title=f"t{n}",
            where=f"t:{n}",
            lang="de" if "Fähre" in texts[n % len(texts)] else None,
        )
        for n in range(count)
    ]


@pytest.fixture
def helper_used(monkeypatch):
    """The import starts its helper at its 20th text and waits for it to load (else texts
    sent meanwhile would all be taken back); the texts the helper tokenised and banded
    (``made``) or banded only (``bands``), counted."""
    if import_worker.cores() < 2:
        pytest.skip("one processor core: imports never start the helper")
    monkeypatch.setattr(import_worker, "WORKER_FROM", 19)
    asked: dict[str, list[int]] = {"made": [], "bands": []}
    start, ask = import_worker.ImportWorker.start, import_worker.ImportWorker._ask

    def loaded(self, lang):
        started = start(self, lang)
        if self._loaded is not None:
            self._loaded.result(timeout=60)
        return started

    def counted(self, request):
        kind, texts, _ = request
        if kind != "ready":  # begun: its answer is stored, never taken back
            asked[kind].append(len(texts))
        return ask(self, request)

    monkeypatch.setattr(import_worker.ImportWorker, "start", loaded)
    monkeypatch.setattr(import_worker.ImportWorker, "_ask", counted)
    return asked


def _begun_when_sent(monkeypatch):
    """Each batch sent to the helper is begun before the import goes on, so none is
    taken back (the import would otherwise outrun the helper on these small batches)."""
    submit = import_worker.ImportWorker.submit

    def begun(self, texts, lang):
        future = submit(self, texts, lang)
        while not (future.running() or future.done()):
            time.sleep(0.001)
        return future

    monkeypatch.setattr(import_worker.ImportWorker, "submit", begun)


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


def _stored_and_made_bands(project) -> list[tuple[list, list]]:
    """For each document: its stored band keys and band rows, and those banding it here
    makes."""
    ids = [row[0] for row in project.db.execute("SELECT id FROM documents ORDER BY id")]
    texts = queries.texts_of(project.db, ids)
    keys_stored = stored_bands(project.db, ids)
    pairs = []
    for document_id, keys in zip(ids, text_band_keys([texts[i] for i in ids]), strict=True):
        sql = "SELECT band, hash, document_id FROM document_bands WHERE document_id = ?"
        stored = sorted(project.db.execute(sql, [document_id]).fetchall())
        made = [(band, key, document_id) for band, key in enumerate(keys or [])]
        pairs.append(((keys_stored.get(document_id), stored), (keys and tuple(keys), made)))
    return pairs


def test_import_tokens_and_bands_from_the_helper_equal_those_made_in_place(
    project, helper_used, monkeypatch
):
    _begun_when_sent(monkeypatch)
    records = _records(120)
    assert max(len(r.text) for r in records) > CHUNK_SIZE  # a text cut into pieces too
    report = import_documents(project, records, batch_size=20)
    assert report.documents_added == 120
    assert sum(helper_used["made"]) == 100  # every batch after the first
    # the first batch's English texts, tokenised here once it was started (while it
    # loaded: the German ones came before and made it start)
    assert sum(helper_used["bands"]) == 15
    pairs = _stored_and_made(project)
    assert len(pairs) == 120 and all(stored == made for stored, made in pairs)
    bands = _stored_and_made_bands(project)
    assert sum(1 for stored, _ in bands if stored[1]) >= 90  # all but texts of few words
    assert all(stored == made for stored, made in bands)


def test_near_duplicates_across_batches_are_found_with_the_helper_s_bands(
    project, helper_used, monkeypatch
):
    _begun_when_sent(monkeypatch)
    story = " ".join(
        f"The ferry operator said on day {n} that crossings resume." for n in range(40)
    )
    records = _records(100)
    records[5].text = story
    records[85].text = story.replace("day 7 ", "day seven ")  # one word of 400 differs
    report = import_documents(project, records, batch_size=20)
    assert sum(helper_used["made"]) == 80
    titles = dict(project.db.execute("SELECT id, title FROM documents").fetchall())
    found = {(titles[new], titles[other]) for new, other, _ in report.near_duplicates}
    assert ("t85", "t5") in found  # (the numbered short texts are near-duplicates too)


def test_import_tokenises_in_place_when_the_helper_dies(project, helper_used, monkeypatch):
    submit = import_worker.ImportWorker.submit

    def killing(self, texts, lang):
        future = submit(self, texts, lang)
        os.kill(self._process.pid, signal.SIGKILL)
        return future

    monkeypatch.setattr(import_worker.ImportWorker, "submit", killing)
    report = import_documents(project, _records(80), batch_size=20)
    assert report.documents_added == 80
    pairs = _stored_and_made(project)
    assert len(pairs) == 80 and all(stored == made for stored, made in pairs)


def test_bands_the_closed_helper_never_made_are_made_here(project, helper_used, monkeypatch):
    def cancelled(self, texts):  # as closing the helper leaves what it had not begun
        future = Future()
        future.cancel()
        return future

    monkeypatch.setattr(import_worker.ImportWorker, "submit_bands", cancelled)
    report = import_documents(project, _records(80), batch_size=20)
    assert report.documents_added == 80
    bands = _stored_and_made_bands(project)
    assert sum(1 for stored, _ in bands if stored[1]) >= 60
    assert all(stored == made for stored, made in bands)


def test_cancel_while_the_helper_tokenises_changes_nothing_and_stops_it(
    project, helper_used, monkeypatch
):
    _begun_when_sent(monkeypatch)
    with pytest.raises(Cancelled):
        import_documents(
            project, _records(100), batch_size=20, cancelled=lambda: bool(helper_used["made"])
        )
    assert project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert token_helpers() == []


def test_import_on_one_core_never_starts_the_helper(project, helper_used, monkeypatch):
    monkeypatch.setattr(import_worker, "cores", lambda: 1)
    assert import_documents(project, _records(60), batch_size=20).documents_added == 60
    assert helper_used == {"made": [], "bands": []}
    assert all(stored == made for stored, made in _stored_and_made(project))


def test_texts_the_helper_has_not_begun_are_taken_back_and_tokenised_here(
    project, helper_used, monkeypatch
):
    gate = threading.Event()  # the helper's first batch waits until the import waits
    ask, wait = import_worker.ImportWorker._ask, ImportTokens._wait
    here: list[int] = []
    tokenise_here = ImportTokens._tokenise_here

    def held(self, request):
        if request[0] == "made":
            gate.wait(timeout=30)
        return ask(self, request)

    def waiting(self, future):
        gate.set()
        return wait(self, future)

    def counted(self, todo, lang, name):
        here.append(len(todo))
        return tokenise_here(self, todo, lang, name)

    monkeypatch.setattr(import_worker.ImportWorker, "_ask", held)
    monkeypatch.setattr(ImportTokens, "_wait", waiting)
    monkeypatch.setattr(ImportTokens, "_tokenise_here", counted)
    english = [text for text in TEXTS if "Fähre" not in text]
    report = import_documents(project, _records(300, english), batch_size=150)
    assert report.documents_added == 300
    assert here[0] == 150  # the first batch, while the helper loaded
    assert 25 in here[1:]  # the second batch's last 25 texts, taken back from the helper
    pairs = _stored_and_made(project)
    assert len(pairs) == 300 and all(stored == made for stored, made in pairs)
    assert all(stored == made for stored, made in _stored_and_made_bands(project))


def test_an_import_of_one_batch_never_starts_the_helper(project, helper_used, monkeypatch):
    started: list[str] = []
    monkeypatch.setattr(
        import_worker.ImportWorker, "start", lambda self, lang: started.append(lang) or False
    )
    assert import_documents(project, _records(19), batch_size=19).documents_added == 19
    assert started == []  # 19 texts, no more than WORKER_FROM: it would only load
    later = [f"Later. {text}" for text in TEXTS if "Fähre" not in text]
    import_documents(project, _records(21, later), batch_size=21)
    assert started and set(started) == {"en"}


def test_tokens_read_ahead_are_those_stored_and_used_once(project):
    import_documents(project, _records(3))
    ids = queries.document_ids(project.db)
    stored = {i: project.token_offsets(i) for i in ids}
    project.forget_cached_document()
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    project.read_tokens_ahead(ids)
    assert [s for s in statements if "document_tokens" in s] != []  # the one read ahead
    statements.clear()
    assert {i: project.token_offsets(i) for i in ids} == stored
    assert [s for s in statements if "document_tokens" in s] == []  # none per document
    project.forget_cached_document()
    assert project.token_offsets(ids[0]) == stored[ids[0]]  # read again: used once
    assert [s for s in statements if "document_tokens" in s] != []
    project.db.conn.set_trace_callback(None)
