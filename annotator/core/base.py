"""The project base: opening the file, the one write path, reads and tokens.

Edits live in the ``*_ops`` mixins; :class:`annotator.core.project.Project` combines them.
Every edit validates, commits atomically, records an event and returns a
:class:`~annotator.model.records.Change` saying what changed. ``revert`` and ``reapply``
undo and redo a change through the same write path (what the window's ``QUndoStack``
calls).
"""

from __future__ import annotations

import contextlib
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from annotator.core.config import fallback_annotator, resolve_annotator
from annotator.model.errors import NotFoundError, StoreError, ValidationError
from annotator.model.names import name_problem
from annotator.model.records import (
    Change,
    Document,
    DocumentSummary,
    Relation,
    RowChange,
    Span,
    SpanRef,
    dumps_json,
)
from annotator.model.schema import Schema, default_schema
from annotator.store import fetch_row, open_database, queries, writes
from annotator.store.check import offsets_problem
from annotator.store.database import checked_write, is_readonly

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotator.core.transaction import Transaction
    from annotator.model.changes import ChangeSummary
    from annotator.store.lean import Database
    from annotator.text import TokenOffsets

DEFAULT_LANG = "en"
_CACHED_DOCUMENTS = 8


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds (how every timestamp is stored)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ProjectBase:
    """An open project database and the annotator working in it.

    Not thread-safe: use one ``Project`` per thread (``Project.open`` on the same path).
    """

    def __init__(self, db: Database, *, annotator: str, path: Path | None = None):
        if problem := name_problem(annotator.strip() if annotator else "", "annotator"):
            raise ValidationError(problem)
        self.db = db
        self.path = path
        self.annotator = annotator.strip()
        self.layer = self.annotator
        """Whose annotations reads show and edits write: the annotator's own, or another
        layer such as ``gold`` while adjudicating. Events always record ``annotator``."""
        self._schema: Schema | None = None
        self.notices: list[str] = []
        self._settings: dict[str, str] | None = None  # the project table, read once
        """What opening the file did that the user must hear of (a log recovered)."""
        self._token_cache: OrderedDict[int, TokenOffsets] = OrderedDict()
        self._token_rows: dict[int, queries.StoredTokens | None] = {}  # read ahead, used once
        self._text_cache: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._sentence_cache: OrderedDict[int, TokenOffsets] = OrderedDict()
        self._matchers: OrderedDict[tuple, Any] = OrderedDict()  # pattern matchers by patterns
        self._match_cache: OrderedDict[tuple, Any] = OrderedDict()  # by document, lang, patterns
        self._actor_names: tuple[str, ...] | None = None  # texts annotated as actors
        self._patterns_in_use: tuple[tuple, tuple] | None = None  # patterns and their key

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        annotator: str | None = None,
        create: bool = True,
        allow_readonly: bool = False,
        readonly: bool = False,
    ) -> Self:
        """Open (or create) the project at ``path`` for ``annotator``.

        The name defaults to ``$ANNOTATOR_NAME``, the stored setting, then the login name.
        A new project gets the default label schema. With ``allow_readonly``, a file that
        cannot be written opens for reading (edits then fail with a clear message); with
        ``readonly`` the file is only read, whatever its permissions (reading commands).
        """
        db = open_database(path, create=create, allow_readonly=allow_readonly, readonly=readonly)
        name = resolve_annotator(annotator) or fallback_annotator()
        project = cls(db, annotator=name, path=None if str(path) == ":memory:" else Path(path))
        project.notices = list(getattr(db, "notices", []))
        try:
            project._initialise()
        except BaseException:
            db.close()
            raise
        return project

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _initialise(self) -> None:
        if queries.project_value(self.db, "created") is not None:
            if queries.project_value(self.db, "uuid") is None and not is_readonly(self.db):
                self.set_project_value("uuid", uuid.uuid4().hex)  # projects before m003
            return
        schema = default_schema()
        with self.transact(""):
            if queries.project_value(self.db, "created") is not None:
                return  # another process set the new file up meanwhile
            writes.set_project_values(
                self.db,
                {"created": now(), "default_lang": DEFAULT_LANG, "uuid": uuid.uuid4().hex},
            )
            writes.insert_default_schema(
                self.db,
                labels=(
                    {
                        "name": label.name,
                        "colour": label.colour,
                        "keys": dumps_json(list(label.keys)),
                        "description": label.description,
                        "attributes": dumps_json([a.to_dict() for a in label.attributes]),
                        "position": position,
                    }
                    for position, label in enumerate(schema.labels)
                ),
                relation_types=(
                    {
                        "name": rel.name,
                        "head_label": rel.head,
                        "child_label": rel.child,
                        "description": rel.description,
                        "attributes": dumps_json([a.to_dict() for a in rel.attributes]),
                        "position": position,
                    }
                    for position, rel in enumerate(schema.relations)
                ),
            )

    # -- the write path ---------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Database]:
        """A write transaction whose SQLite errors become clear user-facing errors.

        A project file deleted (or its folder removed) while open is noticed here: on
        POSIX, SQLite would go on writing to the unlinked file and the work would be lost.
        """
        if self.path is not None and not self.path.exists():
            raise StoreError(
                f"the project file {self.path} is gone (deleted, moved, or its disk removed); "
                "nothing more can be saved to it — use File → Open or restore it"
            )
        with checked_write(self.db, str(self.path or "the project")) as db:
            yield db

    @contextlib.contextmanager
    def transact(self, op: str, description: str = "") -> Iterator[Transaction]:
        """The one write path: a write transaction for operation ``op``.

        The block applies rows through the :class:`Transaction` it is given (or, for bulk
        writers, inserts in batches and calls :meth:`Transaction.record_bulk`); after
        the block, in the same transaction, the listeners of
        :mod:`annotator.core.listeners` update what derives from the data (the search
        index) and the history event is written; after the commit, caches the change made
        stale are dropped. Read the result as ``transaction.change`` after the block. A
        block that wrote nothing records nothing.

        An ``op`` of ``""`` is a write that is no edit (the token cache, a setting,
        a new project's defaults): no event, nothing to undo.

        :raises ValidationError: the data breaks a constraint; nothing is written.
        :raises StoreError: the file is gone, locked, read-only or full; nothing is written.
        """
        from annotator.core import listeners
        from annotator.core.transaction import Transaction

        names = self._register_names if op else None
        transaction = Transaction(self, op, description, before_first_rows=names)
        with self._writing():
            yield transaction
            if op and transaction.wrote:
                summary = transaction.change.summary  # computed once per change
                for listener in listeners.IN_TRANSACTION:
                    listener(self, summary)
                self._record_event(transaction, summary)
        if op and transaction.wrote:
            self.notice(summary)

    def notice(self, summary: ChangeSummary) -> None:
        """Drop what this object keeps in memory that a change made stale: after each of
        its own commits, and for a change written through another connection of this
        process (an import or merge run in a worker)."""
        from annotator.core import listeners

        for listener in listeners.AFTER_COMMIT:
            listener(self, summary)

    def _register_names(self) -> None:
        """The annotator and the layer an edit writes, known to the project."""
        writes.register_annotators(self.db, {self.annotator, self.layer}, now())

    def _record_event(self, transaction: Transaction, summary: ChangeSummary) -> None:
        change = transaction.change
        if transaction.report is not None:
            documents: set[int] = set()
            rows: Any = transaction.report
        else:
            documents = set(summary.documents) or self._documents_of_span_rows(change)
            rows = [
                {"table": r.table, "key": list(r.key), "before": r.before, "after": r.after}
                for r in change.rows
            ]
        writes.record_event(
            self.db,
            at=transaction.at or now(),
            annotator=self.annotator,
            op=change.op,
            description=change.description,
            document_id=next(iter(documents)) if len(documents) == 1 else None,
            rows_json=dumps_json(rows),
        )

    def _documents_of_span_rows(self, change: Change) -> set[int]:
        """Documents of the spans that rows without a document refer to (claim records,
        evidence, matches), so that their events are found by document."""
        span_ids = {
            side[key]
            for row in change.rows
            for side in (row.before, row.after)
            if side
            for key in ("span_id", "main_span_id")
            if isinstance(side.get(key), int)
        }
        return queries.documents_of_spans(self.db, span_ids)

    def revert(self, change: Change) -> Change:
        """Undo ``change``; returns the change that was applied to do it.

        :raises ConflictError: a row it touched was changed since; nothing is written.
        """
        inverse = change.inverse()
        with self.transact(inverse.op, inverse.description) as transaction:
            transaction.apply(inverse.rows)
        return transaction.change

    def reapply(self, change: Change) -> Change:
        """Redo ``change`` after :meth:`revert` (same rows, same ids)."""
        with self.transact(change.op, change.description) as transaction:
            transaction.apply(change.rows)
        return transaction.change

    # -- schema ---------------------------------------------------------------------

    def set_annotator(self, name: str) -> None:
        """Work as ``name`` from now on (its own layer, unless another one is being edited)."""
        if problem := name_problem(name.strip() if name else "", "annotator"):
            raise ValidationError(problem)
        if self.layer == self.annotator:
            self.layer = name.strip()
        self.annotator = name.strip()

    def require_names(self, *, annotators=(), labels=()) -> None:
        """Refuse names of annotators or labels the project does not have: in a filter
        they are a typo, not a request for nothing.

        :raises ValidationError: naming the unknown one and those there are.
        """
        known = queries.annotator_names(self.db)
        for name in annotators:
            if name not in known:
                there = ", ".join(known) or "none"
                raise ValidationError(f"no annotator {name!r} in this project (it has: {there})")
        for label in labels:
            if not self.schema.has_label(label):
                there = ", ".join(self.schema.label_names)
                raise ValidationError(f"no label {label!r} in this project (it has: {there})")

    def data_version(self) -> int:
        """A number that changes when another connection commits to the project.

        :raises sqlite3.Error: the file is gone or unreadable.
        """
        return queries.data_version(self.db)

    def forget_cached_document(self, document_id: int | None = None) -> None:
        """Drop cached text, tokens and sentences of a document (all when ``None``)."""
        for cache in (self._text_cache, self._token_cache, self._sentence_cache, self._token_rows):
            if document_id is None:
                cache.clear()
            else:
                cache.pop(document_id, None)
        if document_id is None:  # another window may have annotated actors or patterns
            self.forget_cached_suggestion_inputs()

    def forget_cached_suggestion_inputs(self) -> None:
        """Read the actor names and the patterns in use again on next use (after a change
        to actors or patterns, an import, or another window's write). Cached pattern
        matches need no forgetting: they are keyed by language and patterns."""
        self._actor_names = None
        self._patterns_in_use = None

    def forget_cached_schema(self) -> None:
        """Read the schema (and the project's settings) again on next use (another window
        may have changed them)."""
        self._settings = None
        self._schema = None

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = queries.load_schema(self.db)
        return self._schema

    def project_value(self, key: str) -> str | None:
        """A project-wide setting (read once, kept until a change, an import or another
        window's write may have changed the settings)."""
        if self._settings is None:
            self._settings = queries.project_values(self.db, ())
        return self._settings.get(key)

    def set_project_value(self, key: str, value: str) -> None:
        """Store a project-wide setting (not undoable, not an annotation)."""
        self._settings = None
        with self.transact(""):
            writes.set_project_values(self.db, {key: value})

    @property
    def uuid(self) -> str:
        """This project's identity, kept by copies: merges record where history came from."""
        return queries.project_value(self.db, "uuid") or ""

    def default_lang(self) -> str:
        return queries.project_value(self.db, "default_lang") or DEFAULT_LANG

    # -- reading --------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        """All documents with this annotator's span counts and statuses."""
        return queries.document_summaries(self.db, self.layer)

    def document_summary(self, document_id: int) -> DocumentSummary:
        found = queries.document_summaries(self.db, self.layer, document_id)
        if not found:
            raise NotFoundError(f"no document with id {document_id}")
        return found[0]

    def document(self, document_id: int) -> Document:
        document = queries.get_document(self.db, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
        return document

    def spans(self, document_id: int, *, annotator: str | None = "") -> list[Span]:
        """Spans of a document: this annotator's by default, everyone's with ``None``."""
        who = self.layer if annotator == "" else annotator
        return queries.spans_of(self.db, document_id, who)

    def span_refs(self, document_id: int) -> list[SpanRef]:
        """Where this annotator's spans are (id, start, end, label): fast for 50,000."""
        return queries.span_refs(self.db, document_id, self.layer)

    def span(self, span_id: int) -> Span:
        row = fetch_row(self.db, "spans", (span_id,))
        if row is None:
            raise NotFoundError(f"no span with id {span_id}")
        return Span.from_row(row)

    def relations(self, document_id: int, *, annotator: str | None = "") -> list[Relation]:
        who = self.layer if annotator == "" else annotator
        return queries.relations_of(self.db, document_id, who)

    def status(self, document_id: int) -> str:
        row = queries.status_of(self.db, document_id, self.layer)
        return row["status"] if row else "new"

    def stats(self) -> dict[str, Any]:
        return queries.statistics(self.db)

    # -- tokens -----------------------------------------------------------------------

    def token_offsets(self, document_id: int, *, document: Document | None = None) -> TokenOffsets:
        """Stored token boundaries; re-tokenises (and stores) if the rules changed.

        ``document``, when the caller has it loaded already, saves reading it again
        (exports go through every document)."""
        cached = self._token_cache.get(document_id)
        if cached is not None:
            self._token_cache.move_to_end(document_id)
            return cached
        if document is not None:
            text, lang = document.text, document.lang
        else:
            text, lang = self.text_and_lang(document_id)
        offsets = self._load_token_offsets(document_id, text, lang)
        self._token_cache[document_id] = offsets
        while len(self._token_cache) > _CACHED_DOCUMENTS:
            self._token_cache.popitem(last=False)
        return offsets

    def read_tokens_ahead(self, document_ids: list[int]) -> None:
        """Read the stored tokens of ``document_ids`` in one query, for the next
        :meth:`token_offsets` of each (an export going through documents a batch at a
        time). What was read ahead before and not used is dropped: memory holds one
        batch."""
        self._token_rows = dict.fromkeys(document_ids)
        self._token_rows.update(queries.stored_tokens_of_many(self.db, document_ids))

    def _load_token_offsets(self, document_id: int, text: str, lang: str) -> TokenOffsets:
        from annotator.text import TokenOffsets, tokenize, tokenizer_name
        from annotator.text.tokens import tokens_current

        if document_id in self._token_rows:
            row = self._token_rows.pop(document_id)
        else:
            row = queries.stored_tokens(self.db, document_id)
        if (
            row is not None
            and tokens_current(row.tokenizer, lang)
            and offsets_problem(row.starts, row.ends, len(text)) is None
        ):
            return TokenOffsets.from_blobs(row.starts, row.ends)
        # Missing, from other rules, or damaged (they are a cache): tokenised again.
        expected = tokenizer_name(lang)
        offsets = tokenize(text, lang)
        starts, ends = offsets.to_blobs()
        with contextlib.suppress(StoreError), self.transact(""):
            writes.store_tokens(self.db, document_id, expected, starts, ends)
        return offsets

    def spacy_doc(self, document_id: int) -> Doc:
        """A spaCy ``Doc`` of the whole document built from its stored tokens."""
        from annotator.text import doc_from_offsets

        text, lang = self.text_and_lang(document_id)
        return doc_from_offsets(text, self.token_offsets(document_id), lang)

    def sentence_bounds(self, document_id: int) -> TokenOffsets:
        """Sentence starts and ends of a document (spaCy's sentencizer; cached)."""
        from annotator.text.sentences import sentence_bounds

        cached = self._sentence_cache.get(document_id)
        if cached is None:
            text, lang = self.text_and_lang(document_id)
            cached = sentence_bounds(text, self.token_offsets(document_id), lang)
            self._sentence_cache[document_id] = cached
            while len(self._sentence_cache) > _CACHED_DOCUMENTS:
                self._sentence_cache.popitem(last=False)
        return cached

    def tokenizer_fallback(self, document_id: int) -> str | None:
        """Why the document's tokens come from another language's tokenizer, if they do.

        Read from the stored tokenizer name, so it does not load spaCy."""
        row = queries.stored_tokens(self.db, document_id)
        lang = self.text_and_lang(document_id)[1]
        if row is None or row.tokenizer.split("/")[1] == lang:
            return None
        return (
            f"no spaCy tokenizer for language {lang!r} is installed: this document uses "
            "spaCy's multi-language tokenizer"
        )

    def text_and_lang(self, document_id: int) -> tuple[str, str]:
        """A document's text and language, cached: stored texts never change."""
        cached = self._text_cache.get(document_id)
        if cached is None:
            document = self.document(document_id)
            cached = self._text_cache[document_id] = (document.text, document.lang)
            while len(self._text_cache) > _CACHED_DOCUMENTS:
                self._text_cache.popitem(last=False)
        return cached

    def snap(self, document_id: int, start: int, end: int) -> tuple[int, int] | None:
        """Snap a selection to whole tokens with whitespace trimmed (``None`` if empty)."""
        from annotator.text import snap_with_offsets

        text, lang = self.text_and_lang(document_id)
        offsets = self.token_offsets(document_id)
        return snap_with_offsets(text, offsets, start, end, lang)

    # -- helpers for the ops mixins -------------------------------------------------------

    def _span_row(self, span_id: int) -> dict[str, Any]:
        row = fetch_row(self.db, "spans", (span_id,))
        if row is None:
            raise NotFoundError(f"no span with id {span_id}")
        return row

    def _check_attributes(self, label: str, attributes: dict[str, Any]) -> None:
        definitions = {a.name: a for a in self.schema.label(label).attributes}
        for name, value in attributes.items():
            if name not in definitions:
                raise ValidationError(f"label {label!r} has no attribute {name!r}")
            definitions[name].validate(value)

    def _status_rows(
        self, document_id: int, status: str, *, only_from_new: bool = False
    ) -> list[RowChange]:
        before = queries.status_of(self.db, document_id, self.layer)
        current = before["status"] if before else "new"
        if current == status or (only_from_new and current != "new"):
            return []
        after = {
            "document_id": document_id,
            "annotator": self.layer,
            "status": status,
            "updated": now(),
        }
        return [RowChange("document_status", (document_id, self.layer), before, after)]
