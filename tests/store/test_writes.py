"""The store's own writes (settings, annotators, the token cache) replace or keep rows
as they say."""

from __future__ import annotations

from annotator.store import queries, writes


def test_set_project_values_adds_and_replaces(project):
    with project.transact(""):
        writes.set_project_values(project.db, {"colour_scheme": "dark", "default_lang": "de"})
    with project.transact(""):
        writes.set_project_values(project.db, {"colour_scheme": "light"})
    values = queries.project_values(project.db, ("colour_scheme", "default_lang"))
    assert values == {"colour_scheme": "light", "default_lang": "de"}


def test_register_annotators_keeps_those_known(project):
    with project.transact(""):
        writes.register_annotators(project.db, ["carol"], "2026-01-01T00:00:00.000+00:00")
    with project.transact(""):
        writes.register_annotators(project.db, ["carol", "dan"], "2026-02-02T00:00:00.000+00:00")
    created = dict(project.db.execute("SELECT name, created FROM annotators").fetchall())
    assert created["carol"].startswith("2026-01-01")
    assert created["dan"].startswith("2026-02-02")


def test_store_tokens_replaces_a_documents_tokens(project, sample_doc):
    with project.transact(""):
        writes.store_tokens(project.db, sample_doc, "rules-a", b"\0\0\0\0", b"\3\0\0\0")
    with project.transact(""):
        writes.store_tokens(project.db, sample_doc, "rules-b", b"\0\0\0\0", b"\5\0\0\0")
    stored = queries.stored_tokens(project.db, sample_doc)
    assert (stored.tokenizer, stored.ends) == ("rules-b", b"\5\0\0\0")
