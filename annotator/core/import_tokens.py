"""The token rows of the documents an import creates.

A record that carries tokens made by the tokenizer the project would use (a merged
project's) keeps them; any other new text is tokenised. A small import tokenises in its
own process, text by text as the rows are written. A large one, past
:data:`~annotator.text.token_worker.WORKER_FROM` texts, starts a helper process
(:class:`~annotator.text.token_worker.TokenWorker`) and from then on sends each batch's
texts to it, writes the rest of the batch and of the next one, and stores the tokens when
they come back: the two cores work at once, and an import holds the tokens of one batch
while the helper makes the next. Should the helper fail, the texts are read back from
the project and tokenised in place; the stored tokens are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pickle import UnpicklingError
from typing import TYPE_CHECKING, Any

from annotator.store import queries
from annotator.store.bulk import TOKEN_COLUMNS, insert_rows
from annotator.text import token_worker

if TYPE_CHECKING:
    from concurrent.futures import Future

    from annotator.model.imports import DocumentIn
    from annotator.store.lean import Database

_SENT_AT_ONCE = 250
"""Texts sent to the helper together: the import waits at most for this many at its end."""
_POLL_S = 0.05
"""How often waiting for the helper looks at Cancel."""


@dataclass
class _Sent:
    """Texts the helper is tokenising: their documents, language and tokenizer name."""

    future: Future[list[tuple[bytes, bytes]]]
    document_ids: list[int]
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
        self.worker = token_worker.TokenWorker()
        self.sent: list[_Sent] = []
        self.tokenised_here = 0

    def store(self, new: list[tuple[int, DocumentIn]]) -> None:
        """Token rows for these new documents (``(id, record)``): stored now, or when the
        helper returns them (at the next call or at :meth:`finish`)."""
        self._store_returned()
        for lang in sorted({record.lang for _, record in new}):
            name = self.tokenizer_of(lang)
            group = [(i, record) for i, record in new if record.lang == lang]
            given = [(i, r) for i, r in group if r.tokens is not None and r.tokens[0] == name]
            rows = ((i, *r.tokens) for i, r in given)
            if insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows):
                self.made(len(given))
            todo = [(i, r.text) for i, r in group if r.tokens is None or r.tokens[0] != name]
            if self.tokenised_here >= token_worker.WORKER_FROM:
                self.worker.start(lang)
            if todo and self.worker.ready:
                for first in range(0, len(todo), _SENT_AT_ONCE):  # returned as they are made
                    part = todo[first : first + _SENT_AT_ONCE]
                    future = self.worker.submit([text for _, text in part], lang)
                    self.sent.append(_Sent(future, [i for i, _ in part], lang, name))
            else:
                self._tokenise_here(todo, lang, name)

    def finish(self) -> None:
        """Store what the helper still has, waiting for it."""
        self._store_returned()

    def close(self) -> None:
        """Stop the helper (what it was making is dropped)."""
        self.worker.close()
        self.sent.clear()

    def _tokenise_here(self, todo: list[tuple[int, str]], lang: str, name: str) -> None:
        from annotator.text import tokenize_many

        def rows() -> Iterator[tuple[Any, ...]]:
            offsets = tokenize_many((text for _, text in todo), lang)
            for (document_id, _), made in zip(todo, offsets, strict=True):
                yield (document_id, name, *made.to_blobs())
                self.tokenised_here += 1
                self.made(1)

        insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows())

    def _store_returned(self) -> None:
        while self.sent:
            sent = self.sent.pop(0)
            try:
                blobs = self._wait(sent.future)
            except (OSError, EOFError, RuntimeError, UnpicklingError):  # the helper died
                self.worker.close()
                texts = queries.texts_of(self.db, sent.document_ids)
                todo = [(i, texts[i]) for i in sent.document_ids]
                self._tokenise_here(todo, sent.lang, sent.name)
                continue
            rows = ((i, sent.name, *b) for i, b in zip(sent.document_ids, blobs, strict=True))
            insert_rows(self.db, "document_tokens", TOKEN_COLUMNS, rows)
            self.made(len(sent.document_ids))

    def _wait(self, future: Future[list[tuple[bytes, bytes]]]) -> list[tuple[bytes, bytes]]:
        while True:
            try:
                return future.result(timeout=_POLL_S)
            except FutureTimeout:
                self.poll()
