"""What a project file stores: every table declared once, as user data, derived or system.

**User data** is what people made: it is carried, complete, by the native JSONL export and
import, by merge and by backup. **Derived** data is rebuilt from user data (search
indexes, near-duplicate bands, the token cache, model uncertainty). **System** tables are
SQLite's and sqlite-utils' own bookkeeping. A test lists ``sqlite_master`` and fails when a
table, or a column of a user table, is not declared here; the round-trip tests compare
:func:`annotator.store.portable.user_state`, which is built from these declarations, so a
column declared as carried that an export forgets fails them.

Rows refer to each other by local integer ids that mean nothing in another file. Each
user table therefore declares its *natural key* (what identifies a row across files: a
document by the SHA-256 of its text, a span by its document, annotator, label and
offsets, ...) and which columns hold ids of which table (``references``); the portable
form replaces ids by natural keys (:mod:`annotator.store.portable`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

USER = "user"
DERIVED = "derived"
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class UserTable:
    """A table of user data.

    ``own_id``: the column holding the row's local id (``None`` when the key is natural).
    ``references``: columns holding the local id of a row of another table.
    ``natural_key``: the columns that identify a row in any project (references in it are
    themselves replaced by the natural key of the row they point to).
    ``carried``: every other column, carried as it is stored.
    """

    name: str
    natural_key: tuple[str, ...]
    carried: tuple[str, ...]
    own_id: str | None = None
    references: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> set[str]:
        own = {self.own_id} if self.own_id else set()
        return own | set(self.references) | set(self.natural_key) | set(self.carried)


_DOC = {"document_id": "documents"}

USER_TABLES: dict[str, UserTable] = {
    t.name: t
    for t in (
        UserTable("project", ("key",), ("value",)),
        UserTable("annotators", ("name",), ("created",)),
        UserTable("labels", ("name",), ("colour", "keys", "description", "attributes", "position")),
        UserTable(
            "relation_types",
            ("name",),
            ("head_label", "child_label", "description", "attributes", "position"),
        ),
        UserTable(
            "documents",
            ("text_sha256",),
            ("title", "length", "lang", "meta", "note", "created"),
            own_id="id",
        ),
        UserTable("document_texts", ("document_id",), ("text",), references=_DOC),
        UserTable(
            "document_status",
            ("document_id", "annotator"),
            ("status", "answer", "updated"),
            references=_DOC,
        ),
        UserTable(
            "document_categories",
            ("document_id", "annotator", "label"),
            ("value", "updated"),
            references=_DOC,
        ),
        UserTable(
            "spans",
            ("document_id", "annotator", "label", "start", "end"),
            ("origin", "attributes", "note", "created", "updated"),
            own_id="id",
            references=_DOC,
        ),
        UserTable(
            "relations",
            ("head_id", "child_id", "label", "annotator"),
            ("attributes", "created", "updated"),
            own_id="id",
            references={**_DOC, "head_id": "spans", "child_id": "spans"},
        ),
        UserTable(
            "suggestions",
            ("document_id", "label", "start", "end", "source"),
            ("score", "status", "created"),
            own_id="id",
            references=_DOC,
        ),
        UserTable(
            "suggested_relations",
            ("head_id", "child_id", "label", "source"),
            ("attributes", "status", "created"),
            own_id="id",
            references={**_DOC, "head_id": "suggestions", "child_id": "suggestions"},
        ),
        UserTable(
            "claim_records",
            ("span_id",),
            ("status", "normalized", "verdict", "rating", "assignee", "updated"),
            references={"span_id": "spans"},
        ),
        UserTable(
            "evidence",
            # No unique constraint: an item is what it says, by whom and when.
            ("span_id", "location", "quote", "stance", "retrieved", "annotator", "created"),
            (),
            own_id="id",
            references={"span_id": "spans"},
        ),
        UserTable(
            "claim_matches",
            ("main_span_id", "other_span_id"),
            ("similarity", "state", "annotator", "updated"),
            own_id="id",
            references={"main_span_id": "spans", "other_span_id": "spans"},
        ),
        UserTable(
            "patterns",
            ("label", "pattern"),
            ("pattern_set", "ident", "enabled", "annotator", "created"),
            own_id="id",
        ),
        UserTable(
            # The history. Events merged in from another project keep where they came
            # from (``origin`` = its uuid, ``origin_id`` = the event's id there); the
            # project's own events have none, and carry this project's uuid and their id.
            "events",
            ("origin", "origin_id"),
            ("at", "annotator", "op", "description", "rows"),
            own_id="id",
            references=_DOC,
        ),
    )
}

DERIVED_TABLES: dict[str, str] = {
    "document_tokens": "token boundaries, recomputed from the text at import",
    "document_uncertainty": "how unsure a model was; rebuilt by `annotator suggest --model`",
    "near_duplicates": "near-duplicate articles, flagged again at import",
    "document_bands": "MinHash bands of each text, for near-duplicate detection",
    "document_band_keys": "each text's MinHash band keys, for deleting its bands",
    "search_items": "what full-text search looks in besides texts, rebuilt from user data",
}
DERIVED_PREFIXES = ("document_texts_fts", "search_items_fts")
"""FTS5 indexes and their shadow tables."""

SYSTEM_TABLES = ("_sqlite_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4")

REFERENCES: dict[str, dict[str, str]] = {
    **{name: dict(t.references) for name, t in USER_TABLES.items()},
    "document_tokens": _DOC,
    "document_uncertainty": _DOC,
    "near_duplicates": {**_DOC, "other_id": "documents"},
    "document_bands": _DOC,
    "document_band_keys": _DOC,
    "search_items": {**_DOC, "span_id": "spans"},
}
"""Id columns of every table, user or derived (derived rows appear in change history)."""

# Keys of the ``project`` table. Settings are user data; the others belong to one file.
PROJECT_SETTINGS = (
    "default_lang",  # language of documents that do not say
    "claim_statuses",  # the project's own claim statuses (JSON list)
    "publisher",  # ClaimReview: the fact-checking organisation
    "review_url",  # ClaimReview: address of the reviews, {id} for the claim
    "model_path",  # the trained model the window suggests with
    "ner_model",  # the installed spaCy pipeline suggesting actors
    "dataset_license",  # the Hugging Face dataset export: the licence of the data
)
PROJECT_LOCAL = {
    "uuid": "this file's identity: merges record where history came from",
    "created": "when this file was created",
    "sample_offered": "whether this file's first window offered the sample article",
    "near_duplicate_scheme": "the version of the near-duplicate bands (derived)",
}

LOCAL_EVENT_OPS = ("import", "merge")
"""Events that record how this file got its content (imports and merges: the report of
what came in). A native export *is* that content, so they are not carried."""


def kind_of(table: str) -> str | None:
    """``user``, ``derived`` or ``system`` for a table name; ``None`` if undeclared."""
    if table in USER_TABLES:
        return USER
    if table in DERIVED_TABLES or table.startswith(DERIVED_PREFIXES):
        return DERIVED
    if table in SYSTEM_TABLES:
        return SYSTEM
    return None
