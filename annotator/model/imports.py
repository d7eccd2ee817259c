"""Import records: what readers make of a file, before the core checks and stores it.

``DocumentIn`` (with its ``SpanIn``, ``RelationIn``, ``StatusIn``, ``SuggestionIn``,
``CategoryIn``), ``SchemaIn`` (what a file says about the whole project) and the
``ImportReport`` an import returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.model.changes import ChangeSummary
from annotator.model.errors import Cancelled as Cancelled  # lives with the errors

ANSWERS = ("accept", "reject", "ignore")


@dataclass(slots=True)
class SpanIn:
    start: int
    end: int
    label: str
    annotator: str | None = None
    origin: str = "imported"
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    created: str | None = None
    updated: str | None = None
    claim: dict[str, str] | None = None
    """The fact-checker's record of a claim span (the fields of ``claim_records``)."""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """Evidence items of a claim span (the fields of ``evidence``, without ids)."""


@dataclass(slots=True)
class RelationIn:
    """A link between two spans of the same record, by their index in ``spans``."""

    head: int
    child: int
    label: str
    annotator: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    created: str | None = None
    updated: str | None = None


@dataclass(slots=True)
class StatusIn:
    annotator: str | None
    status: str
    answer: str | None = None
    updated: str | None = None


@dataclass(slots=True)
class CategoryIn:
    """A category of the whole document (text classification): ``value`` 1.0 applies,
    0.0 does not apply (an answer "reject"), scores in between as spaCy's ``doc.cats``."""

    label: str
    value: float = 1.0
    annotator: str | None = None
    updated: str | None = None


@dataclass(slots=True)
class SuggestionIn:
    start: int
    end: int
    label: str
    source: str
    score: float | None = None
    status: str = "open"
    created: str | None = None


@dataclass(slots=True)
class SuggestedRelationIn:
    """A link between two suggestions of the same record, by their index in
    ``suggestions``."""

    head: int
    child: int
    label: str
    source: str
    attributes: dict[str, Any] = field(default_factory=dict)
    status: str = "open"
    created: str | None = None


@dataclass(slots=True)
class DocumentIn:
    """One document read from a file; ``where`` is ``file`` or ``file:line`` for messages."""

    text: str
    title: str
    where: str
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    created: str | None = None
    spans: list[SpanIn] = field(default_factory=list)
    relations: list[RelationIn] = field(default_factory=list)
    statuses: list[StatusIn] = field(default_factory=list)
    suggestions: list[SuggestionIn] = field(default_factory=list)
    suggested_relations: list[SuggestedRelationIn] = field(default_factory=list)
    categories: list[CategoryIn] = field(default_factory=list)
    error: str | None = None
    """Why a reader could not read this record; the import refuses it (or skips it)."""
    tokens: tuple[str, bytes, bytes] | None = None
    """Token boundaries a source project stored (tokenizer name, starts, ends): a merge
    copies them instead of tokenising again when its tokenizer has the same name."""
    bands: tuple[int, ...] | None = None
    """The near-duplicate band keys (one per band) a source project stored by the
    current scheme: a merge copies them instead of computing them again."""

    @classmethod
    def invalid(cls, where: str, reason: str) -> DocumentIn:
        return cls(text="", title="", where=where, error=reason)


@dataclass(slots=True)
class SchemaIn:
    """What a file says about the project besides its documents: label and relation
    definitions, and (native exports, merged projects) settings, annotators, patterns,
    claim matches and the change history, matches and events in portable form
    (``annotator.store.portable``). ``complete``: the file describes a whole project, so
    an untouched project takes its definitions and settings as they are."""

    labels: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    annotators: list[dict[str, Any]] = field(default_factory=list)
    patterns: list[dict[str, Any]] = field(default_factory=list)
    claim_matches: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    source: str = ""
    """The file (or project) these came from, for messages."""


@dataclass(slots=True)
class ImportReport:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_duplicate: int = 0
    relations_added: int = 0
    relations_duplicate: int = 0
    spans_updated: int = 0
    relations_updated: int = 0
    statuses_updated: int = 0
    suggestions_added: int = 0
    suggested_relations_added: int = 0
    claim_records_added: int = 0
    claim_records_updated: int = 0
    evidence_added: int = 0
    claim_matches_added: int = 0
    claim_matches_updated: int = 0
    patterns_added: int = 0
    events_added: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    """Rows a merge deleted because the source deleted them last, by table."""
    categories_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    relation_types_added: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[int, int, float]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: ChangeSummary | None = None
    """What the import changed, by meaning (``None`` when it changed nothing)."""

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "summary"}
