"""Near-duplicate documents are flagged on import (MinHash bands, then exact Jaccard)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.ingest import import_documents
from annotator.core.samples import sample_text
from annotator.model.imports import DocumentIn
from annotator.services.duplicates import near_duplicates
from annotator.store import bands
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


@pytest.mark.parametrize(
    "texts",
    [
        ["Rain fell on the hills, and the river rose overnight.", "", "Two words"],
        ["Straße STRASSE straße — İstanbul 𝔘𝔫𝔦 😀word_9 ٣٤ a b c d e f", "x " * 7],
    ],
)
def test_shingle_many_gives_each_text_its_own_shingles(texts):
    hashes, bounds = bands.shingle_many(texts)
    assert len(bounds) == len(texts) + 1
    for index, text in enumerate(texts):
        alone, _ = bands.shingle_many([text])
        assert hashes[bounds[index] : bounds[index + 1]].tolist() == alone.tolist()


def test_shingles_are_of_words_ignoring_case_and_punctuation():
    plain = shingles("one two three four five six")
    assert shingles("One, TWO three... four (five) six!").tolist() == plain.tolist()
    assert set(shingles("one two three four five seven").tolist()) != set(plain.tolist())
    assert len(shingles("one two three four five six")) == 2  # five words each
    assert len(shingles("one two three")) == 3  # fewer than five: the words themselves


def test_a_long_text_cut_into_pieces_has_the_shingles_of_the_whole(monkeypatch):
    text = " ".join(f"w{n % 97}" for n in range(3000))
    whole = shingles(text)
    monkeypatch.setattr(bands, "_PIECE", 50)
    assert shingles(text).tolist() == whole.tolist()


def _variants(count: int, keep: float, seed: int) -> list[tuple[str, str]]:
    """Pairs of 300-word texts whose words agree at a share ``keep`` of the places."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(count):
        first = [f"w{n}" for n in rng.integers(0, 50_000, 300)]
        second = [w if rng.random() < keep else "other" + w for w in first]
        pairs.append((" ".join(first), " ".join(second)))
    return pairs


@pytest.mark.parametrize("keep", [0.99, 0.95, 0.9])
def test_signatures_estimate_the_jaccard_similarity(keep):
    pairs = _variants(40, keep, seed=7)
    hashes, bounds = bands.shingle_many([t for pair in pairs for t in pair])
    rows = bands.signatures(hashes, bounds)
    errors = []
    for n in range(len(pairs)):
        exact = jaccard(*(hashes[bounds[i] : bounds[i + 1]] for i in (2 * n, 2 * n + 1)))
        agreeing = np.count_nonzero(rows[2 * n] == rows[2 * n + 1]) / bands.BINS  # estimate
        errors.append(agreeing - exact)
    assert abs(np.mean(errors)) < 0.02  # unbiased
    assert np.std(errors) < 0.06


def test_bands_make_candidates_of_near_copies_only():
    pairs = _variants(150, 0.98, seed=11) + _variants(150, 0.75, seed=12)
    hashes, bounds = bands.shingle_many([t for pair in pairs for t in pair])
    keys = bands.band_keys(bands.signatures(hashes, bounds))
    near, far = [], []
    for n in range(len(pairs)):
        exact = jaccard(*(hashes[bounds[i] : bounds[i + 1]] for i in (2 * n, 2 * n + 1)))
        shares = bool((keys[2 * n] == keys[2 * n + 1]).any())
        (near if exact >= 0.8 else far if exact <= 0.3 else []).append(shares)
    assert len(near) > 100 and len(far) > 100
    assert np.mean(near) >= 0.95  # 0.975 expected at 0.8, more above
    assert np.mean(far) <= 0.02


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


def test_a_merge_copies_the_bands_and_still_flags_copies(tmp_path, monkeypatch):
    from annotator.core.project import Project
    from annotator.services.merge import merge_into

    original = sample_text()
    edited = original.replace("on Tuesday", "on Wednesday", 1) + "\nUpdated with a correction."
    unrelated = "The harvest festival drew crowds to the valley. " * 30
    with Project.open(tmp_path / "source.db", annotator="bob") as source:
        import_documents(source, [_doc(edited, "wire, updated"), _doc(unrelated, "festival")])
        query = "SELECT band, hash FROM document_bands WHERE document_id = ? ORDER BY band"
        source_bands = {
            d.title: source.db.execute(query, [d.id]).fetchall() for d in source.documents()
        }
    banded = []
    real = bands.signatures
    monkeypatch.setattr(bands, "signatures", lambda h, b: banded.append(h) or real(h, b))
    with Project.open(tmp_path / "target.db", annotator="alice") as target:
        import_documents(target, [_doc(original, "wire")])
        banded.clear()
        merge_into(target, [tmp_path / "source.db"])
        assert banded == []  # no signature made again
        titles = {d.id: d.title for d in target.documents()}
        assert [
            (titles[r["document_id"]], titles[r["other_id"]]) for r in near_duplicates(target)
        ] == [("wire, updated", "wire")]
        target_bands = {titles[i]: target.db.execute(query, [i]).fetchall() for i in titles}
    assert target_bands["festival"] == source_bands["festival"]
    assert target_bands["wire, updated"] == source_bands["wire, updated"]


def _corpus(count: int) -> list[DocumentIn]:
    """Articles of 120 words from 3,000, between the same boilerplate; every 25th is an
    earlier one with a word changed (a near-duplicate to find)."""
    boilerplate = "Subscribe to our newsletter for the latest news from the region every day. "
    rng = np.random.default_rng(count)
    vocabulary = np.array([f"w{n}" for n in range(3000)])
    bodies: list[list[str]] = []
    for n in range(count):
        if n % 25 == 24:
            body = list(bodies[int(rng.integers(n - 24, n))])
            body[int(rng.integers(len(body)))] = "changed"
        else:
            body = list(rng.choice(vocabulary, 120))
        bodies.append(body)
    return [
        _doc(boilerplate + " ".join(b) + ". " + boilerplate, f"d{n}") for n, b in enumerate(bodies)
    ]


@pytest.mark.slow
def test_near_duplicate_work_grows_linearly_with_the_documents(db_path, monkeypatch):
    from annotator.core.project import Project

    work = {"candidates": 0, "compared": 0}
    candidates, jaccard_ = bands._candidates, bands.jaccard

    def counted_candidates(db, first_new):
        for document_id, others in candidates(db, first_new):
            work["candidates"] += len(others)
            yield document_id, others

    def counted_jaccard(a, b):
        work["compared"] += 1
        return jaccard_(a, b)

    monkeypatch.setattr(bands, "_candidates", counted_candidates)
    monkeypatch.setattr(bands, "jaccard", counted_jaccard)
    done = {}
    for count in (10_000, 20_000):
        work.update(candidates=0, compared=0)
        with Project.open(db_path.with_name(f"p{count}.db"), annotator="alice") as project:
            report = import_documents(project, _corpus(count), tokenize=False)
        assert len(report.near_duplicates) >= count // 25 * 0.95  # the copies are found
        done[count] = dict(work)
    assert done[10_000]["compared"] > 0
    for kind in ("candidates", "compared"):
        assert done[20_000][kind] <= 2.3 * done[10_000][kind], (kind, done)


@given(
    st.lists(
        st.text(alphabet="ab ,.\n\tßİ_9٣中😀𝔘\u0301\u200d-", max_size=40), min_size=1, max_size=4
    )
)
def test_shingles_are_those_of_the_regex_words(texts):
    # What counts as a word is Python's \w, whatever the script: the shingles of a text
    # are those of its regex words joined by spaces.
    hashes, bounds = bands.shingle_many(texts)
    for index, text in enumerate(texts):
        words = bands.WORDS.findall(text.casefold())
        expected, _ = bands.shingle_many([" ".join(words)])
        assert hashes[bounds[index] : bounds[index + 1]].tolist() == expected.tolist()
        for word in words:  # each is one word on its own: no character of it splits it
            assert len(bands.shingle_many([word])[0]) == 1


def _band_rows(project, document_id: int) -> list[tuple[int, int]]:
    sql = "SELECT band, hash FROM document_bands WHERE document_id = ? ORDER BY band"
    return project.db.execute(sql, [document_id]).fetchall()


def test_a_deleted_document_takes_its_bands_with_it(project):
    import_documents(project, [_doc(sample_text(), "wire"), _doc("Other words. " * 40, "b")])
    kept = _band_rows(project, 2)
    assert len(_band_rows(project, 1)) == bands.BANDS and kept
    with project.db.conn:  # no operation deletes documents: the schema alone must
        project.db.execute("DELETE FROM documents WHERE id = 1")
    assert _band_rows(project, 1) == [] and _band_rows(project, 2) == kept
    assert bands.stored_bands(project.db, [1, 2]) == {2: tuple(h for _, h in kept)}


def test_a_project_banded_in_the_older_layout_is_banded_again_on_its_next_import(db_path):
    from annotator.core.project import Project
    from annotator.store.lean import Database
    from annotator.store.migrations import migrations

    db = Database(db_path)
    migrations.apply(db, stop_before="m008_band_keys")
    db.execute("INSERT INTO project (key, value) VALUES ('near_duplicate_scheme', ?)", [SCHEME])
    db.execute("INSERT INTO document_bands VALUES (0, 7, 1)")
    db.conn.commit()
    db.close()
    with Project.open(db_path, annotator="alice") as project:  # migrated on opening
        assert project.project_value("near_duplicate_scheme") is None
        assert project.db.execute("SELECT count(*) FROM document_bands").fetchone()[0] == 0
        import_documents(project, [_doc(sample_text(), "wire")])
        edited = sample_text().replace("on Tuesday", "on Wednesday", 1)
        report = import_documents(project, [_doc(edited, "wire, updated")])
        assert [(n, o) for n, o, _ in report.near_duplicates] == [(2, 1)]
        assert len(_band_rows(project, 1)) == bands.BANDS


@pytest.mark.parametrize("first_new", [50, 125])  # rows read whole / from keys; both copies
def test_candidates_are_the_documents_sharing_most_bands_however_they_are_read(project, first_new):
    import_documents(project, _corpus(100))
    import_documents(project, _corpus(30))
    keys = bands.stored_bands(project.db, list(range(1, 131)))
    expected = {}
    for mine in range(first_new, 131):
        shared = {
            other: sum(a == b for a, b in zip(keys[mine], keys[other], strict=True))
            for other in range(1, mine)
            if other in keys
        }
        ranked = sorted((-n, other) for other, n in shared.items() if n)
        if ranked:
            expected[mine] = [other for _, other in ranked[: bands.MAX_CANDIDATES]]
    assert first_new in expected  # the first new document is a copy of an earlier one
    assert dict(bands._candidates(project.db, first_new)) == expected
