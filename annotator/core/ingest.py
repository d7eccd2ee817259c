"""Bringing documents (and their annotations) into a project, all or nothing.

Readers in ``annotator.formats`` turn files into :class:`DocumentIn` records; this
module validates them, tokenises new texts, and writes everything in one transaction.
A document whose text is already stored (same SHA-256) is not copied: its annotations
are added to the stored one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError, InputFileError
from annotator.core.model import dumps_json, text_sha256
from annotator.store import queries

if TYPE_CHECKING:
    from annotator.core.project import Project


class Cancelled(AnnotatorError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("cancelled: nothing was changed")


@dataclass(slots=True)
class SpanIn:
    start: int
    end: int
    label: str
    annotator: str | None = None
    origin: str = "imported"
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(slots=True)
class DocumentIn:
    """One document read from a file; ``where`` is ``file`` or ``file:line`` for messages."""

    text: str
    title: str
    where: str
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanIn] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_duplicate: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents_added": self.documents_added,
            "documents_existing": self.documents_existing,
            "spans_added": self.spans_added,
            "spans_duplicate": self.spans_duplicate,
            "skipped": self.skipped,
            "notes": self.notes,
        }


def _check(record: DocumentIn, labels: set[str]) -> None:
    if not isinstance(record.text, str) or not record.text:
        raise ValueError("the document text is empty")
    try:
        record.text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text holds unpaired surrogate characters") from None
    length = len(record.text)
    for span in record.spans:
        if not (0 <= span.start < span.end <= length):
            raise ValueError(
                f"span [{span.start}, {span.end}) {span.label!r} is outside the text "
                f"(0 to {length})"
            )
        if span.label not in labels:
            raise ValueError(f"unknown label {span.label!r}")


def _split_where(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


def import_documents(
    project: Project,
    records: Iterable[DocumentIn],
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    tokenize: bool = True,
) -> ImportReport:
    """Validate, tokenise and store ``records`` in one transaction.

    With ``tokenize=False`` token boundaries are computed on first use instead (the
    window's first start imports the sample this way, so spaCy loads after the paint).

    Without ``skip_invalid`` the first bad record raises :class:`InputFileError` and the
    project is unchanged; with it, bad records are listed in ``report.skipped``.
    ``progress`` is called with the number of records done so far; ``cancelled``
    returning true stops with :class:`Cancelled` and the project unchanged.
    """
    from annotator.nlp import tokenize_many, tokenizer_name, tokenizer_note

    report = ImportReport()
    labels = set(project.schema.label_names)
    default_lang = project.default_lang()
    accepted: list[DocumentIn] = []
    for record in records:
        try:
            _check(record, labels)
        except ValueError as exc:
            if not skip_invalid:
                path, line = _split_where(record.where)
                raise InputFileError(path, str(exc), line=line) from None
            report.skipped.append(f"{record.where}: {exc}")
            continue
        record.lang = record.lang or default_lang
        accepted.append(record)

    # Tokenising is the slow part: do it before taking the write lock, per language.
    by_hash: dict[str, DocumentIn] = {}
    for record in accepted:
        by_hash.setdefault(text_sha256(record.text), record)
    new = [
        (sha, record)
        for sha, record in by_hash.items()
        if queries.document_id_by_hash(project.db, sha) is None
    ]
    tokens: dict[str, tuple[str, bytes, bytes]] = {}
    done = 0
    for lang in sorted({record.lang for _, record in new}) if tokenize else ():
        group = [(sha, record) for sha, record in new if record.lang == lang]
        name = tokenizer_name(lang)
        if note := tokenizer_note(lang):
            report.notes.append(note)
        texts = (record.text for _, record in group)
        for (sha, _), offsets in zip(group, tokenize_many(texts, lang), strict=True):
            tokens[sha] = (name, *offsets.to_blobs())
            done += 1
            if cancelled is not None and cancelled():
                raise Cancelled()
            if progress is not None:
                progress(done)

    with project._writing() as db:
        stamp = _now()
        ids: dict[str, int] = {}
        for sha, record in new:
            db["documents"].insert(
                {
                    "title": record.title,
                    "length": len(record.text),
                    "text_sha256": sha,
                    "lang": record.lang,
                    "meta": dumps_json(record.meta),
                    "note": "",
                    "created": stamp,
                }
            )
            ids[sha] = db["documents"].last_pk
            db["document_texts"].insert({"document_id": ids[sha], "text": record.text})
            if sha in tokens:
                name, starts, ends = tokens[sha]
                db["document_tokens"].insert(
                    {"document_id": ids[sha], "tokenizer": name, "starts": starts, "ends": ends}
                )
        report.documents_added = len(new)
        report.documents_existing = len(by_hash) - len(new)
        _insert_spans(project, accepted, ids, stamp, report)
        db["events"].insert(
            {
                "at": stamp,
                "annotator": project.annotator,
                "op": "import",
                "description": f"Import {len(accepted)} document(s)",
                "document_id": None,
                "rows": dumps_json(report.to_dict()),
            }
        )
        if cancelled is not None and cancelled():
            raise Cancelled()
    return report


def _insert_spans(
    project: Project,
    records: list[DocumentIn],
    ids: dict[str, int],
    stamp: str,
    report: ImportReport,
) -> None:
    db = project.db
    rows = []
    keys_by_document: dict[int, set[tuple[Any, ...]]] = {}
    for record in records:
        if not record.spans:
            continue
        sha = text_sha256(record.text)
        document_id = ids.get(sha) or queries.document_id_by_hash(db, sha)
        if document_id not in keys_by_document:  # what the document already holds
            keys_by_document[document_id] = queries.span_keys(db, document_id)
        seen = keys_by_document[document_id]
        for span in record.spans:
            who = span.annotator or project.annotator
            key = (who, span.label, span.start, span.end)
            if key in seen:
                report.spans_duplicate += 1
                continue
            seen.add(key)
            rows.append(
                {
                    "document_id": document_id,
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "annotator": who,
                    "origin": span.origin,
                    "attributes": dumps_json(span.attributes),
                    "note": span.note,
                    "created": stamp,
                    "updated": stamp,
                }
            )
    for who in sorted({row["annotator"] for row in rows} | {project.annotator}):
        db["annotators"].insert({"name": who, "created": stamp}, ignore=True)
    db["spans"].insert_all(rows, batch_size=5000)
    report.spans_added = len(rows)


def _now() -> str:
    from annotator.core.project import now

    return now()
