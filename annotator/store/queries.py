"""Read queries. Every SQL read the application makes lives here or in ``rows.py``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.model.records import (
    Category,
    Document,
    DocumentSummary,
    Relation,
    Span,
    SpanRef,
    loads_json,
)
from annotator.model.schema import AttributeDef, Label, RelationType, Schema

if TYPE_CHECKING:
    from annotator.store.lean import Database


def _dicts(db: Database, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
    """Rows of a read as dicts, with one plain statement (``Database.query`` wraps every
    read in a savepoint: two more statements per read on the edit path)."""
    cursor = db.execute(sql, params if params is not None else [])
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def load_schema(db: Database) -> Schema:
    labels = tuple(
        Label(
            name=row["name"],
            colour=row["colour"],
            keys=tuple(loads_json(row["keys"]) or ()),
            description=row["description"],
            attributes=tuple(AttributeDef.from_dict(a) for a in loads_json(row["attributes"])),
        )
        for row in _dicts(db, "SELECT * FROM labels ORDER BY position, name")
    )
    relations = tuple(
        RelationType(
            name=row["name"],
            head=row["head_label"],
            child=row["child_label"],
            description=row["description"],
            attributes=tuple(AttributeDef.from_dict(a) for a in loads_json(row["attributes"])),
        )
        for row in _dicts(db, "SELECT * FROM relation_types ORDER BY position, name")
    )
    return Schema(labels=labels, relations=relations)


def document_summaries(
    db: Database, annotator: str, document_id: int | None = None
) -> list[DocumentSummary]:
    """Every document (or the one with ``document_id``), in import order, with
    ``annotator``'s span count and status."""
    where = "WHERE d.id = :document_id" if document_id is not None else ""
    sql = f"""
        SELECT d.id, d.title, d.length,
               (SELECT count(*) FROM spans s
                 WHERE s.document_id = d.id AND s.annotator = :annotator) AS span_count,
               coalesce(st.status, 'new') AS status
        FROM documents d
        LEFT JOIN document_status st ON st.document_id = d.id AND st.annotator = :annotator
        {where}
        ORDER BY d.id
    """
    args = {"annotator": annotator, "document_id": document_id}
    return [DocumentSummary(**row) for row in _dicts(db, sql, args)]


def get_document(db: Database, document_id: int) -> Document | None:
    sql = """SELECT d.*, t.text FROM documents d JOIN document_texts t ON t.document_id = d.id
             WHERE d.id = ?"""
    rows = list(_dicts(db, sql, [document_id]))
    return Document.from_row(rows[0]) if rows else None


def document_length(db: Database, document_id: int) -> int | None:
    rows = list(_dicts(db, "SELECT length FROM documents WHERE id = ?", [document_id]))
    return rows[0]["length"] if rows else None


def document_id_by_hash(db: Database, sha256: str) -> int | None:
    rows = list(_dicts(db, "SELECT id FROM documents WHERE text_sha256 = ?", [sha256]))
    return rows[0]["id"] if rows else None


def spans_of(db: Database, document_id: int, annotator: str | None = None) -> list[Span]:
    """Spans of one document (of one annotator if given), by start then longest first."""
    where, args = "document_id = ?", [document_id]
    if annotator is not None:
        where += " AND annotator = ?"
        args.append(annotator)
    # Columns in the order of Span's fields; plain tuples build 50,000 spans in ~0.1 s
    # where dict rows take several times longer.
    sql = f"""SELECT {_SPAN_COLUMNS} FROM spans WHERE {where}
              ORDER BY start, "end" DESC, label, id"""
    return [_span(row) for row in db.execute(sql, args)]


_SPAN_COLUMNS = """id, document_id, start, "end", label, annotator, origin, attributes,
                   note, created, updated"""


def _span(row: tuple) -> Span:
    return Span(*row[:7], {} if row[7] == "{}" else loads_json(row[7]), *row[8:])


Annotations = tuple[list[Span], list[Relation], list[dict[str, Any]]]
"""A document's spans, relations and status rows, ordered as :func:`spans_of`,
:func:`relations_of` and :func:`status_rows` order them."""


def iter_annotated_documents(
    db: Database, *, batch: int = 200
) -> Iterator[tuple[Document, Annotations]]:
    """Every document with its :data:`Annotations`, in id order, reading the annotations
    of ``batch`` documents per query (exports read 100,000 documents: three queries
    each would cost more than the writing)."""
    for chunk in iter_annotated_batches(db, batch=batch):
        yield from chunk


def iter_annotated_batches(
    db: Database, *, batch: int = 200, ids: Iterable[int] | None = None
) -> Iterator[list[tuple[Document, Annotations]]]:
    """:func:`iter_annotated_documents` a batch at a time (for readers of more per batch);
    with ``ids``, only those documents."""
    documents = iter_documents(db, ids)
    while chunk := list(itertools.islice(documents, batch)):  # itertools.batched is 3.12+
        found = annotations_of_many(db, [d.id for d in chunk])
        yield [(document, found[document.id]) for document in chunk]


class ClaimData(NamedTuple):
    """What the native export reads besides annotations, for a batch of documents:
    claim ``records`` and ``evidence`` by span id, ``suggestions`` and ``categories`` by
    document id (rows as stored)."""

    records: dict[int, dict[str, Any]]
    evidence: dict[int, list[dict[str, Any]]]
    suggestions: dict[int, list[dict[str, Any]]]
    categories: dict[int, list[dict[str, Any]]]
    suggested_relations: dict[int, list[dict[str, Any]]]


def claim_data_of_many(db: Database, document_ids: list[int]) -> ClaimData:
    """Claim records, evidence, suggestions (and the links between them) and categories
    of many documents in five queries."""
    data = ClaimData(
        {},
        {},
        {i: [] for i in document_ids},
        {i: [] for i in document_ids},
        {i: [] for i in document_ids},
    )
    if not document_ids:
        return data
    marks = ",".join("?" * len(document_ids))
    spans = f"SELECT id FROM spans WHERE document_id IN ({marks})"
    for row in _dicts(db, f"SELECT * FROM claim_records WHERE span_id IN ({spans})", document_ids):
        data.records[row["span_id"]] = row
    sql = f"SELECT * FROM evidence WHERE span_id IN ({spans}) ORDER BY id"
    for row in _dicts(db, sql, document_ids):
        data.evidence.setdefault(row["span_id"], []).append(row)
    sql = f"""SELECT * FROM suggestions WHERE document_id IN ({marks})
              ORDER BY document_id, start, "end" DESC, label, source"""
    for row in _dicts(db, sql, document_ids):
        data.suggestions[row["document_id"]].append(row)
    sql = f"""SELECT * FROM document_categories WHERE document_id IN ({marks})
              ORDER BY document_id, annotator, label"""
    for row in _dicts(db, sql, document_ids):
        data.categories[row["document_id"]].append(row)
    sql = f"SELECT * FROM suggested_relations WHERE document_id IN ({marks}) ORDER BY id"
    for row in _dicts(db, sql, document_ids):
        data.suggested_relations[row["document_id"]].append(row)
    return data


def has_claim_data(db: Database) -> bool:
    """Whether any claim has a record, evidence or a match (exports that cannot hold
    them skip the look-up when none has)."""
    sql = """SELECT EXISTS (SELECT 1 FROM claim_records) OR EXISTS (SELECT 1 FROM evidence)
             OR EXISTS (SELECT 1 FROM claim_matches)"""
    return db.execute(sql).fetchone()[0] == 1


class ClaimMarks(NamedTuple):
    """What a claim span has besides the span: a record, evidence items, matches (as
    the main claim)."""

    record: bool
    evidence: int
    matches: int


def claim_marks_of_many(db: Database, document_ids: list[int]) -> dict[int, ClaimMarks]:
    """:class:`ClaimMarks` by span id, for the spans of these documents that have any
    (three queries)."""
    if not document_ids:
        return {}
    spans = f"SELECT id FROM spans WHERE document_id IN ({','.join('?' * len(document_ids))})"
    records = {
        row[0]
        for row in db.execute(
            f"SELECT span_id FROM claim_records WHERE span_id IN ({spans})", document_ids
        )
    }
    counts = {}
    for table, column in (("evidence", "span_id"), ("claim_matches", "main_span_id")):
        sql = f"SELECT {column}, count(*) FROM {table} WHERE {column} IN ({spans}) GROUP BY 1"
        counts[table] = dict(db.execute(sql, document_ids).fetchall())
    ids = records | set(counts["evidence"]) | set(counts["claim_matches"])
    return {
        i: ClaimMarks(i in records, counts["evidence"].get(i, 0), counts["claim_matches"].get(i, 0))
        for i in ids
    }


def rows_of(db: Database, table: str, *, order: str = "rowid") -> Iterator[dict[str, Any]]:
    """Every row of one of the project's tables, in ``order`` (a column list)."""
    return _dicts(db, f'SELECT * FROM "{table}" ORDER BY {order}')


def project_values(db: Database, keys: tuple[str, ...]) -> dict[str, str]:
    """``{key: value}`` of the ``project`` table for those of ``keys`` that are set
    (every key when ``keys`` is empty)."""
    if not keys:
        return dict(db.execute("SELECT key, value FROM project ORDER BY key").fetchall())
    marks = ",".join("?" * len(keys))
    sql = f"SELECT key, value FROM project WHERE key IN ({marks}) ORDER BY key"
    return dict(db.execute(sql, list(keys)).fetchall())


def is_untouched(db: Database) -> bool:
    """Whether the project is as created: no document and no history yet."""
    return (
        db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM documents) AND NOT EXISTS (SELECT 1 FROM events)"
        ).fetchone()[0]
        == 1
    )


def annotations_of_many(db: Database, document_ids: list[int]) -> dict[int, Annotations]:
    """``{document id: annotations}`` for many documents in three queries."""
    found: dict[int, tuple[list, list, list]] = {i: ([], [], []) for i in document_ids}
    if not document_ids:
        return found
    marks = ",".join("?" * len(document_ids))
    sql = f"""SELECT {_SPAN_COLUMNS} FROM spans WHERE document_id IN ({marks})
              ORDER BY document_id, start, "end" DESC, label, id"""
    for row in db.execute(sql, document_ids):
        found[row[1]][0].append(_span(row))
    sql = f"SELECT * FROM relations WHERE document_id IN ({marks}) ORDER BY id"
    for row in _dicts(db, sql, document_ids):
        found[row["document_id"]][1].append(Relation.from_row(row))
    sql = f"""SELECT * FROM document_status WHERE document_id IN ({marks})
              ORDER BY document_id, annotator"""
    for row in _dicts(db, sql, document_ids):
        found[row["document_id"]][2].append(row)
    return found


_as_span_ref = partial(tuple.__new__, SpanRef)


def span_refs(db: Database, document_id: int, annotator: str) -> list[SpanRef]:
    """``(id, start, end, label)`` of one annotator's spans in text order: by start,
    longer first, then label and id (the order the window's span list keeps)."""
    sql = """SELECT id, start, "end", label FROM spans WHERE document_id = ? AND annotator = ?
             ORDER BY start, "end" DESC, label, id"""
    # tuple.__new__ makes each row a SpanRef in C (the rows have its four fields, in
    # its order): a third of the cost of SpanRef._make, for the 50,000 spans of a long
    # article.
    return list(map(_as_span_ref, db.execute(sql, [document_id, annotator])))


def find_span(
    db: Database, document_id: int, annotator: str, label: str, start: int, end: int
) -> dict[str, Any] | None:
    sql = """SELECT * FROM spans WHERE document_id = ? AND annotator = ? AND label = ?
             AND start = ? AND "end" = ?"""
    rows = list(_dicts(db, sql, [document_id, annotator, label, start, end]))
    return rows[0] if rows else None


def relations_of(db: Database, document_id: int, annotator: str | None = None) -> list[Relation]:
    where, args = "document_id = ?", [document_id]
    if annotator is not None:
        where += " AND annotator = ?"
        args.append(annotator)
    sql = f"SELECT * FROM relations WHERE {where} ORDER BY id"
    return [Relation.from_row(row) for row in _dicts(db, sql, args)]


def status_of(db: Database, document_id: int, annotator: str) -> dict[str, Any] | None:
    sql = "SELECT * FROM document_status WHERE document_id = ? AND annotator = ?"
    rows = list(_dicts(db, sql, [document_id, annotator]))
    return rows[0] if rows else None


def category_row(
    db: Database, document_id: int, annotator: str, label: str
) -> dict[str, Any] | None:
    sql = """SELECT * FROM document_categories
             WHERE document_id = ? AND annotator = ? AND label = ?"""
    rows = list(_dicts(db, sql, [document_id, annotator, label]))
    return rows[0] if rows else None


def categories_of(db: Database, document_id: int) -> list[Category]:
    """A document's categories (text classification), by annotator and label."""
    sql = """SELECT document_id, annotator, label, value, updated FROM document_categories
             WHERE document_id = ? ORDER BY annotator, label"""
    return [Category(*row) for row in db.execute(sql, [document_id])]


def has_categories(db: Database) -> bool:
    """Whether any document has a category (exports skip the look-up when none has)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM document_categories)").fetchone()[0] == 1


class StoredTokens(NamedTuple):
    tokenizer: str  # "spacy-<version>/<lang>/annotator-<rules>": annotator.text.tokenizer_name
    starts: bytes
    ends: bytes


def stored_tokens(db: Database, document_id: int) -> StoredTokens | None:
    """The token boundaries stored for a document, if any."""
    sql = "SELECT tokenizer, starts, ends FROM document_tokens WHERE document_id = ?"
    row = db.execute(sql, [document_id]).fetchone()
    return StoredTokens._make(row) if row else None


def stored_tokens_of_many(db: Database, document_ids: list[int]) -> dict[int, StoredTokens]:
    """The token boundaries stored for each of ``document_ids`` that has them."""
    found: dict[int, StoredTokens] = {}
    for first in range(0, len(document_ids), 500):
        chunk = document_ids[first : first + 500]
        sql = "SELECT document_id, tokenizer, starts, ends FROM document_tokens WHERE "
        for row in db.execute(sql + f"document_id IN ({','.join('?' * len(chunk))})", chunk):
            found[row[0]] = StoredTokens._make(row[1:])
    return found


def titles_of(db: Database, document_ids: list[int]) -> dict[int, str]:
    """The title of each of ``document_ids``, 500 ids a query."""
    return _pairs(db, "SELECT id, title FROM documents WHERE id IN ({})", document_ids)


def documents_without_bands(db: Database, first: int) -> list[int]:
    """The ids from ``first`` up of documents with no near-duplicate band keys."""
    sql = """SELECT id FROM documents d WHERE id >= ? AND NOT EXISTS
                 (SELECT 1 FROM document_band_keys b WHERE b.document_id = d.id) ORDER BY id"""
    return [row[0] for row in db.execute(sql, [first])]


def texts_of(db: Database, document_ids: list[int]) -> dict[int, str]:
    """The text of each of ``document_ids``, 500 ids a query."""
    sql = "SELECT document_id, text FROM document_texts WHERE document_id IN ({})"
    return _pairs(db, sql, document_ids)


def _pairs(db: Database, sql: str, keys: list[Any]) -> dict[Any, Any]:
    """The rows of ``sql`` (two columns; ``{}`` where the ``IN`` list of keys goes) as a
    dict, 500 keys a query (SQLite limits the parameters of one statement)."""
    found: dict[Any, Any] = {}
    for first in range(0, len(keys), 500):
        chunk = keys[first : first + 500]
        found.update(db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
    return found


def document_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def project_value(db: Database, key: str) -> str | None:
    rows = list(_dicts(db, "SELECT value FROM project WHERE key = ?", [key]))
    return rows[0]["value"] if rows else None


def statistics(db: Database) -> dict[str, Any]:
    """Counts for ``annotator stats``: documents, spans per label, per annotator."""
    documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    by_label = dict(
        db.execute("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label").fetchall()
    )
    annotators: dict[str, dict[str, Any]] = {}
    for row in _dicts(
        db,
        """SELECT annotator, label, count(*) AS n, count(DISTINCT document_id) AS docs
           FROM spans GROUP BY annotator, label ORDER BY annotator, label""",
    ):
        entry = annotators.setdefault(row["annotator"], {"spans": 0, "by_label": {}})
        entry["spans"] += row["n"]
        entry["by_label"][row["label"]] = row["n"]
    for row in _dicts(
        db,
        """SELECT annotator, count(DISTINCT document_id) AS docs FROM spans GROUP BY annotator""",
    ):
        annotators[row["annotator"]]["documents"] = row["docs"]
    for row in _dicts(
        db,
        "SELECT annotator, status, count(*) AS n FROM document_status GROUP BY annotator, status",
    ):
        entry = annotators.setdefault(row["annotator"], {"spans": 0, "by_label": {}})
        entry.setdefault("documents", 0)
        entry.setdefault("status", {})[row["status"]] = row["n"]
    relations = db.execute("SELECT count(*) FROM relations").fetchone()[0]
    categories = dict(
        db.execute(
            "SELECT label, count(*) FROM document_categories WHERE value >= 0.5 "
            "GROUP BY label ORDER BY label"
        ).fetchall()
    )
    return {
        "documents": documents,
        "spans": sum(by_label.values()),
        "spans_by_label": by_label,
        "relations": relations,
        "categories": categories,
        "annotators": annotators,
    }


def document_ids(db: Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id").fetchall()]


def annotation_counts(db: Database) -> dict[str, tuple[int, int]]:
    """``{annotator: (documents, spans)}``: how many documents each annotator has spans
    in, and how many spans, over the whole project."""
    sql = """SELECT annotator, count(DISTINCT document_id), count(*) FROM spans
             GROUP BY annotator ORDER BY annotator"""
    return {who: (documents, spans) for who, documents, spans in db.execute(sql)}


def statuses_of(db: Database, document_id: int) -> dict[str, str]:
    """``{annotator: status}`` for every annotator with a stored status on the document."""
    sql = "SELECT annotator, status FROM document_status WHERE document_id = ?"
    return dict(db.execute(sql, [document_id]).fetchall())


def find_relation(
    db: Database, head_id: int, child_id: int, label: str, annotator: str
) -> dict[str, Any] | None:
    sql = """SELECT * FROM relations WHERE head_id = ? AND child_id = ? AND label = ?
             AND annotator = ?"""
    rows = list(_dicts(db, sql, [head_id, child_id, label, annotator]))
    return rows[0] if rows else None


def status_counts(db: Database, annotator: str) -> dict[str, int]:
    """How many documents ``annotator`` has in each status (documents never touched: new)."""
    counts = dict(
        db.execute(
            "SELECT status, count(*) FROM document_status WHERE annotator = ? GROUP BY status",
            [annotator],
        ).fetchall()
    )
    total = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    counts["new"] = total - sum(v for k, v in counts.items() if k != "new")
    return counts


def span_keys(db: Database, document_id: int) -> set[tuple[str, str, int, int]]:
    """``(annotator, label, start, end)`` of every span of a document: the unique key."""
    sql = 'SELECT annotator, label, start, "end" FROM spans WHERE document_id = ?'
    return set(db.execute(sql, [document_id]).fetchall())


def span_ids_by_key(db: Database, document_id: int) -> dict[tuple[str, str, int, int], int]:
    """``{(annotator, label, start, end): id}`` for every span of a document."""
    sql = 'SELECT annotator, label, start, "end", id FROM spans WHERE document_id = ?'
    return {row[:4]: row[4] for row in db.execute(sql, [document_id])}


def relation_keys(db: Database, document_id: int) -> set[tuple[int, int, str, str]]:
    sql = "SELECT head_id, child_id, label, annotator FROM relations WHERE document_id = ?"
    return set(db.execute(sql, [document_id]).fetchall())


def document_ids_by_hashes(db: Database, hashes: list[str]) -> dict[str, int]:
    """``{sha256: id}`` for the given text hashes that are stored (in chunks of 500)."""
    return _pairs(db, "SELECT text_sha256, id FROM documents WHERE text_sha256 IN ({})", hashes)


def iter_documents(db: Database, ids: Iterable[int] | None = None):
    """Every document (or those in ``ids``) with its text, in id order, one at a time."""
    sql = "SELECT d.*, t.text FROM documents d JOIN document_texts t ON t.document_id = d.id"
    if ids is None:
        yield from _documents(db.execute(sql + " ORDER BY d.id"))
        return
    wanted = sorted(set(ids))
    for first in range(0, len(wanted), 500):  # the chosen ones only: never every text
        chunk = wanted[first : first + 500]
        marks = ",".join("?" * len(chunk))
        yield from _documents(db.execute(f"{sql} WHERE d.id IN ({marks}) ORDER BY d.id", chunk))


def _documents(cursor) -> Iterator[Document]:
    columns = [c[0] for c in cursor.description]
    for row in cursor:
        yield Document.from_row(dict(zip(columns, row, strict=True)))


def status_rows(db: Database, document_id: int) -> list[dict[str, Any]]:
    sql = "SELECT * FROM document_status WHERE document_id = ? ORDER BY annotator"
    return list(_dicts(db, sql, [document_id]))


def suggestion_ids(
    db: Database, document_ids: list[int]
) -> dict[tuple[int, str, int, int, str], int]:
    """``{(document_id, label, start, end, source): id}`` of the suggestions of documents."""
    found: dict[tuple[int, str, int, int, str], int] = {}
    for i in range(0, len(document_ids), 500):
        chunk = document_ids[i : i + 500]
        sql = f"""SELECT document_id, label, start, "end", source, id FROM suggestions
                  WHERE document_id IN ({",".join("?" * len(chunk))})"""
        for *key, ident in db.execute(sql, chunk):
            found[tuple(key)] = ident
    return found


def suggested_relations_of(db: Database, document_id: int) -> list[dict[str, Any]]:
    """The stored links between suggestions of a document, each with its ends' places
    (``head_label``, ``head_start``, ``head_end``, ``child_label``, …) and statuses."""
    sql = """
    SELECT r.*, h.label AS head_label, h.start AS head_start, h."end" AS head_end,
           h.status AS head_status, c.label AS child_label, c.start AS child_start,
           c."end" AS child_end, c.status AS child_status
    FROM suggested_relations r
    JOIN suggestions h ON h.id = r.head_id
    JOIN suggestions c ON c.id = r.child_id
    WHERE r.document_id = ? ORDER BY r.id"""
    return list(_dicts(db, sql, [document_id]))


def suggestions_of(db: Database, document_id: int) -> list[dict[str, Any]]:
    sql = """SELECT * FROM suggestions WHERE document_id = ?
             ORDER BY start, "end" DESC, label, source"""
    return list(_dicts(db, sql, [document_id]))


def rows_depending_on_span(db: Database, span_id: int) -> list[tuple[str, dict[str, Any]]]:
    """``(table, row)`` of everything a span's deletion takes with it (cascades)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for table, where in (
        ("relations", "head_id = :id OR child_id = :id"),
        ("claim_matches", "main_span_id = :id OR other_span_id = :id"),
        ("evidence", "span_id = :id"),
        ("claim_records", "span_id = :id"),
    ):
        sql = f"SELECT * FROM {table} WHERE {where} ORDER BY rowid"
        found += [(table, row) for row in _dicts(db, sql, {"id": span_id})]
    return found


def links_of_span(db: Database, span_id: int) -> list[dict[str, Any]]:
    """The relation rows with ``span_id`` at one end, each with its ends' labels and
    texts (``head_label``, ``child_label``, ``head_text``, ``child_text``)."""
    sql = """
    SELECT r.*, h.label AS head_label, c.label AS child_label,
           substr(t.text, h.start + 1, h."end" - h.start) AS head_text,
           substr(t.text, c.start + 1, c."end" - c.start) AS child_text
    FROM relations r
    JOIN spans h ON h.id = r.head_id
    JOIN spans c ON c.id = r.child_id
    JOIN document_texts t ON t.document_id = r.document_id
    WHERE r.head_id = :id OR r.child_id = :id
    ORDER BY r.id"""
    return list(_dicts(db, sql, {"id": span_id}))


_MAINS = """
SELECT other_span_id, main_span_id FROM claim_matches WHERE state = 'confirmed' {match}
UNION ALL
SELECT r.child_id, r.head_id FROM relations r
JOIN spans h ON h.id = r.head_id AND h.label = 'claim'
JOIN spans c ON c.id = r.child_id AND c.label = 'claim'
WHERE r.label = 'same_claim' {link}
"""


def confirmed_main(db: Database, span_id: int) -> int | None:
    """The main claim of ``span_id``: the main side of a confirmed match, else the head of
    a ``same_claim`` link whose child it is."""
    sql = _MAINS.format(match="AND other_span_id = :id", link="AND r.child_id = :id")
    row = db.execute(sql + " LIMIT 1", {"id": span_id}).fetchone()
    return row[1] if row else None


def claim_mains(db: Database) -> dict[int, int]:
    """``{claim: its main claim}`` for every claim that has one (see :func:`confirmed_main`)."""
    mains: dict[int, int] = {}
    for other, main in db.execute(_MAINS.format(match="", link="")).fetchall():
        mains.setdefault(other, main)
    return mains


def suggested_matches(db: Database) -> list[dict[str, Any]]:
    """Claim pairs waiting for a person's decision, most similar first."""
    sql = "SELECT * FROM claim_matches WHERE state = 'suggested' ORDER BY similarity DESC, id"
    return list(_dicts(db, sql))


def match_row(db: Database, main: int, other: int) -> dict[str, Any] | None:
    rows = list(
        _dicts(
            db,
            "SELECT * FROM claim_matches WHERE main_span_id = ? AND other_span_id = ?",
            [main, other],
        )
    )
    return rows[0] if rows else None


def evidence_of(db: Database, span_id: int) -> list[dict[str, Any]]:
    return list(_dicts(db, "SELECT * FROM evidence WHERE span_id = ? ORDER BY id", [span_id]))


def claim_texts(db: Database) -> list[tuple[int, int, str]]:
    """``(span id, document id, text)`` of every claim span, by id."""
    sql = """SELECT s.id, s.document_id, substr(t.text, s.start + 1, s."end" - s.start)
             FROM spans s JOIN document_texts t ON t.document_id = s.document_id
             WHERE s.label = 'claim' ORDER BY s.id"""
    return db.execute(sql).fetchall()


def matched_pairs(db: Database) -> set[tuple[int, int]]:
    """Claim pairs already matched in any state, both ways round."""
    rows = db.execute("SELECT main_span_id, other_span_id FROM claim_matches").fetchall()
    return {pair for a, b in rows for pair in ((a, b), (b, a))}


def claim_events(db: Database, document_id: int, span_id: int) -> list[dict[str, Any]]:
    """Events of ``document_id`` that touched the claim record or evidence of ``span_id``,
    oldest first (``at``, ``annotator``, ``description``, ``rows``)."""
    return list(
        _dicts(
            db,
            """
            SELECT at, annotator, description, rows FROM events
            WHERE document_id = :doc AND EXISTS (
                SELECT 1 FROM json_each(events.rows) AS r
                WHERE json_extract(r.value, '$.table') IN ('claim_records', 'evidence')
                  AND coalesce(json_extract(r.value, '$.after.span_id'),
                               json_extract(r.value, '$.before.span_id')) = :span)
            ORDER BY id
            """,
            {"doc": document_id, "span": span_id},
        )
    )


def annotator_names(db: Database) -> list[str]:
    """Everyone who has worked in the project, layers such as ``gold`` included."""
    return [row[0] for row in db.execute("SELECT name FROM annotators ORDER BY name")]


def documents_of_spans(db: Database, span_ids: set[int]) -> set[int]:
    """The documents the spans ``span_ids`` belong to (spans that no longer exist skipped)."""
    if not span_ids:
        return set()
    marks = ", ".join("?" * len(span_ids))
    sql = f"SELECT DISTINCT document_id FROM spans WHERE id IN ({marks})"
    return {row[0] for row in db.execute(sql, sorted(span_ids)).fetchall()}


def document_urls(db: Database) -> dict[int, str]:
    """``{document id: its meta url}`` for documents that have one."""
    rows = db.execute("SELECT id, json_extract(meta, '$.url') FROM documents").fetchall()
    return {i: url for i, url in rows if url}


def pattern_rows(db: Database) -> list[dict[str, Any]]:
    return list(_dicts(db, "SELECT * FROM patterns ORDER BY id"))


def pattern_row(db: Database, label: str, pattern: str) -> dict[str, Any] | None:
    rows = list(
        _dicts(db, "SELECT * FROM patterns WHERE label = ? AND pattern = ?", [label, pattern])
    )
    return rows[0] if rows else None


def closed_suggestion_places(db: Database, document_id: int) -> set[tuple[str, int, int]]:
    """``(label, start, end)`` of suggestions a person accepted or rejected in a document,
    from any source: they are not proposed again."""
    sql = """SELECT label, start, "end" FROM suggestions
             WHERE document_id = ? AND status != 'open'"""
    return {tuple(row) for row in db.execute(sql, [document_id]).fetchall()}


def suggestion_row(
    db: Database, document_id: int, place: tuple[str, int, int], source: str
) -> dict[str, Any] | None:
    label, start, end = place
    rows = list(
        _dicts(
            db,
            """SELECT * FROM suggestions WHERE document_id = ? AND label = ? AND start = ?
               AND "end" = ? AND source = ?""",
            [document_id, label, start, end, source],
        )
    )
    return rows[0] if rows else None


def actor_texts(db: Database) -> list[str]:
    """The distinct texts annotated as actors in the project (any layer), spacing
    normalised."""
    sql = """SELECT DISTINCT substr(t.text, s.start + 1, s."end" - s.start)
             FROM spans s JOIN document_texts t ON t.document_id = s.document_id
             WHERE s.label = 'actor'"""
    names = {" ".join(row[0].split()) for row in db.execute(sql).fetchall()}
    return sorted(name for name in names if name)


def uncertainties(db: Database) -> dict[int, float]:
    """``{document id: uncertainty}`` for documents a model scored."""
    sql = "SELECT document_id, uncertainty FROM document_uncertainty"
    return dict(db.execute(sql).fetchall())


def annotated_places(
    db: Database, document_id: int, annotator: str, places: set[tuple[str, int, int]]
) -> set[tuple[str, int, int]]:
    """Which of ``places`` (label, start, end) are spans of ``annotator`` in a document;
    reads only spans starting where one of them starts (a 5 MB article has 50,000)."""
    starts = sorted({start for _, start, _ in places})
    found: set[tuple[str, int, int]] = set()
    for i in range(0, len(starts), 500):
        chunk = starts[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"""SELECT label, start, "end" FROM spans
                  WHERE document_id = ? AND annotator = ? AND start IN ({marks})"""
        found |= {tuple(row) for row in db.execute(sql, [document_id, annotator, *chunk])}
    return found & places


DANGLING_CHECKED = ("spans", "relations", "document_status", "claim_records", "evidence")
"""Tables whose rows an export reads through a reference (to a document or a span)."""


def dangling_rows(db: Database) -> dict[str, int]:
    """How many rows of each table in :data:`DANGLING_CHECKED` refer to a row that is
    gone (a foreign key broken in a tampered file); such rows cannot be exported."""
    counts: dict[str, int] = {}
    for table in DANGLING_CHECKED:
        for row in db.execute(f'PRAGMA foreign_key_check("{table}")'):
            counts[row[0]] = counts.get(row[0], 0) + 1
    return counts


def claim_records_by_span(db: Database) -> dict[int, dict[str, Any]]:
    """``{span id: its claim record row}`` for every claim record."""
    return {row["span_id"]: row for row in _dicts(db, "SELECT * FROM claim_records")}


def evidence_counts(db: Database) -> dict[int, int]:
    """``{claim span id: how many evidence items it has}`` (claims without any left out)."""
    return dict(db.execute("SELECT span_id, count(*) FROM evidence GROUP BY span_id").fetchall())


def documents_with_label(db: Database, label: str) -> list[int]:
    """Ids of the documents holding a span labelled ``label``, in id order."""
    sql = "SELECT DISTINCT document_id FROM spans WHERE label = ? ORDER BY document_id"
    return [row[0] for row in db.execute(sql, [label])]


def near_duplicate_pairs(db: Database) -> list[dict[str, Any]]:
    """Pairs of near-duplicate documents with their titles, most similar first: rows of
    ``document_id``, ``title``, ``other_id``, ``other_title`` and ``similarity``."""
    sql = """SELECT n.document_id, a.title, n.other_id, b.title AS other_title, n.similarity
             FROM near_duplicates n JOIN documents a ON a.id = n.document_id
             JOIN documents b ON b.id = n.other_id ORDER BY n.similarity DESC"""
    return list(_dicts(db, sql))


def data_version(db: Database) -> int:
    """SQLite's ``data_version``: changes when another connection commits to the file.

    :raises sqlite3.Error: the file is gone or unreadable.
    """
    return db.execute("PRAGMA data_version").fetchone()[0]


def definition_attributes(db: Database, table: str, name: str) -> list[dict[str, Any]]:
    """The attribute definitions stored for label or link type ``name`` (``table``:
    ``labels`` or ``relation_types``); ``[]`` when there is no such definition."""
    row = db.execute(f'SELECT attributes FROM "{table}" WHERE name = ?', [name]).fetchone()
    return loads_json(row[0]) if row else []


def span_versions(db: Database, document_id: int) -> dict[tuple, tuple]:
    """A document's spans by ``(annotator, label, start, end)``: each one's ``(id,
    attributes as stored, note, origin, updated)`` (what an import compares a record's
    span with)."""
    sql = """SELECT annotator, label, start, "end", id, attributes, note, origin, updated
             FROM spans WHERE document_id = ?"""
    return {row[:4]: row[4:] for row in db.execute(sql, [document_id])}


def relation_version(
    db: Database, head_id: int, child_id: int, label: str, annotator: str
) -> tuple[int, str, str] | None:
    """``(id, attributes as stored, updated)`` of the link ``label`` from ``head_id`` to
    ``child_id`` by ``annotator``, if there is one."""
    sql = """SELECT id, attributes, updated FROM relations
             WHERE head_id = ? AND child_id = ? AND label = ? AND annotator = ?"""
    return db.execute(sql, [head_id, child_id, label, annotator]).fetchone()


def document_note(db: Database, document_id: int) -> str | None:
    """The note of a document (``None``: no such document)."""
    row = db.execute("SELECT note FROM documents WHERE id = ?", [document_id]).fetchone()
    return row[0] if row else None
