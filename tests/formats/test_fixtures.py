"""Every real file in tests/fixtures/interop imports with exactly its spans and
relations. Expected values are read from the files here, independently of the readers."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.ingest import import_documents
from annotator.formats.reader import detect_format, read_paths
from annotator.model.imports import SchemaIn

# Real files written by other tools (their README gives each file's origin and licence).
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def _import(project, path, fmt="auto"):
    messages: list[str] = []
    schema = SchemaIn()
    records = list(read_paths([path], fmt, messages, schema=schema))
    return import_documents(project, records, schema=schema), messages


def _stored(project):
    """{text: ({(start, end, label)}, {(head, child, label)})} for the whole project."""
    result = {}
    for summary in project.documents():
        document = project.document(summary.id)
        spans = project.spans(summary.id, annotator=None)
        by_id = {s.id: (s.start, s.end, s.label) for s in spans}
        relations = {
            (by_id[r.head_id], by_id[r.child_id], r.label)
            for r in project.relations(summary.id, annotator=None)
        }
        result[document.text] = ({by_id[s.id] for s in spans}, relations)
    return result


def _lines(path):
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]


def test_prodigy_rel_component(project):
    path = FIXTURES / "prodigy/rel_component_annotations.jsonl"
    report, _ = _import(project, path)
    expected = {}
    for task in _lines(path):
        spans = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
        relations = set()
        for r in task.get("relations", []):
            head = (r["head_span"]["start"], r["head_span"]["end"], r["head_span"]["label"])
            child = (r["child_span"]["start"], r["child_span"]["end"], r["child_span"]["label"])
            spans |= {head, child}
            relations.add((head, child, r["label"]))
        expected[task["text"]] = (spans, relations)
    assert _stored(project) == expected
    assert report.documents_added == 149
    assert report.relations_added + report.relations_duplicate == 267


def test_prodigy_news_headlines_keeps_answers_and_meta(project):
    path = FIXTURES / "prodigy/news_headlines_ner_excerpt.jsonl"
    _import(project, path)
    tasks = _lines(path)
    expected = {
        t["text"]: ({(s["start"], s["end"], s["label"]) for s in t.get("spans", [])}, set())
        for t in tasks
    }
    assert _stored(project) == expected
    ignored = next(t for t in tasks if t["answer"] == "ignore")
    (summary,) = [d for d in project.documents() if project.document(d.id).text == ignored["text"]]
    assert project.document(summary.id).meta == {"source": "The New York Times"}
    rows = list(
        project.db.query(
            "SELECT answer, status FROM document_status WHERE document_id = ?", [summary.id]
        )
    )
    assert rows == [{"answer": "ignore", "status": "skipped"}]


def test_prodigy_ignored_task_is_not_training_data(project, tmp_path):
    from annotator.formats.prodigy import export_prodigy, iter_records

    _import(project, FIXTURES / "prodigy/news_headlines_ner_excerpt.jsonl")
    export_prodigy(project, tmp_path / "out.jsonl")
    answers = {r["answer"] for r in iter_records(tmp_path / "out.jsonl")}
    assert answers == {"accept"}
    assert len(list(iter_records(tmp_path / "out.jsonl"))) == 30


def test_demo_jsonl_and_demo_spacy_import_to_the_same_annotations(db_path, tmp_path):
    from annotator.core.project import Project

    with (
        Project.open(tmp_path / "a.db", annotator="x") as a,
        Project.open(tmp_path / "b.db", annotator="x") as b,
    ):
        _import(a, FIXTURES / "spacy/demo.jsonl")
        _import(b, FIXTURES / "spacy/demo.spacy")
        assert _stored(a) == _stored(b)
        docbin = DocBin().from_bytes((FIXTURES / "spacy/demo.spacy").read_bytes())
        (doc,) = docbin.get_docs(spacy.blank("en").vocab)
        assert _stored(b) == {
            doc.text: ({(e.start_char, e.end_char, e.label_) for e in doc.ents}, set())
        }


def test_spacy_v2_offsets(project):
    path = FIXTURES / "spacy/v2_offsets_train.json"
    _import(project, path)
    expected = {
        text: ({tuple(e) for e in ann["entities"]}, set())
        for text, ann in json.loads(path.read_text())
    }
    assert _stored(project) == expected


@pytest.mark.parametrize(
    "name", ["relation_export_example_prettyprinted.jsonl", "relation_import_example.jsonl"]
)
def test_doccano_relations(project, name):
    path = FIXTURES / "doccano" / name
    _import(project, path)
    raw = path.read_text("utf-8")
    record, _ = json.JSONDecoder().raw_decode(raw.strip())
    by_id = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]}
    relations = {(by_id[r["from_id"]], by_id[r["to_id"]], r["type"]) for r in record["relations"]}
    assert _stored(project) == {record["text"]: (set(by_id.values()), relations)}


def test_doccano_sequence_labelling(project):
    path = FIXTURES / "doccano/seq_labeling_export_example.jsonl"
    _import(project, path)
    expected = {t["text"]: ({tuple(x) for x in t["label"]}, set()) for t in _lines(path)}
    assert _stored(project) == expected


def test_doccano_duplicate_span_stored_once_and_reported(project):
    report, _ = _import(project, FIXTURES / "doccano/example_overlapping_duplicate_spans.jsonl")
    assert _stored(project) == {"exampleA": ({(0, 1, "LOC")}, set())}
    assert (report.spans_added, report.spans_duplicate) == (1, 1)
    (summary,) = project.documents()
    assert project.document(summary.id).meta == {"wikiPageID": 1}


def test_labelstudio_legacy_completions(project):
    path = FIXTURES / "labelstudio/legacy_completions_348.json"
    _import(project, path)
    task = json.loads(path.read_text("utf-8"))
    results = task["completions"][0]["result"]
    expected = {(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in results}
    assert _stored(project) == {task["data"]["text"]: (expected, set())}
    text = task["data"]["text"]
    assert text[718:735].startswith(" ")  # the leading space is kept as the tool wrote it
    assert (718, 735, "INGREDIENT") in expected


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("prodigy/rel_component_annotations.jsonl", "prodigy"),
        ("prodigy/news_headlines_ner_excerpt.jsonl", "prodigy"),
        ("spacy/demo.jsonl", "prodigy"),
        ("spacy/demo.spacy", "spacy"),
        ("spacy/v2_offsets_train.json", "spacy-v2"),
        ("doccano/relation_export_example_prettyprinted.jsonl", "doccano"),
        ("doccano/relation_import_example.jsonl", "doccano"),
        ("doccano/seq_labeling_export_example.jsonl", "doccano"),
        ("doccano/example_overlapping_duplicate_spans.jsonl", "doccano"),
        ("labelstudio/legacy_completions_348.json", "labelstudio"),
    ],
)
def test_format_is_detected_from_content(name, fmt):
    assert detect_format(FIXTURES / name) == fmt
