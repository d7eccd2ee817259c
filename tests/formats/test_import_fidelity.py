"""Importing other tools' files exactly: doccano 1.x exports, attribute values against
the schema, duplicate ids, brat's self-equivalences and shared event triggers, and
messages that name the field and what was expected (never Python's own words)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import detect_format, read_paths
from annotator.formats.writers import export
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn, SchemaIn
from annotator.store import queries

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def _import(project, *paths, fmt="auto", **options):
    messages: list[str] = []
    schema = SchemaIn()
    skipped = [] if options.get("skip_invalid") else None
    records = list(read_paths(list(paths), fmt, messages, schema=schema, skipped=skipped))
    report = import_documents(project, records, schema=schema, **options)
    return report, messages


def _jsonl(path: Path, *records) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _spans(project):
    return sorted(
        (s.annotator, s.label, s.start, s.end)
        for d in project.documents()
        for s in project.spans(d.id, annotator=None)
    )


# -- doccano 1.x ---------------------------------------------------------------------------


def test_doccano_1x_export_with_names_reads_annotations_and_users(project, tmp_path):
    path = _jsonl(
        tmp_path / "d.jsonl",
        {
            "id": 1,
            "text": "EU rejects German call.",
            "annotations": [
                {"label": "ORG", "start_offset": 0, "end_offset": 2, "user": "alice"},
                {"label": "MISC", "start_offset": 11, "end_offset": 17, "user": "bob"},
            ],
            "meta": {"source": "wire"},
            "annotation_approver": None,
        },
    )
    assert detect_format(path) == "doccano"
    for fmt in ("auto", "doccano"):
        again = Project.open(":memory:", annotator="importer")
        _import(again, path, fmt=fmt)
        assert _spans(again) == [("alice", "ORG", 0, 2), ("bob", "MISC", 11, 17)]
        meta = again.document(again.documents()[0].id).meta
        assert "annotations" not in meta and meta["source"] == "wire"


def test_doccano_1x_fixture_numbers_labels_and_users(project):
    """doccano 1.0–1.2's own example export: labels and users are numbers."""
    path = FIXTURES / "doccano/v1_sequence_labeling_download_example.jsonl"
    report, messages = _import(project, path)
    expected = []
    for line in path.read_text("utf-8").splitlines():
        for a in json.loads(line)["annotations"]:
            expected.append(
                (f"doccano-{a['user']}", str(a["label"]), a["start_offset"], a["end_offset"])
            )
    assert _spans(project) == sorted(expected)
    assert report.spans_added == 3
    assert any("names labels by their number" in m for m in messages)


def test_doccano_1x_classification_fixture_gives_categories(project):
    path = FIXTURES / "doccano/v1_text_classification_download_example.jsonl"
    _import(project, path)
    found = {
        (project.document(d.id).text, c.annotator, c.label, c.value)
        for d in project.documents()
        for c in queries.categories_of(project.db, d.id)
    }
    expected = {
        (r["text"], f"doccano-{a['user']}", str(a["label"]), 1.0)
        for r in map(json.loads, path.read_text("utf-8").splitlines())
        for a in r["annotations"]
    }
    assert found == expected


# -- attribute values and the schema ---------------------------------------------------


def _prodigy(tmp_path: Path, attributes: dict, label="claim") -> Path:
    return _jsonl(
        tmp_path / "p.jsonl",
        {"text": "Kim said it.", "spans": [{"start": 0, "end": 3, "label": "source"}]},
        {
            "text": "Troops went home.",
            "spans": [{"start": 0, "end": 6, "label": label, "attributes": attributes}],
        },
    )


def test_choice_outside_the_choices_is_added_and_listed(project, tmp_path):
    report, _ = _import(project, _prodigy(tmp_path, {"checkworthy": True, "claim_type": "banana"}))
    claim_type = next(a for a in project.schema.label("claim").attributes if a.name == "claim_type")
    assert "banana" in claim_type.choices
    assert any("'banana'" in note and "claim_type" in note for note in report.notes)
    (span,) = [
        s
        for d in project.documents()
        for s in project.spans(d.id, annotator=None)
        if s.label == "claim"
    ]
    project.set_span_attributes(span.id, {"checkworthy": False})  # the span stays editable
    assert project.spans(span.document_id, annotator=None)[0].attributes["claim_type"] == "banana"


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"checkworthy": "maybe"}, "'checkworthy' is true or false, not 'maybe'"),
        ({"claim_type": 5}, "'claim_type' is a text, not 5"),
    ],
)
def test_value_of_the_wrong_type_refuses_the_record(project, tmp_path, attributes, message):
    path = _prodigy(tmp_path, attributes)
    with pytest.raises(InputFileError, match=rf"p\.jsonl:2: claim \[0, 6\): attribute {message}"):
        _import(project, path)
    assert project.documents() == []
    report, _ = _import(project, path, skip_invalid=True)
    assert report.documents_added == 1 and len(report.skipped) == 1


def test_link_cue_outside_the_text_refuses_the_record(project, tmp_path):
    task = {
        "text": "Kim said troops left.",
        "relations": [
            {
                "head_span": {"start": 9, "end": 20, "label": "claim"},
                "child_span": {"start": 0, "end": 3, "label": "source"},
                "label": "attributed_to",
                "attributes": {"cue": [[4, 99]]},
            }
        ],
    }
    with pytest.raises(InputFileError, match=r"p\.jsonl:1: attributed_to link: attribute 'cue'"):
        _import(project, _jsonl(tmp_path / "p.jsonl", task))


def test_native_import_grows_choices_and_refuses_a_wrong_sha256(project, tmp_path):
    source = Project.open(tmp_path / "s.db", annotator="alice")
    import_documents(source, [DocumentIn("Officials said so.", "t", "x")])
    source.add_span(source.documents()[0].id, 0, 9, "source")
    export(source, "native", tmp_path / "n.jsonl")
    lines = (tmp_path / "n.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[1])
    record["spans"][0]["attributes"] = {"specificity": "nonsense"}
    _jsonl(tmp_path / "grown.jsonl", lines[0], record)
    report, _ = _import(project, tmp_path / "grown.jsonl")
    specificity = project.schema.label("source").attributes[0]
    assert "nonsense" in specificity.choices
    assert any("'nonsense'" in note for note in report.notes)
    record["text"] = "Officials said so!"
    _jsonl(tmp_path / "edited.jsonl", lines[0], record)
    with pytest.raises(InputFileError, match=r"edited\.jsonl:2: its 'sha256' does not match"):
        _import(Project.open(":memory:", annotator="x"), tmp_path / "edited.jsonl")


def test_every_imported_attribute_value_fits_the_schema(project, tmp_path):
    """Whatever the values, an imported span and link can be edited afterwards."""
    values = [True, "x", 3, 0.5, [1, 2], [[0, 2]], {"a": 1}, None]
    tasks = []
    for n, value in enumerate(values):
        tasks.append(
            {
                "text": f"Kim {n} said troops left.",
                "spans": [
                    {"start": 0, "end": 3, "label": "source", "attributes": {"new": value}},
                    {"start": 0, "end": 3, "label": "PERSON", "attributes": {"score": value}},
                ],
            }
        )
    _import(project, _jsonl(tmp_path / "p.jsonl", *tasks), skip_invalid=True)
    for summary in project.documents():
        for span in project.spans(summary.id, annotator=None):
            project.set_span_attributes(span.id, {})  # validates every stored value


def test_strict_with_skip_invalid_skips_only_the_record_with_an_unknown_label(project, tmp_path):
    path = _prodigy(tmp_path, {}, label="PERSON")
    report, _ = _import(project, path, strict=True, skip_invalid=True)
    assert report.documents_added == 1
    assert report.skipped == [f"{path}:2: label 'PERSON' is not in this project's schema"]
    assert not project.schema.has_label("PERSON")


def test_native_label_colour_that_is_not_rrggbb_is_replaced_and_listed(project, tmp_path):
    header = {
        "format": "annotator-native",
        "version": 2,
        "schema": {
            "labels": [{"name": "quote", "colour": "red", "keys": [], "attributes": []}],
            "relations": [],
        },
    }
    record = {
        "text": "Said so.",
        "spans": [{"start": 0, "end": 4, "label": "quote", "annotator": "a"}],
    }
    report, _ = _import(project, _jsonl(tmp_path / "n.jsonl", header, record))
    colour = project.schema.label("quote").colour
    assert colour.startswith("#") and len(colour) == 7
    assert any("'red' is not of the form #RRGGBB" in note for note in report.notes)


# -- duplicate ids, brat ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {
                "text": "Kim said it.",
                "entities": [
                    {"id": 1, "label": "source", "start_offset": 0, "end_offset": 3},
                    {"id": 1, "label": "claim", "start_offset": 9, "end_offset": 11},
                ],
            },
            "entity id 1 is used twice",
        ),
        (
            {
                "text": "Kim said it.",
                "entities": [
                    {"id": 1, "label": "source", "start_offset": 0, "end_offset": 3},
                    {"id": 2, "label": "claim", "start_offset": 9, "end_offset": 11},
                ],
                "relations": [
                    {"id": 7, "from_id": 2, "to_id": 1, "type": "attributed_to"},
                    {"id": 7, "from_id": 2, "to_id": 1, "type": "same"},
                ],
            },
            "relation id 7 is used twice",
        ),
    ],
)
def test_doccano_duplicate_ids_refuse_the_record(project, tmp_path, record, message):
    path = _jsonl(tmp_path / "d.jsonl", {"text": "Fine.", "label": []}, record)
    with pytest.raises(InputFileError, match=rf"d\.jsonl:2: {message}"):
        _import(project, path)
    report, _ = _import(project, path, skip_invalid=True)
    assert report.documents_added == 1


def _brat(tmp_path: Path, text: str, ann: str) -> Path:
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "a.ann").write_text(ann, "utf-8")
    return tmp_path / "a.ann"


def test_brat_same_attribute_twice_refuses_the_second_line(project, tmp_path):
    path = _brat(tmp_path, "Kim said it.", "T1\tsource 0 3\tKim\nA1\tNeg T1\nA2\tNeg T1 false\n")
    with pytest.raises(InputFileError, match=r"a\.ann:3: A2: sets Neg of T1 again \(A1 set it\)"):
        _import(project, path)
    report, _ = _import(project, path, skip_invalid=True)
    (span,) = project.spans(project.documents()[0].id, annotator=None)
    assert span.attributes == {"Neg": True} and len(report.skipped) == 1


def test_brat_self_equivalence_is_left_out_with_a_note(project, tmp_path):
    """``*  Equiv T63 T63`` is in brat's own BioNLP-ST 2011 ID corpus."""
    path = _brat(
        tmp_path,
        "BvrR and BvrS bind.",
        "T1\tProtein 0 4\tBvrR\nT2\tProtein 9 13\tBvrS\n*\tEquiv T2 T2\n*\tEquiv T1 T2\n",
    )
    report, messages = _import(project, path)
    assert any(m.startswith(f"{path}:3: Equiv of a span with itself left out") for m in messages)
    assert report.relations_added == 1


def test_brat_events_sharing_a_trigger_are_reported(project, tmp_path):
    """As in BioNLP-ST 2011 GE: E1 and E2 both on the trigger T3."""
    path = _brat(
        tmp_path,
        "IL-2 and IL-4 expressed.",
        "T1\tProtein 0 4\tIL-2\nT2\tProtein 9 13\tIL-4\nT3\tGene_expression 14 23\texpressed\n"
        "E1\tGene_expression:T3 Theme:T1\nE2\tGene_expression:T3 Theme:T2\n",
    )
    report, messages = _import(project, path)
    assert any(
        m.startswith(f"{path}:5: events E1, E2 share the trigger T3: not imported exactly")
        for m in messages
    )
    assert report.relations_added == 2


# -- messages a user understands ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"text": "Kim.", "spans": [{"start": 0, "end": 3, "label": "x", "attributes": "x"}]}',
            "'attributes' of span 1 must be an object, not the string 'x'",
        ),
        (
            '{"text": "Kim.", "meta": "notadict"}',
            "'meta' must be an object, not the string 'notadict'",
        ),
        ('{"text": "Kim.", "spans": {"start": 0}}', "'spans' must be a list, not an object"),
        (
            '{"text": "Kim.", "spans": [{"start": 0, "end": 3, "label": ["PERSON"]}]}',
            "the label of span 1 must be a name",
        ),
        ('{"text": "Kim.", "meta": {"lang": 5}}', r"the language \('lang'\) must be a code"),
        (
            '{"text": "Kim said.", "label": [[0, 3, "PER"], "positive"]}',
            r"'label' item 2 must be \[start, end, label\], not the string 'positive'",
        ),
    ],
)
def test_bad_fields_are_named_with_what_was_expected(project, tmp_path, line, message):
    path = _jsonl(tmp_path / "f.jsonl", line)
    with pytest.raises(InputFileError, match=rf"f\.jsonl:1: {message}") as info:
        _import(project, path)
    for internal in (
        "dictionary update",
        "unpack",
        "string indices",
        "unhashable",
        "object has no",
    ):
        assert internal not in str(info.value)


def test_labelstudio_html_regions_are_said_to_be_unsupported(project, tmp_path):
    value = {
        "start": "/p[1]/text()[1]",
        "end": "/p[1]/text()[1]",
        "startOffset": 0,
        "endOffset": 3,
        "text": "Kim",
        "labels": ["PER"],
    }
    task = {
        "data": {"text": "<p>Kim said.</p>"},
        "annotations": [{"result": [{"id": "a", "type": "labels", "value": value}]}],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), "utf-8")
    with pytest.raises(InputFileError, match="HTML regions are not supported"):
        _import(project, path)
    task["annotations"][0]["result"][0]["type"] = "hypertextlabels"
    path.write_text(json.dumps([task]), "utf-8")
    _, messages = _import(project, path)
    assert any("'hypertextlabels'" in m and "HTML regions are not supported" in m for m in messages)


# -- broken files ----------------------------------------------------------------------------


def test_truncated_and_empty_json_lines_say_so(db_path, tmp_path):
    truncated = tmp_path / "t.jsonl"
    truncated.write_text('{"text": "Kim said', "utf-8")
    empty = tmp_path / "e.jsonl"
    empty.write_text("", "utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "--db", str(db_path), str(truncated)])
    assert result.exit_code == 1 and f"{truncated}:1: malformed JSON" in result.output
    assert "unknown format" not in result.output
    result = runner.invoke(cli, ["import", "--db", str(db_path), str(empty)])
    assert result.exit_code == 1 and f"{empty}: empty" in result.output


def test_native_document_line_without_its_header_is_read_as_native(project, tmp_path):
    source = Project.open(tmp_path / "s.db", annotator="alice")
    import_documents(source, [DocumentIn("Officials said so.", "t", "x")])
    doc = source.documents()[0].id
    claim = source.add_span(doc, 0, 9, "source").spans_added[0].id
    source.add_relation(claim, source.add_span(doc, 10, 14, "claim").spans_added[0].id)
    export(source, "native", tmp_path / "n.jsonl")
    body = tmp_path / "body.jsonl"
    body.write_text((tmp_path / "n.jsonl").read_text("utf-8").split("\n", 1)[1], "utf-8")
    assert detect_format(body) == "native"
    report, messages = _import(project, body)
    assert report.spans_added == 2 and report.relations_added == 1
    assert any("no header line" in m for m in messages)


# -- smaller -----------------------------------------------------------------------------------


def test_duplicate_spans_in_one_prodigy_record_are_counted(project, tmp_path):
    span = {"start": 0, "end": 3, "label": "source"}
    report, _ = _import(
        project, _jsonl(tmp_path / "p.jsonl", {"text": "Kim said.", "spans": [span, span]})
    )
    assert (report.spans_added, report.spans_duplicate) == (1, 1)


def test_duplicate_spans_in_one_docbin_group_are_counted(project, tmp_path):
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    doc = nlp("Kim said it.")
    doc.spans["sc"] = [Span(doc, 0, 1, "source"), Span(doc, 0, 1, "source")]
    doc.ents = [Span(doc, 0, 1, "source")]  # the same span in ents: one span, no duplicate
    DocBin(docs=[doc]).to_disk(tmp_path / "d.spacy")
    report, _ = _import(project, tmp_path / "d.spacy")
    assert (report.spans_added, report.spans_duplicate) == (1, 1)


def test_csv_field_longer_than_the_csv_module_default_is_read(project, tmp_path):
    text = "word " * 40_000  # 200,000 characters
    (tmp_path / "a.csv").write_text(f'title,text\nLong,"{text}"\n', "utf-8")
    report, _ = _import(project, tmp_path / "a.csv")
    assert report.documents_added == 1
    assert len(project.document(project.documents()[0].id).text) == len(text)


@pytest.mark.parametrize("fmt", ["csv", "claims-csv"])
def test_csv_exports_neutralise_formulas(project, tmp_path, fmt):
    text = '=HYPERLINK("http://evil.example","x") +1 -2 @SUM(A1)'
    import_documents(project, [DocumentIn(text, "@title", "x")])
    doc = project.documents()[0].id
    for start, end in ((0, 37), (38, 40), (41, 43), (44, len(text))):
        claim = project.add_span(doc, start, end, "claim").spans_added[0].id
        project.set_claim_record(claim, status="verified", verdict="=1+1")
    export(project, fmt, tmp_path / "out.csv")
    import csv

    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in list(csv.reader(handle))[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'@title" in cells
