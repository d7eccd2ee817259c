"""The token rows of the documents an import creates (and, from its helper, their bands).

A record that carries tokens made by the tokenizer the project would use (a merged
project's) keeps them; any other new text is tokenised. A small import tokenises in its
own process as the rows are written. One that meets more than
:data:`~annotator.core.import_worker.WORKER_FROM` texts to tokenise starts a helper
process (:class:`~annotator.core.import_worker.ImportWorker`), which loads while that
batch is tokenised here, and sends each later batch's texts to it, 125 at a time; it
writes the rest of the batch and reads the next, then stores what came back (tokens, and
the near-duplicate bands the helper made of the same texts). Texts the helper has not
begun by then, because it is still loading or slower, are taken back from the end of its
queue and tokenised in place, so both cores work until the batch is done. An import
holds the texts and tokens of one batch in flight; should the helper fail, what it held
is tokenised in place. The stored tokens are the same whichever process made them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pickle import UnpicklingError
from typing import TYPE_CHECKING, Any

from annotator.core import import_worker
from annotator.store.bands import insert_bands
from annotator.store.bulk import TOKEN_COLUMNS, insert_rows

if TYPE_CHECKING:
    from concurrent.futures import Future

    from annotator.model.imports import DocumentIn
    from annotator.store.lean import Database

_SENT_AT_ONCE = 125
"""Texts sent to the helper together: the import waits at most for this many at its end,
and takes back work in pieces this size."""
_POLL_S = 0.05
"""How often waiting for the helper looks at Cancel."""
_HELPER_FAILED = (OSError, EOFError, RuntimeError, UnpicklingError, CancelledError)
"""What a future of a helper that died (or could not make its answer) raises; closing
it cancels what it had not begun (bands of texts tokenised here too)."""


@dataclass
class _Sent:
    """Texts sent to the helper (``(document id, text)``), their language and tokenizer
    name, and the future of what it makes of them."""

    future: Future[list[import_worker.Made]]
    todo: list[tuple[int, str]]
    lang: str
    name: str


class ImportTokens:
    """Token rows for an import's new documents. ``tokenizer_of(lang)`` names (and
    loads) the tokenizer for a language; ``made(count)`` is told each text tokenised here
    or stored from the helper (for progress) and raises to cancel; ``poll()`` is called
    while waiting for the helper and raises to cancel. Call :meth:`finish` once the last
    batch is written, and :meth:`close` in any case."""

    def __init__(
        self,
        db: Database,
        *,
        tokenizer_of: Callable[[str], str],
        made: Callable[[int], None],
        poll: Callable[[], None],
    ) -> None:
        self.db = db
        self.tokenizer_of, self.made, self.poll = tokenizer_of, made, poll
        self.worker = import_worker.ImportWorker()
        self.sent: list[_Sent] = []
        self.texts_seen = 0
        self.banding: list[tuple[Future[list[list[int] | None]], list[int]]] = []

    def store(self, new: list[tuple[int, DocumentIn]]) -> None:
        """Token rows for these new documents (``(id, record)``): stored now, or when the
        helper returns them (at the next call or at :meth:`finish`)."""
        self._store_returned()
        self._store_bands(wait=False)
        # Texts go to the helper from the batch after the one that started it: a first
        # batch is tokenised here while the helper loads (an import of one batch never
        # waits for a helper, and its progress counts the texts as they are made).
        helped = self.worker.running
        for lang in sorted({record.lang for _, record in new}):
            name = self.tokenizer_of(lang)
            group = [(i, record) for i, record in new if record.lang == lang]
            given = [(i, r) for i, r in group if r.tokens is not None and r.tokens[0] == name]
            rows = ((i, *r.tokens) for i, r in given)
            if insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows):
                self.made(len(given))
            todo = [(i, r.text) for i, r in group if r.tokens is None or r.tokens[0] != name]
            self.texts_seen += len(todo)
            if self.texts_seen > import_worker.WORKER_FROM:
                self.worker.start(lang)
            if todo and helped:
                for first in range(0, len(todo), _SENT_AT_ONCE):  # returned as they are made
                    part = todo[first : first + _SENT_AT_ONCE]
                    future = self.worker.submit([text for _, text in part], lang)
                    self.sent.append(_Sent(future, part, lang, name))
            else:
                self._tokenise_here(todo, lang, name)

    def finish(self) -> None:
        """Store the tokens the helper still has, waiting for it."""
        self._store_returned()

    def store_bands(self) -> None:
        """Store the bands the helper still makes, waiting for them (what it could not
        make, :func:`~annotator.store.bands.flag_near_duplicates` makes in place)."""
        self._store_bands(wait=True)

    def close(self) -> None:
        """Stop the helper (what it was making is dropped)."""
        self.worker.close()
        self.sent.clear()
        self.banding.clear()

    def _tokenise_here(self, todo: list[tuple[int, str]], lang: str, name: str) -> None:
        from annotator.text import tokenize_many

        def rows() -> Iterator[tuple[Any, ...]]:
            offsets = tokenize_many((text for _, text in todo), lang)
            for (document_id, _), made in zip(todo, offsets, strict=True):
                yield (document_id, name, *made.to_blobs())
                self.made(1)

        insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows())
        if todo and self.worker.running:  # the helper bands them meanwhile (a tenth of it)
            future = self.worker.submit_bands([text for _, text in todo])
            self.banding.append((future, [i for i, _ in todo]))

    def _store_bands(self, *, wait: bool) -> None:
        """Store the bands the helper made of texts tokenised here (those it has made so
        far, or, with ``wait``, all); bands it could not make are made later, in place."""
        while self.banding and (wait or self.banding[0][0].done()):
            future, document_ids = self.banding.pop(0)
            try:
                found = self._wait(future)
            except _HELPER_FAILED:
                continue
            self._insert_bands(zip(document_ids, found, strict=True))

    def _store_returned(self) -> None:
        """Store what the helper made; while it works on the first texts sent, texts it
        has not begun are taken back from the end and tokenised here, so neither process
        waits for the other while work is left."""
        while self.sent:
            first, last = self.sent[0], self.sent[-1]
            if not first.future.done() and last.future.cancel():  # not begun: made here
                self.sent.pop()
                self._tokenise_here(last.todo, last.lang, last.name)
                continue
            self.sent.pop(0)
            try:
                answers = self._wait(first.future)
            except _HELPER_FAILED:
                self.worker.close()
                self._tokenise_here(first.todo, first.lang, first.name)
                continue
            made = list(zip((i for i, _ in first.todo), answers, strict=True))
            rows = ((i, first.name, starts, ends) for i, (starts, ends, _) in made)
            insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows)
            self._insert_bands((i, keys) for i, (*_, keys) in made)
            self.made(len(made))

    def _insert_bands(self, keys_of: Iterable[tuple[int, list[int] | None]]) -> None:
        """Store each document's band keys (``None``: too short to band)."""
        insert_bands(self.db, [(i, keys) for i, keys in keys_of if keys])

    def _wait(self, future: Future[Any]) -> Any:
        while True:
            try:
                return future.result(timeout=_POLL_S)
            except FutureTimeout:
                self.poll()
