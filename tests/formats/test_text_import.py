import codecs

import pytest

from annotator.core.ingest import import_documents
from annotator.formats.reader import read_paths
from annotator.model.errors import InputFileError


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def _import(project, *paths, skip=False):
    messages: list[str] = []
    skipped: list[str] | None = [] if skip else None
    records = list(read_paths(list(paths), "auto", messages, skipped=skipped))
    report = import_documents(project, records, skip_invalid=skip)
    return report, messages, skipped


def _snapshot(project):
    return (
        [d.title for d in project.documents()],
        next(iter(project.db.query("SELECT count(*) AS n FROM events")))["n"],
    )


def test_import_utf8_file_keeps_text_exactly(project, inbox):
    text = "Line one.\r\nLine two with é and 🇺🇦.\n"
    (inbox / "story.txt").write_bytes(text.encode("utf-8"))
    report, _, _ = _import(project, inbox / "story.txt")
    assert report.documents_added == 1
    (doc,) = project.documents()
    assert doc.title == "story"
    assert project.document(doc.id).text == text


def test_import_utf8_with_bom_drops_only_the_bom(project, inbox):
    (inbox / "bom.txt").write_bytes(codecs.BOM_UTF8 + b"Text.")
    _import(project, inbox / "bom.txt")
    assert project.document(project.documents()[0].id).text == "Text."


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("Caf\u00e9 in Kyiv, na\u00efve r\u00e9sum\u00e9.".encode("latin-1"), "is not valid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
    ids=["latin-1", "binary"],
)
def test_bad_file_is_refused_and_nothing_imported(project, inbox, payload, message):
    (inbox / "a_good.txt").write_text("A good article.", encoding="utf-8")
    (inbox / "b_bad.txt").write_bytes(payload)
    before = _snapshot(project)
    with pytest.raises(InputFileError, match=message) as info:
        _import(project, inbox)
    assert "b_bad.txt" in str(info.value)
    assert _snapshot(project) == before


def test_latin1_message_names_the_likely_encoding(project, inbox):
    path = inbox / "old.txt"
    path.write_bytes(
        "Le pr\u00e9sident a d\u00e9clar\u00e9 que la r\u00e9forme".encode("cp1252") * 5
    )
    with pytest.raises(InputFileError, match="looks like"):
        _import(project, path)


def test_skip_invalid_imports_the_rest_and_reports(project, inbox):
    (inbox / "good.txt").write_text("A good article.", encoding="utf-8")
    (inbox / "bad.txt").write_bytes(b"caf\xe9")
    report, _, skipped = _import(project, inbox, skip=True)
    assert report.documents_added == 1
    assert len(skipped) == 1 and "bad.txt" in skipped[0]


def test_empty_file_is_skipped_with_a_message(project, inbox):
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blank.txt").write_text("  \n\n", encoding="utf-8")
    report, messages, _ = _import(project, inbox)
    assert report.documents_added == 0
    assert sorted(messages) == [
        f"{inbox / 'blank.txt'}: empty, skipped",
        f"{inbox / 'empty.txt'}: empty, skipped",
    ]


def test_same_text_twice_keeps_one_document(project, inbox):
    (inbox / "one.txt").write_text("Same words.", encoding="utf-8")
    (inbox / "two.txt").write_text("Same words.", encoding="utf-8")
    report, _, _ = _import(project, inbox)
    again, _, _ = _import(project, inbox / "one.txt")
    assert (report.documents_added, again.documents_added, again.documents_existing) == (1, 0, 1)
    assert len(project.documents()) == 1


def test_folder_import_is_recursive_in_name_order(project, inbox):
    (inbox / "b").mkdir()
    (inbox / "b" / "second.txt").write_text("Second.", encoding="utf-8")
    (inbox / "a_first.txt").write_text("First.", encoding="utf-8")
    (inbox / "notes.pdf").write_bytes(b"%PDF")
    _, messages, _ = _import(project, inbox)
    assert [d.title for d in project.documents()] == ["a_first", "second"]
    assert any("notes.pdf" in m for m in messages)


def test_missing_path_is_reported(project, inbox):
    with pytest.raises(InputFileError, match="does not exist"):
        _import(project, inbox / "nope.txt")


def test_imported_document_has_tokens_stored(project, inbox):
    (inbox / "t.txt").write_text("Two words.", encoding="utf-8")
    _import(project, inbox / "t.txt")
    doc_id = project.documents()[0].id
    offsets = project.token_offsets(doc_id)
    assert list(zip(offsets.starts, offsets.ends, strict=False)) == [(0, 3), (4, 9), (9, 10)]
