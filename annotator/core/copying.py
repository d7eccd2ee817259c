"""Merging: documents the project lacks, copied row for row from the merged project.

A merge reads the source's documents the target already holds as records (their spans
meet the target's, newer versions win); the others have nothing to meet, so their rows
are copied as they are (:mod:`annotator.store.copying`), several times faster than
reading and checking each record. The copy is taken only when the two projects define
their labels and links alike (a copied row needs no schema growth); a source row the
record path would refuse, rewrite or grow the schema for stops the copy, and the merge
starts again on the record path, which says what is wrong.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.model.imports import ImportReport
from annotator.store import queries
from annotator.store.bulk import TOKEN_COLUMNS, insert_rows
from annotator.store.copying import (
    Copied,
    Source,
    copy_bands,
    copy_documents,
    documents_to_copy,
    id_shifts,
)

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.core.schema_growth import SchemaCheck
    from annotator.store.lean import Database

REPORTED = {
    "documents": "documents_added",
    "spans": "spans_added",
    "relations": "relations_added",
    "suggestions": "suggestions_added",
    "suggested_relations": "suggested_relations_added",
    "document_categories": "categories_added",
    "claim_records": "claim_records_added",
    "evidence": "evidence_added",
}
"""The import report's count of the rows copied into each table (statuses have none)."""


@dataclass(slots=True)
class DocumentsToCopy:
    """The source of a merge (a project's database) and the ids of its documents the
    target holds (``matched``, read as records); its other documents are copied. With
    ``attached``, the source's file is attached to the target's connection
    (:func:`annotator.store.copying.attached`)."""

    source: Database
    matched: array
    attached: bool = False


def copy_new_documents(
    project: Project,
    copy: DocumentsToCopy,
    check: SchemaCheck,
    tokenizer_of: Callable[[str], str],
    report: ImportReport,
    done: Callable[[Copied], None],
) -> None:
    """Copy the documents ``copy`` names into ``project`` inside its write transaction,
    tokenising those whose tokens another tokenizer made; ``done`` gets each batch's
    :class:`Copied` (for progress and Cancel). Their near-duplicate bands come along when
    the source made them as the target would.

    :raises NotCopyable: a source row the record path would not take as it is.
    """
    db = project.db
    shifts = id_shifts(db)
    source = Source(copy.source, attached=copy.attached)
    for ids in documents_to_copy(copy.source, copy.matched):
        copied = copy_documents(
            source, db, ids, shifts, tokenizer_of=tokenizer_of, check=check.as_they_are
        )
        for table, name in REPORTED.items():
            setattr(report, name, getattr(report, name) + copied.rows.get(table, 0))
        _tokenize(db, copied.untokenized, tokenizer_of)
        done(copied)
    copy_bands(source, db, copy.matched, shifts["documents"])


def _tokenize(db: Database, documents: list[tuple[int, str]], tokenizer_of) -> None:
    """Token rows for copied documents whose stored tokens another tokenizer made."""
    from annotator.text import tokenize_many  # spaCy: only when there are any

    for lang in sorted({lang for _, lang in documents}):
        ids = [i for i, language in documents if language == lang]
        texts = queries.texts_of(db, ids)
        offsets = tokenize_many((texts[i] for i in ids), lang)
        name = tokenizer_of(lang)
        rows = ((i, name, *o.to_blobs()) for i, o in zip(ids, offsets, strict=True))
        insert_rows(db, "document_tokens", TOKEN_COLUMNS, rows)
