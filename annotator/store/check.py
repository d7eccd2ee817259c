"""``annotator check``: is the file sound, and does every stored fact still hold?"""

from __future__ import annotations

import hashlib

from sqlite_utils import Database


def check_database(db: Database) -> tuple[list[str], dict[str, int]]:
    """Problems found (empty when all is well) and what was checked.

    Runs SQLite's integrity and foreign-key checks, recomputes every text's SHA-256 and
    length, and checks every span's bounds and every link's document.
    """
    problems = [
        f"SQLite integrity check: {row[0]}"
        for row in db.execute("PRAGMA integrity_check").fetchall()
        if row[0] != "ok"
    ]
    problems += [
        f"foreign key: {table} row {rowid} refers to a missing {parent} row"
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall()
    ]
    documents = 0
    sql = """SELECT d.id, d.length, d.text_sha256, t.text FROM documents d
             LEFT JOIN document_texts t ON t.document_id = d.id"""
    for document_id, length, sha, text in db.execute(sql):
        documents += 1
        if text is None:
            problems.append(f"document {document_id}: its text is missing")
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
            problems.append(f"document {document_id}: the text no longer matches its SHA-256")
        if len(text) != length:
            problems.append(f"document {document_id}: stored length {length} != {len(text)}")
    bad_spans = db.execute(
        """SELECT s.id, s.document_id, s.start, s."end", d.length FROM spans s
           JOIN documents d ON d.id = s.document_id
           WHERE s.start < 0 OR s."end" <= s.start OR s."end" > d.length"""
    ).fetchall()
    problems += [
        f"span {span_id} of document {doc}: [{start}, {end}) is outside the text (0 to {length})"
        for span_id, doc, start, end, length in bad_spans
    ]
    bad_links = db.execute(
        """SELECT r.id FROM relations r JOIN spans h ON h.id = r.head_id
           JOIN spans c ON c.id = r.child_id
           WHERE h.document_id != r.document_id OR c.document_id != r.document_id"""
    ).fetchall()
    problems += [f"link {row[0]} joins spans of different documents" for row in bad_links]
    counts = {
        "documents": documents,
        "spans": db.execute("SELECT count(*) FROM spans").fetchone()[0],
        "relations": db.execute("SELECT count(*) FROM relations").fetchone()[0],
    }
    return problems, counts
