"""Querying the full-text indexes (SQLite FTS5): article texts, and the search items
(titles, claims with their records and evidence, notes) that
:mod:`annotator.store.search_index` keeps.

The query is FTS5's: words (all must match), ``"a phrase"``, ``prefix*``, ``OR``, ``NOT``.
A query FTS5 cannot parse is retried with every word quoted, so ``Kim Yong-hyun`` works as
typed. Results are ranked by bm25 (title hits count more) and come with a snippet.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from annotator.model.errors import AnnotatorError

KINDS = ("article", "title", "claim", "note", "document_note")
"""What a hit can be."""
_WORD = re.compile(r"\w[\w'’-]*\*?", re.UNICODE)

_ARTICLES = """
SELECT 'article' AS kind, t.document_id, NULL AS span_id, d.title,
       snippet(document_texts_fts, 0, '[', ']', '…', 14) AS snippet,
       bm25(document_texts_fts) AS rank
FROM document_texts_fts
JOIN document_texts t ON t.rowid = document_texts_fts.rowid
JOIN documents d ON d.id = t.document_id
WHERE document_texts_fts MATCH :query {document_filter}
"""

_ITEMS = """
SELECT i.kind, i.document_id, i.span_id, i.title,
       snippet(search_items_fts, 1, '[', ']', '…', 14) AS snippet,
       bm25(search_items_fts, 4.0, 1.0) AS rank
FROM search_items_fts
JOIN search_items i ON i.rowid = search_items_fts.rowid
JOIN documents d ON d.id = i.document_id
LEFT JOIN claim_records r ON r.span_id = i.span_id
LEFT JOIN spans s ON s.id = i.span_id
WHERE search_items_fts MATCH :query {document_filter} {item_filter}
"""


_DOCUMENT_FILTERS = (
    ("outlet", "lower(json_extract(d.meta, '$.outlet')) = lower(:outlet)"),
    ("published_from", "json_extract(d.meta, '$.published') >= :published_from"),
    ("published_to", "json_extract(d.meta, '$.published') <= :published_to"),
)
"""Conditions on the article of a hit, by the filter that asks for each."""
_ITEM_FILTERS = (
    ("status", "i.kind = 'claim' AND coalesce(r.status, 'unstarted') = :status"),
    ("annotator", "s.annotator = :annotator"),
)
"""Conditions on a claim or note hit, by the filter that asks for each."""

_QUERY_ERRORS = ("fts5:", "unterminated string", "unknown special query", "no such column")
"""How SQLite words a query FTS5 cannot parse (as opposed to a file it cannot read)."""


def search_rows(
    db: Any,
    query: str,
    *,
    kinds: tuple[str, ...] | None = None,
    status: str | None = None,
    outlet: str | None = None,
    annotator: str | None = None,
    published_from: str | None = None,
    published_to: str | None = None,
    limit: int = 50,
) -> list[tuple[Any, ...]]:
    """Best matches of ``query`` in the project ``db`` (anything with ``execute``: a
    project's database, or a plain read-only ``sqlite3`` connection), best first, as rows
    of kind, document id, span id (or ``None``), title, snippet and rank.

    Filters: ``kinds`` (article, title, claim, note, document_note), a claim ``status``
    (claims only), the ``outlet`` and ``published`` range of the article (ISO dates), the
    ``annotator`` of a claim or note.

    :raises AnnotatorError: an empty query, or one FTS5 cannot read even when quoted.
    """
    if not query.strip():
        raise AnnotatorError("search for what? (the query is empty)")
    given = {
        "outlet": outlet,
        "published_from": published_from,
        # every date of that day (or month) counts: "2024-10" takes "2024-10-31"
        "published_to": published_to + "\uffff" if published_to else None,
        "status": status,
        "annotator": annotator,
    }
    params: dict[str, Any] = {"limit": limit, **{k: v for k, v in given.items() if v}}
    document_filter = "".join(f" AND {c}" for name, c in _DOCUMENT_FILTERS if given[name])
    item_filter = "".join(f" AND {c}" for name, c in _ITEM_FILTERS if given[name])
    wanted = set(kinds or KINDS)
    parts = []
    if "article" in wanted and not status and not annotator:
        parts.append(_ARTICLES.format(document_filter=document_filter))
    item_kinds = sorted(wanted - {"article"})
    if item_kinds:
        names = ", ".join(f"'{k}'" for k in item_kinds if k in KINDS)
        kind_filter = f"{item_filter} AND i.kind IN ({names})"
        parts.append(_ITEMS.format(document_filter=document_filter, item_filter=kind_filter))
    if not parts:
        return []
    sql = " UNION ALL ".join(parts) + " ORDER BY rank LIMIT :limit"
    for attempt in (query, _quoted(query)):
        try:
            rows = db.execute(sql, {**params, "query": attempt}).fetchall()
        except sqlite3.OperationalError as exc:
            if attempt is query:  # FTS5 syntax ("Yong-hyun" reads as a column filter)
                continue
            if not str(exc).startswith(_QUERY_ERRORS):
                raise  # not the query: a damaged file (a dropped table) or a bug
            raise AnnotatorError(f"search: cannot read the query {query!r} ({exc})") from None
        return rows
    raise AssertionError("unreachable: the quoted query either runs or raises")


def _quoted(query: str) -> str:
    """Every word as a quoted term (keeping a trailing * as a prefix search)."""
    terms = []
    for word in _WORD.findall(query):
        star = word.endswith("*")
        core = word.rstrip("*").replace('"', '""')
        terms.append(f'"{core}"' + ("*" if star else ""))
    return " ".join(terms) or '""'
