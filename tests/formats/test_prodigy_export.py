import orjson
import pytest
import spacy
from spacy.tokens import Doc

from annotator.core.project import Project
from annotator.formats.export import ExportFilter
from annotator.formats.prodigy import export_prodigy, iter_records
from annotator.text import get_nlp
from tests.conftest import TRICKY_TEXT, add_document

SAMPLE_SPANS = [
    ("South Korea’s defense minister", "source"),
    (
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces",
        "claim",
    ),
    ("probably", "hedge"),
    ("North Korean soldiers", "actor"),
    ("Russian forces", "actor"),
]


@pytest.fixture
def annotated(project, sample_doc):
    text = project.document(sample_doc).text
    for phrase, label in SAMPLE_SPANS:
        start = text.find(phrase)
        project.add_span(sample_doc, start, start + len(phrase), label)
    return project


def _export(project, tmp_path, **filters):
    out = tmp_path / "out.jsonl"
    filters = {k: tuple(v) for k, v in filters.items()}
    report = export_prodigy(project, out, chosen=ExportFilter(**filters) if filters else None)
    return report, list(iter_records(out)), out


def test_record_has_prodigy_fields(annotated, tmp_path):
    report, (record,), _ = _export(annotated, tmp_path)
    assert report.records == 1 and report.spans == 5 and report.problems == []
    assert set(record) >= {
        "text",
        "meta",
        "tokens",
        "spans",
        "answer",
        "_input_hash",
        "_task_hash",
        "_view_id",
        "_annotator_id",
    }
    assert record["_view_id"] == "spans_manual"
    assert record["answer"] == "accept"
    assert record["_annotator_id"] == "alice"
    assert isinstance(record["_input_hash"], int) and -(2**31) <= record["_input_hash"] < 2**31
    assert set(record["tokens"][0]) == {"text", "start", "end", "id", "ws"}
    assert set(record["spans"][0]) == {"start", "end", "token_start", "token_end", "label", "text"}


def test_span_text_equals_offsets(annotated, tmp_path):
    _, (record,), _ = _export(annotated, tmp_path)
    for span in record["spans"]:
        assert record["text"][span["start"] : span["end"]] == span["text"]


def test_tokens_plus_ws_rebuild_the_text(annotated, tmp_path):
    _, (record,), _ = _export(annotated, tmp_path)
    doc = Doc(
        spacy.blank("en").vocab,
        words=[t["text"] for t in record["tokens"]],
        spaces=[t["ws"] for t in record["tokens"]],
    )
    assert doc.text == record["text"]


def test_token_indices_agree_with_spacy(annotated, tmp_path):
    _, (record,), _ = _export(annotated, tmp_path)
    doc = get_nlp("en").make_doc(record["text"])
    assert [(t.idx, t.idx + len(t)) for t in doc] == [
        (t["start"], t["end"]) for t in record["tokens"]
    ]
    for span in record["spans"]:
        expected = doc.char_span(span["start"], span["end"])
        assert (span["token_start"], span["token_end"]) == (expected.start, expected.end - 1)


def test_token_indices_agree_with_spacy_blank_on_ordinary_text(project, tmp_path):
    text = "The minister said troops will probably arrive on Monday."
    doc_id = add_document(project, text)
    project.add_span(doc_id, text.index("probably"), text.index(" arrive"), "hedge")
    _, (record,), _ = _export(project, tmp_path)
    blank = spacy.blank("en")(text)
    assert [t.text for t in blank] == [t["text"] for t in record["tokens"]]
    (span,) = record["spans"]
    assert blank[span["token_start"] : span["token_end"] + 1].text == "probably"


def test_tricky_text_round_trip(project, tricky_doc, tmp_path):
    for phrase, label in [
        ("🇺🇦", "actor"),
        ("東京", "actor"),
        ("cafe\u0301", "claim"),
        ("probably", "hedge"),
        ("北京 depots", "actor"),
    ]:
        start = TRICKY_TEXT.index(phrase)
        project.add_span(tricky_doc, start, start + len(phrase), label)
    _, (record,), out = _export(project, tmp_path)
    assert record["text"] == TRICKY_TEXT
    assert [s["text"] for s in record["spans"]] == [
        "🇺🇦",
        "東京",
        "cafe\u0301",
        "probably",
        "北京 depots",
    ]
    assert b"\xe2\x80\xa8" in out.read_bytes()  # U+2028 kept raw inside the JSON string


def test_untouched_documents_are_not_exported(project, sample_doc, tmp_path):
    add_document(project, "Nobody annotated this.", "other")
    text = project.document(sample_doc).text
    project.add_span(sample_doc, text.index("probably"), text.index("probably") + 8, "hedge")
    _report, records, _ = _export(project, tmp_path)
    assert [r["meta"]["title"] for r in records] == ["sample"]


def test_one_record_per_annotator(db_path, annotated, sample_doc, tmp_path):
    with Project.open(db_path, annotator="bob") as bob:
        bob.add_span(sample_doc, 80, 88, "hedge")
    _, records, _ = _export(annotated, tmp_path)
    assert [(r["_annotator_id"], len(r["spans"])) for r in records] == [("alice", 5), ("bob", 1)]
    assert records[0]["_input_hash"] == records[1]["_input_hash"]
    assert records[0]["_task_hash"] != records[1]["_task_hash"]


def test_filters_by_label_and_annotator(db_path, annotated, sample_doc, tmp_path):
    with Project.open(db_path, annotator="bob") as bob:
        bob.add_span(sample_doc, 80, 88, "hedge")
    _, records, _ = _export(annotated, tmp_path, annotators=["alice"], labels=["hedge"])
    assert [(r["_annotator_id"], [s["label"] for s in r["spans"]]) for r in records] == [
        ("alice", ["hedge"])
    ]


def test_export_is_stable(annotated, tmp_path):
    _, _, out = _export(annotated, tmp_path)
    first = out.read_bytes()
    _, _, out = _export(annotated, tmp_path)
    assert out.read_bytes() == first


def test_unaligned_span_is_reported_not_dropped(project, sample_doc, tmp_path):
    project.add_span(sample_doc, 81, 86, "hedge")  # inside "probably": imported data can do this
    report, (record,), _ = _export(project, tmp_path)
    assert record["spans"] == [{"start": 81, "end": 86, "label": "hedge", "text": "robab"}]
    assert len(report.problems) == 1 and "does not align" in report.problems[0]


def test_failed_export_leaves_existing_file(annotated, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"previous\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(orjson, "dumps", explode)
    with pytest.raises(RuntimeError):
        export_prodigy(annotated, out)
    assert out.read_bytes() == b"previous\n"
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no partial temporary file left
