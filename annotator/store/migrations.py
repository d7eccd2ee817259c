"""Every schema change, in order, through sqlite-utils ``Migrations``.

Never edit a migration that has shipped: add a new one. ``open_project`` backs the file
up before applying any pending migration to an existing project, and refuses a file
that has migrations this code does not know (written by a newer Annotator).
"""

from __future__ import annotations

from annotator.store.lean import Database, Migrations

migrations = Migrations("annotator")

# Offsets are code points. ``documents.length`` is Python's len(text), stored at import:
# SQLite's length() stops at the first NUL character, so the bounds triggers use the column.
# Shipped migrations never change: a new need is a new migration.
_INITIAL_SCHEMA = """
CREATE TABLE project (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE annotators (
    name TEXT PRIMARY KEY CHECK (length(name) > 0),
    created TEXT NOT NULL
);

CREATE TABLE labels (
    name TEXT PRIMARY KEY CHECK (length(name) > 0),
    colour TEXT NOT NULL,
    keys TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0
);

-- head_label / child_label name a label, or '*' for any (relation types that came with
-- imported data and link several pairs of labels).
CREATE TABLE relation_types (
    name TEXT PRIMARY KEY CHECK (length(name) > 0),
    head_label TEXT NOT NULL,
    child_label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0
);

-- Document metadata; the text itself lives in document_texts so that reading or
-- updating a document's row (its note, its length in the span triggers) never touches
-- a multi-megabyte text, and an event recording a note edit stays small.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length >= 0),
    text_sha256 TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL DEFAULT 'en',
    meta TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);

CREATE TABLE document_texts (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL
);

CREATE TRIGGER document_texts_are_immutable
BEFORE UPDATE ON document_texts
BEGIN
    SELECT RAISE(ABORT, 'document text cannot be changed once stored');
END;

CREATE TRIGGER documents_identity_is_immutable
BEFORE UPDATE OF length, text_sha256 ON documents
WHEN NEW.length IS NOT OLD.length OR NEW.text_sha256 IS NOT OLD.text_sha256
BEGIN
    SELECT RAISE(ABORT, 'document text cannot be changed once stored');
END;

-- Token boundaries computed at import (int32 little-endian starts and ends), so
-- export and snapping need no re-tokenisation; ``tokenizer`` names the rules used.
CREATE TABLE document_tokens (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    tokenizer TEXT NOT NULL,
    starts BLOB NOT NULL,
    ends BLOB NOT NULL
);

-- ``answer`` keeps a Prodigy-style verdict that came with imported data (accept, reject,
-- ignore); layers answered reject or ignore stay out of training exports by default.
CREATE TABLE document_status (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
    answer TEXT CHECK (answer IN ('accept', 'reject', 'ignore')),
    updated TEXT NOT NULL,
    PRIMARY KEY (document_id, annotator)
);

CREATE TABLE spans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
    origin TEXT NOT NULL DEFAULT 'manual',
    attributes TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    CHECK ("end" > start),
    UNIQUE (document_id, annotator, label, start, "end")
);
CREATE INDEX spans_by_document ON spans (document_id, start);

CREATE TRIGGER spans_within_text_insert
BEFORE INSERT ON spans
WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'span ends after the end of the document text');
END;

CREATE TRIGGER spans_within_text_update
BEFORE UPDATE OF start, "end", document_id ON spans
WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'span ends after the end of the document text');
END;

CREATE TABLE relations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    head_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    label TEXT NOT NULL REFERENCES relation_types(name) ON UPDATE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
    attributes TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    CHECK (head_id != child_id),
    UNIQUE (head_id, child_id, label, annotator)
);
CREATE INDEX relations_by_document ON relations (document_id);
CREATE INDEX relations_by_child ON relations (child_id);

CREATE TRIGGER relations_within_one_document
BEFORE INSERT ON relations
WHEN (SELECT document_id FROM spans WHERE id = NEW.head_id) IS NOT NEW.document_id
  OR (SELECT document_id FROM spans WHERE id = NEW.child_id) IS NOT NEW.document_id
BEGIN
    SELECT RAISE(ABORT, 'a relation links two spans of its own document');
END;

-- Suggestions (from patterns, models, or predictions in imported files) are not
-- annotations: accepting one creates a span; a rejected one is kept so it is not offered
-- again for that document.
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    source TEXT NOT NULL,
    score REAL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    created TEXT NOT NULL,
    CHECK ("end" > start),
    UNIQUE (document_id, label, start, "end", source)
);
CREATE INDEX suggestions_by_document ON suggestions (document_id, status);

-- The audit trail: every change with who, when, and the rows before and after.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    annotator TEXT NOT NULL,
    op TEXT NOT NULL,
    description TEXT NOT NULL,
    document_id INTEGER,
    rows TEXT NOT NULL
);
CREATE INDEX events_by_document ON events (document_id);
"""


@migrations()
def m001_initial(db: Database) -> None:
    # executescript() would COMMIT the migration's transaction, so run statement by
    # statement inside it (sqlite-utils does the same when a transaction is open).
    db.executescript(_INITIAL_SCHEMA)


_CLAIM_RECORDS = """
-- The fact-checker's record of a claim span: one row per claim span.
CREATE TABLE claim_records (
    span_id INTEGER PRIMARY KEY REFERENCES spans(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'unstarted',
    normalized TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL DEFAULT '',
    assignee TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE INDEX claim_records_by_status ON claim_records (status);

-- Evidence for or against a claim: a URL or a local file, a quotation, a stance.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    location TEXT NOT NULL,
    quote TEXT NOT NULL DEFAULT '',
    stance TEXT NOT NULL CHECK (stance IN ('supports', 'refutes', 'context')),
    retrieved TEXT NOT NULL DEFAULT '',
    annotator TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX evidence_by_span ON evidence (span_id);
"""


@migrations()
def m002_claim_records(db: Database) -> None:
    db.executescript(_CLAIM_RECORDS)


_MERGED_HISTORY = """
-- History merged in from another project keeps where it came from: the project's uuid
-- and the event's id there. Merging the same file twice adds nothing.
ALTER TABLE events ADD COLUMN origin TEXT;
ALTER TABLE events ADD COLUMN origin_id INTEGER;
CREATE UNIQUE INDEX events_by_origin ON events (origin, origin_id) WHERE origin IS NOT NULL;
"""


@migrations()
def m003_merged_history(db: Database) -> None:
    db.executescript(_MERGED_HISTORY)


_FACT_CHECKING = """
-- The same claim in two places (two articles, or twice in one): suggested by similarity,
-- confirmed or rejected by a person. A confirmed match shares the main claim's record.
CREATE TABLE claim_matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    main_span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    other_span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'suggested' CHECK (state IN ('suggested', 'confirmed', 'rejected')),
    annotator TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    CHECK (main_span_id != other_span_id),
    UNIQUE (main_span_id, other_span_id)
);
CREATE INDEX claim_matches_by_other ON claim_matches (other_span_id);

-- Documents that are almost the same text (flagged on import).
CREATE TABLE near_duplicates (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    PRIMARY KEY (document_id, other_id)
);

-- MinHash bands of each document's word shingles: documents sharing a band are candidates.
CREATE TABLE document_bands (
    band INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, document_id)
) WITHOUT ROWID;
CREATE INDEX document_bands_by_document ON document_bands (document_id);

-- What full-text search looks in besides the article texts (indexed in place, see
-- below): one row per article title, claim (with its record and evidence) and note,
-- rebuilt for what an edit touches (annotator.store.search_index).
CREATE TABLE search_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    span_id INTEGER,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX search_items_by_document ON search_items (document_id);
"""


@migrations()
def m004_fact_checking(db: Database) -> None:
    db.executescript(_FACT_CHECKING)
    tokenize = "unicode61 remove_diacritics 2"
    # Article texts are indexed where they are (external content, no copy): texts never
    # change, so the insert trigger is all the upkeep they need.
    db["document_texts"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)
    db["search_items"].enable_fts(["title", "body"], create_triggers=True, tokenize=tokenize)
    from annotator.store.search_index import reindex_documents

    reindex_documents(db, [row[0] for row in db.execute("SELECT id FROM documents")], titles=True)


_MODEL_ASSISTANCE = """
-- Patterns a project adds to the shipped ones (resources/patterns), and shipped ones it
-- switched off (enabled = 0). ``pattern`` is JSON: a phrase or a list of token patterns.
CREATE TABLE patterns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    pattern TEXT NOT NULL,
    pattern_set TEXT NOT NULL DEFAULT 'project',
    ident TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    annotator TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    UNIQUE (label, pattern)
);

-- How unsure a model was about each document, for triage: 0 sure, 1 a coin toss.
CREATE TABLE document_uncertainty (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    uncertainty REAL NOT NULL,
    updated TEXT NOT NULL
);

-- A rejected suggestion is looked up by its place, whatever suggested it.
CREATE INDEX suggestions_by_place ON suggestions (document_id, label, start, "end");
"""


@migrations()
def m005_model_assistance(db: Database) -> None:
    db.executescript(_MODEL_ASSISTANCE)


_DOCUMENT_CATEGORIES = """
-- Text classification: a category of a whole document, per annotator, with a value
-- between 0 and 1 (1 applies, 0 does not; spaCy's doc.cats may hold scores between).
-- Category names are not span labels: they live here only.
CREATE TABLE document_categories (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
    label TEXT NOT NULL CHECK (length(label) > 0),
    value REAL NOT NULL CHECK (value >= 0 AND value <= 1),
    updated TEXT NOT NULL,
    PRIMARY KEY (document_id, annotator, label)
);
"""


@migrations()
def m006_document_categories(db: Database) -> None:
    db.executescript(_DOCUMENT_CATEGORIES)


_SUGGESTED_RELATIONS = """
-- Links between suggested spans (an attribution structure: claim -> source with its cue,
-- stance and quote; hedge -> claim; source -> earlier source), with the same open /
-- accepted / rejected life as suggestions. ``attributes`` is JSON.
CREATE TABLE suggested_relations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    head_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    source TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    created TEXT NOT NULL,
    CHECK (head_id != child_id),
    UNIQUE (head_id, child_id, label, source)
);
CREATE INDEX suggested_relations_by_document ON suggested_relations (document_id);
CREATE INDEX suggested_relations_by_child ON suggested_relations (child_id);
"""


@migrations()
def m007_suggested_relations(db: Database) -> None:
    db.executescript(_SUGGESTED_RELATIONS)


_BAND_KEYS = """
-- Each document's band keys, one JSON array of BANDS hashes (the band is the position);
-- deleting a document deletes them, and this trigger deletes its rows of document_bands
-- by their primary key. document_bands itself has no foreign key and no index by
-- document: checking a parent and keeping a second index for each of 20 rows per
-- document cost twice as much as the rows themselves in an import or a merge.
DROP TABLE document_bands;
CREATE TABLE document_band_keys (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    keys TEXT NOT NULL
);
CREATE TABLE document_bands (
    band INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    PRIMARY KEY (band, hash, document_id)
) WITHOUT ROWID;
CREATE TRIGGER document_band_keys_ad AFTER DELETE ON document_band_keys BEGIN
    DELETE FROM document_bands WHERE document_id = old.document_id
        AND (band, hash) IN (SELECT key, value FROM json_each(old.keys));
END;
-- The bands are derived: they are made again, in the new layout, by the next import.
DELETE FROM project WHERE key = 'near_duplicate_scheme';
"""


@migrations()
def m008_band_keys(db: Database) -> None:
    db.executescript(_BAND_KEYS)


def known_migration_names() -> list[str]:
    """The migrations this code knows, oldest first; the last one is the current version."""
    return [m.name for m in migrations.pending(Database(memory=True))]
