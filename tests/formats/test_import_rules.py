"""Each bad-input rule of the interchange: the message, and the project unchanged."""

from __future__ import annotations

import codecs
import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import read_paths
from annotator.model.errors import InputFileError
from annotator.model.imports import SchemaIn


def _import(project, *paths, fmt="auto", **options):
    messages: list[str] = []
    schema = SchemaIn()
    skipped = [] if options.get("skip_invalid") else None
    records = list(read_paths(list(paths), fmt, messages, schema=schema, skipped=skipped))
    report = import_documents(project, records, schema=schema, **options)
    return report, messages


def _snapshot(project):
    db = project.db
    return {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("documents", "spans", "relations", "labels", "relation_types", "events")
    }


def _jsonl(path, *records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


GOOD = {
    "text": "Kyiv said the strike probably hit depots.",
    "spans": [{"start": 0, "end": 4, "label": "source"}],
}


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"text": "broken", "spans": [', "malformed JSON"),
        ('{"spans": []}', "missing field 'text'"),
        (
            '{"text": "short", "spans": [{"start": 2, "end": 40, "label": "claim"}]}',
            "outside the text",
        ),
        ('{"text": "short", "spans": [{"start": 3, "end": 3, "label": "claim"}]}', "or empty"),
        (
            '{"text": "short", "spans": [{"start": 0, "end": 5, "label": "claim", "text": "shirt"}]}',
            "says 'shirt' but the text there is 'short'",
        ),
        (
            '{"text": "short", "spans": [{"start": "0", "end": 5, "label": "claim"}]}',
            "integer offset",
        ),
        ('{"text": "short", "answer": "maybe"}', "unknown answer"),
    ],
    ids=["json", "no-text", "outside", "empty", "text-mismatch", "not-int", "answer"],
)
def test_bad_record_stops_import_with_file_and_line(project, inbox, bad_line, message):
    path = inbox / "data.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + bad_line + "\n", "utf-8")
    before = _snapshot(project)
    with pytest.raises(InputFileError, match=message) as info:
        _import(project, path, fmt="prodigy")
    assert str(info.value).startswith(f"{path}:3: ")
    assert _snapshot(project) == before


def test_skip_invalid_imports_the_rest_and_says_what_was_skipped(project, inbox):
    path = inbox / "data.jsonl"
    bad = {"text": "short", "spans": [{"start": 2, "end": 40, "label": "claim"}]}
    _jsonl(path, GOOD, bad)
    report, _ = _import(project, path, fmt="prodigy", skip_invalid=True)
    assert report.documents_added == 1
    assert report.skipped == [
        f"{path}:2: span [2, 40) 'claim' is outside the text (0 to 5) or empty"
    ]


def test_unknown_labels_are_added_and_reported(project, inbox):
    path = _jsonl(
        inbox / "ner.jsonl",
        {
            "text": "Ed Sheeran in Miami",
            "spans": [
                {"start": 0, "end": 10, "label": "PERSON"},
                {"start": 14, "end": 19, "label": "GPE"},
            ],
        },
    )
    report, _ = _import(project, path)
    assert report.labels_added == ["PERSON", "GPE"]
    assert project.schema.label("PERSON").colour.startswith("#")


def test_unknown_labels_are_refused_under_strict(project, inbox):
    path = _jsonl(
        inbox / "ner.jsonl",
        {"text": "Ed Sheeran", "spans": [{"start": 0, "end": 10, "label": "PERSON"}]},
    )
    before = _snapshot(project)
    with pytest.raises(InputFileError, match="label 'PERSON' is not in this project's schema"):
        _import(project, path, strict=True)
    assert _snapshot(project) == before


def test_utf16_with_bom_is_read(project, inbox):
    path = inbox / "data.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + (json.dumps(GOOD) + "\n").encode("utf-16-le"))
    report, _ = _import(project, path)
    assert report.spans_added == 1


def test_other_encoding_is_reported_not_decoded(project, inbox):
    path = inbox / "data.jsonl"
    record = {"text": "Le président a déclaré que la réforme était nécessaire à Besançon."}
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("cp1252") * 3)
    before = _snapshot(project)
    with pytest.raises(InputFileError, match=r"is not valid UTF-8 .* it looks like"):
        _import(project, path)
    assert _snapshot(project) == before


def test_jsonl_is_split_on_newline_only(project, inbox):
    text = "Line one\u2028still one\u0085and\u2029more, 'quoted'"
    path = _jsonl(
        inbox / "seps.jsonl", {"text": text, "spans": [{"start": 0, "end": 4, "label": "claim"}]}
    )
    report, _ = _import(project, path)
    assert report.documents_added == 1
    (summary,) = project.documents()
    assert project.document(summary.id).text == text


def test_reimport_adds_annotations_to_the_existing_document(project, inbox):
    first = _jsonl(
        inbox / "a.jsonl",
        {"text": GOOD["text"], "spans": [{"start": 0, "end": 4, "label": "source"}]},
    )
    second = _jsonl(
        inbox / "b.jsonl",
        {"text": GOOD["text"], "spans": [{"start": 21, "end": 29, "label": "hedge"}]},
    )
    _import(project, first)
    report, _ = _import(project, second)
    assert (report.documents_added, report.documents_existing, report.spans_added) == (0, 1, 1)
    (summary,) = project.documents()
    assert sorted(s.label for s in project.spans(summary.id)) == ["hedge", "source"]


def test_relation_to_itself_is_refused(project, inbox):
    span = {"start": 0, "end": 4, "label": "claim"}
    path = _jsonl(
        inbox / "rel.jsonl",
        {
            "text": "Kyiv said it.",
            "spans": [span],
            "relations": [{"head_span": span, "child_span": span, "label": "same_claim"}],
        },
    )
    with pytest.raises(InputFileError, match="links a span to itself"):
        _import(project, path)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("uk", "Міністр заявив, що війська, ймовірно, прибудуть.", ["Міністр", "заявив", ","]),
        ("ru", "Министр заявил, что войска, вероятно, прибудут.", ["Министр", "заявил", ","]),
        (
            "de",
            "Der Minister sagte, die Truppen kämen wahrscheinlich.",
            ["Der", "Minister", "sagte"],
        ),
        ("fr", "L'armée a probablement frappé.", ["L'", "armée", "a"]),
        ("es", "El ministro dijo que probablemente llegarán.", ["El", "ministro", "dijo"]),
    ],
)
def test_language_selects_the_spacy_tokenizer(project, inbox, lang, text, expected):
    (inbox / "a.txt").write_text(text, "utf-8")
    report, _ = _import(project, inbox / "a.txt", lang=lang)
    (summary,) = project.documents()
    assert project.document(summary.id).lang == lang
    doc = project.spacy_doc(summary.id)
    assert [t.text for t in doc][:3] == expected
    assert report.notes == []


def test_language_without_its_package_falls_back_with_a_note(project, inbox):
    (inbox / "a.txt").write_text("東京で会議が開かれた。", "utf-8")
    report, _ = _import(project, inbox / "a.txt", lang="ja")
    assert any("no spaCy tokenizer for language 'ja'" in note for note in report.notes)
    (summary,) = project.documents()
    assert project.spacy_doc(summary.id).text == "東京で会議が開かれた。"


def test_language_from_metadata(project, inbox):
    path = _jsonl(inbox / "a.jsonl", {"text": "Der Minister sagte es.", "meta": {"lang": "de"}})
    _import(project, path)
    (summary,) = project.documents()
    assert project.document(summary.id).lang == "de"


def test_cli_import_all_or_nothing(db_path, inbox):
    good = _jsonl(inbox / "a.jsonl", GOOD)
    (inbox / "b.jsonl").write_text(
        '{"text": "x", "spans": [{"start": 0, "end": 9, "label": "claim"}]}\n'
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(inbox), "--db", str(db_path)])
    assert result.exit_code == 1
    assert f"{inbox / 'b.jsonl'}:1: span [0, 9)" in result.output
    with Project.open(db_path, annotator="x") as project:
        assert project.documents() == []
    result = runner.invoke(cli, ["import", str(good), "--db", str(db_path)])
    assert result.exit_code == 0


def test_cli_skip_invalid_prints_what_was_skipped(db_path, inbox):
    _jsonl(
        inbox / "a.jsonl", GOOD, {"text": "x", "spans": [{"start": 0, "end": 9, "label": "claim"}]}
    )
    result = CliRunner().invoke(cli, ["import", str(inbox), "--skip-invalid", "--db", str(db_path)])
    assert result.exit_code == 0
    assert f"skipped {inbox / 'a.jsonl'}:2: span [0, 9)" in result.output
    assert "imported 1 new document" in result.output
