"""Keeping the full-text search index current.

Article texts have their own FTS5 index (``document_texts_fts``, kept by triggers). The
rest lives in ``search_items`` (``search_items_fts``): one item per document title (with
outlet and author) and note, one per claim span (its text, normalised form, verdict,
rating, note and evidence) and one per other span with a note. Edits rebuild only the
items of the spans and documents they touch, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.model.changes import ChangeSummary
from annotator.store.bulk import rows_indexed_after

if TYPE_CHECKING:
    from annotator.store.lean import Database

_SPAN_ITEMS = """
INSERT INTO search_items (kind, document_id, span_id, title, body)
SELECT CASE WHEN s.label = 'claim' THEN 'claim' ELSE 'note' END, s.document_id, s.id, d.title,
       substr(t.text, s.start + 1, s."end" - s.start)
       || char(10) || s.note
       || char(10) || coalesce(r.normalized, '') || char(10) || coalesce(r.verdict, '')
       || char(10) || coalesce(r.rating, '')
       || char(10) || coalesce((SELECT group_concat(e.quote || ' ' || e.location, char(10))
                                FROM evidence e WHERE e.span_id = s.id), '')
FROM spans s
JOIN documents d ON d.id = s.document_id
JOIN document_texts t ON t.document_id = s.document_id
LEFT JOIN claim_records r ON r.span_id = s.id
WHERE (s.label = 'claim' OR s.note != '') AND {where}
"""

_DOCUMENT_ITEMS = """
INSERT INTO search_items (kind, document_id, span_id, title, body)
SELECT kind, id, NULL, title, body FROM (
    SELECT 'title' AS kind, id, title,
           coalesce(json_extract(meta, '$.outlet'), '') || ' '
           || coalesce(json_extract(meta, '$.author'), '') AS body, 1 AS wanted
    FROM documents WHERE {where}
    UNION ALL
    SELECT 'document_note', id, title, note, note != '' FROM documents WHERE {where}
) WHERE wanted
"""


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def reindex_spans(db: Database, span_ids: Iterable[int]) -> None:
    ids = sorted(set(span_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        db.execute(f"DELETE FROM search_items WHERE span_id IN ({_marks(chunk)})", chunk)
        db.execute(_SPAN_ITEMS.format(where=f"s.id IN ({_marks(chunk)})"), chunk)


def reindex_documents(db: Database, document_ids: Iterable[int], *, titles: bool = True) -> None:
    """Rebuild every item of these documents (titles and notes too when ``titles``): the
    old items are deleted first, then the new ones join the index in one statement
    (:func:`~annotator.store.bulk.rows_indexed_after`: an import's items three times
    faster than one by one)."""
    ids = sorted(set(document_ids))
    chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    kinds = "" if titles else " AND span_id IS NOT NULL"
    for chunk in chunks:
        db.execute(f"DELETE FROM search_items WHERE document_id IN ({_marks(chunk)}){kinds}", chunk)
    with rows_indexed_after(db, "search_items", ("title", "body")):
        for chunk in chunks:
            marks = _marks(chunk)
            db.execute(_SPAN_ITEMS.format(where=f"s.document_id IN ({marks})"), chunk)
            if titles:
                db.execute(_DOCUMENT_ITEMS.format(where=f"id IN ({marks})"), chunk + chunk)


def reindex_summary(db: Database, summary: ChangeSummary) -> None:
    """Bring the index up to date with one change (called inside its transaction): the
    items of the spans and claims it touched, and of the documents whose details
    (title, note) changed. A bulk write (import, merge) keeps no rows: every item of the
    documents it touched is rebuilt."""
    if summary.is_bulk:
        reindex_documents(db, summary.documents, titles=True)
        return
    if spans := summary.spans | summary.claim_spans:
        reindex_spans(db, spans)
    if summary.details:
        reindex_document_items(db, set(summary.details))


def reindex_document_items(db: Database, document_ids: set[int]) -> None:
    ids = sorted(document_ids)
    marks = _marks(ids)
    db.execute(f"DELETE FROM search_items WHERE document_id IN ({marks}) AND span_id IS NULL", ids)
    db.execute(_DOCUMENT_ITEMS.format(where=f"id IN ({marks})"), ids + ids)
    # a new title shows on the document's claim and note items too
    sql = f"SELECT span_id FROM search_items WHERE document_id IN ({marks}) AND span_id > 0"
    spans = [row[0] for row in db.execute(sql, ids)]
    reindex_spans(db, spans)
