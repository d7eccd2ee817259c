"""Near-duplicate documents are flagged on import (MinHash bands, then exact Jaccard)."""

from __future__ import annotations

import numpy as np

from annotator.core.ingest import import_documents
from annotator.core.samples import sample_text
from annotator.model.imports import DocumentIn
from annotator.services.duplicates import near_duplicates
from annotator.store.bands import SCHEME, jaccard, shingles


def _doc(text, title):
    return DocumentIn(text=text, title=title, where=title)


def test_a_lightly_edited_copy_is_flagged_on_import(project):
    original = sample_text()
    edited = original.replace("on Tuesday", "on Wednesday", 1) + "\nUpdated with a correction."
    unrelated = "The harvest festival drew crowds to the valley. " * 30
    import_documents(project, [_doc(original, "wire"), _doc(unrelated, "festival")])
    report = import_documents(project, [_doc(edited, "wire, updated")])
    (new_id, other, similarity) = report.near_duplicates[0]
    titles = {d.id: d.title for d in project.documents()}
    assert (titles[new_id], titles[other]) == ("wire, updated", "wire")
    assert similarity > 0.9
    assert any("almost the same text" in note for note in report.notes)
    assert [(r["title"], r["other_title"]) for r in near_duplicates(project)] == [
        ("wire, updated", "wire")
    ]


def test_different_articles_are_not_flagged(project):
    first = "Kim said troops would arrive in the spring, officials in Seoul added on Monday. " * 5
    second = (
        "Farmers in the valley expect a late harvest after weeks of heavy rain this autumn. " * 5
    )
    report = import_documents(project, [_doc(first, "a"), _doc(second, "b")])
    assert report.near_duplicates == []


def test_jaccard_of_shingles():
    a = shingles("one two three four five six seven")
    b = shingles("one two three four five six eight")
    assert 0 < jaccard(a, b) < 1
    assert jaccard(a, a) == 1.0
    assert isinstance(a, np.ndarray)


def test_copies_imported_together_are_flagged(project):
    original = sample_text()
    edited = original.replace("Specialists", "Experts", 1)
    report = import_documents(project, [_doc(original, "a"), _doc(edited, "b")])
    assert [(n, o) for n, o, _ in report.near_duplicates] == [(2, 1)]


def test_bands_of_another_scheme_are_rebuilt_before_comparing(project):
    import_documents(project, [_doc(sample_text(), "wire")])
    project.db.execute("DELETE FROM document_bands")  # as if banded by an older version
    project.set_project_value("near_duplicate_scheme", "minhash-64x16x4")
    edited = sample_text().replace("on Tuesday", "on Wednesday", 1)
    report = import_documents(project, [_doc(edited, "wire, updated")])
    assert len(report.near_duplicates) == 1
    assert project.project_value("near_duplicate_scheme") == SCHEME


def test_many_articles_sharing_boilerplate_are_not_candidates(project):
    boilerplate = "Subscribe to our newsletter for the latest news from the region every day. "
    rng = np.random.default_rng(4)
    words = [f"w{n}" for n in range(3000)]
    documents = [
        _doc(boilerplate + " ".join(rng.choice(words, 120)) + ". " + boilerplate, f"d{n}")
        for n in range(200)
    ]
    report = import_documents(project, documents)
    assert report.near_duplicates == []
    pairs = project.db.execute(
        """SELECT count(*) FROM document_bands a JOIN document_bands b
           ON a.band = b.band AND a.hash = b.hash AND a.document_id < b.document_id"""
    ).fetchone()[0]
    assert pairs < 50  # shared bands are rare between texts that only share boilerplate
