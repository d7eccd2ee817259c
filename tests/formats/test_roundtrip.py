"""Round trips through real files, over random Unicode texts (astral characters included)
with random overlapping spans, links, attributes and notes:

- native: export → import into an empty project → export gives the same bytes;
- every other format: import(export(x)) keeps every span and link the format can hold,
  and the export report lists exactly the ones it cannot (``report.lost``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, RelationIn, SchemaIn, SpanIn, StatusIn
from annotator.store import queries
from annotator.text import get_nlp, tokenize

get_nlp("en")  # load spaCy before Hypothesis runs strategies (loading touches `random`)

ALPHABET = st.sampled_from(
    [
        *"abc xyz,.'\n\t#",
        "\u00a0",
        "é",
        "e\u0301",
        "東京",
        "🇺🇦",
        "👩\u200d👩\u200d👧",
        "😀",
        "\u2028",
        "\r\n",
        "ß",
        "“",
        "”",
        "—",
    ]
)
texts = st.lists(ALPHABET, min_size=3, max_size=40).map("".join).filter(lambda t: t.strip())
ATTRIBUTES = {
    "claim": st.fixed_dictionaries({}, optional={"checkworthy": st.booleans()}),
    "source": st.fixed_dictionaries(
        {}, optional={"specificity": st.sampled_from(["named_person", "vague"])}
    ),
    "actor": st.just({}),
    "hedge": st.just({}),
}
SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def documents(draw) -> DocumentIn:
    text = draw(texts)
    offsets = tokenize(text)
    words = [(s, e) for s, e in zip(offsets.starts, offsets.ends, strict=True) if text[s:e].strip()]
    spans: list[SpanIn] = []
    for _ in range(draw(st.integers(0, 6)) if words else 0):
        first = draw(st.integers(0, len(words) - 1))
        last = draw(st.integers(first, min(first + 3, len(words) - 1)))
        start, end = words[first][0], words[last][1]
        if draw(st.booleans()) and end - start > 1 and draw(st.integers(0, 4)) == 0:
            end -= 1  # now and then a span that does not align to tokens
        label = draw(st.sampled_from(["claim", "source", "actor", "hedge"]))
        spans.append(
            SpanIn(
                start,
                end,
                label,
                annotator=draw(st.sampled_from(["alice", "bob"])),
                attributes=draw(ATTRIBUTES[label]),
                note=draw(st.sampled_from(["", "", "check this", "two\nlines"])),
            )
        )
    allowed = {
        ("claim", "source"): "attributed_to",
        ("hedge", "claim"): "hedges",
        ("claim", "actor"): "involves",
    }
    relations = []
    for i, head in enumerate(spans):
        for j, child in enumerate(spans):
            name = allowed.get((head.label, child.label))
            same = (head.start, head.end) == (child.start, child.end)
            if name and head.annotator == child.annotator and not same and draw(st.booleans()):
                attributes = (
                    {"stance": "denies"} if name == "attributed_to" and draw(st.booleans()) else {}
                )
                relations.append(RelationIn(i, j, name, head.annotator, attributes))
    return DocumentIn(
        text=text,
        title="t",
        where="generated",
        spans=spans,
        relations=relations,
        statuses=[StatusIn("alice", "done")],
    )


def _load(records) -> Project:
    project = Project.open(":memory:", annotator="importer")
    import_documents(project, records)
    return project


def _spans(project: Project) -> set[tuple]:
    result = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        for s in project.spans(summary.id, annotator=None):
            result.add((text, s.annotator, s.label, s.start, s.end))
    return result


def _relations(project: Project) -> set[tuple]:
    result = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        spans = {s.id: s for s in project.spans(summary.id, annotator=None)}
        for r in project.relations(summary.id, annotator=None):
            head, child = spans[r.head_id], spans[r.child_id]
            result.add(
                (
                    text,
                    r.annotator,
                    r.label,
                    head.label,
                    head.start,
                    head.end,
                    child.label,
                    child.start,
                    child.end,
                )
            )
    return result


def _roundtrip(project: Project, fmt: str, folder: Path, **options):
    """Export, then import what was written into a new project."""
    out = folder / ("out" if fmt in ("brat",) else f"out.{fmt}")
    report = export(project, fmt, out, **options)
    schema = SchemaIn()
    fmt_in = {"spacy": "spacy", "conll": "conll"}.get(fmt, fmt)
    records = list(read_paths([out], fmt_in, [], schema=schema))
    again = Project.open(":memory:", annotator="importer")
    import_documents(again, records, schema=schema)
    return report, again


def _lost_spans(project: Project, report) -> set[tuple]:
    texts = {d.id: project.document(d.id).text for d in project.documents()}
    return {(texts[lost.document_id], *lost.item) for lost in report.lost if lost.what == "span"}


def _lost_links(project: Project, report) -> set[tuple]:
    texts = {d.id: project.document(d.id).text for d in project.documents()}
    result = set()
    for lost in report.lost:
        if lost.what == "link":
            annotator, label, head, child = lost.item
            result.add((texts[lost.document_id], annotator, label, *head[1:], *child[1:]))
    return result


@SLOW
@given(st.lists(documents(), min_size=1, max_size=3))
def test_native_roundtrip_is_byte_identical(records):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = _load(records)
        export(project, "native", folder / "a.jsonl")
        _, again = _roundtrip(project, "native", folder)
        export(again, "native", folder / "b.jsonl")
        assert (folder / "a.jsonl").read_bytes() == (folder / "b.jsonl").read_bytes()


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio", "spacy"])
@SLOW
@given(records=st.lists(documents(), min_size=1, max_size=3))
def test_formats_keep_what_they_can_and_report_the_rest(fmt, records):
    with tempfile.TemporaryDirectory() as tmp:
        project = _load(records)
        report, again = _roundtrip(project, fmt, Path(tmp))
        assert _spans(again) == _spans(project) - _lost_spans(project, report)
        assert _relations(again) == _relations(project) - _lost_links(project, report)
        _check_extras(project, again, report)


@SLOW
@given(records=st.lists(documents(), min_size=1, max_size=3))
def test_brat_keeps_spans_links_attributes_and_notes(records):
    """Each layer is its own file pair; the annotator and status come back from the
    ``annotator-layers.json`` beside them."""
    with tempfile.TemporaryDirectory() as tmp:
        project = _load(records)
        report, again = _roundtrip(project, "brat", Path(tmp))
        assert _spans(again) == _spans(project)
        assert _relations(again) == _relations(project)
        assert not [lost for lost in report.lost if lost.what in ("span", "link")]
        assert _statuses(again) == _statuses(project)


def _statuses(project: Project) -> set[tuple]:
    return {
        (project.document(d.id).text, annotator, status)
        for d in project.documents()
        for annotator, status in queries.statuses_of(project.db, d.id).items()
    }


def _check_extras(project: Project, again: Project, report) -> None:
    """Attributes and notes survive unless the report says they are lost."""
    lost = {(lost.what, lost.item) for lost in report.lost}
    by_key = {}
    for summary in again.documents():
        text = again.document(summary.id).text
        for s in again.spans(summary.id, annotator=None):
            by_key[(text, s.annotator, s.label, s.start, s.end)] = s
    for summary in project.documents():
        text = project.document(summary.id).text
        for s in project.spans(summary.id, annotator=None):
            key = (s.annotator, s.label, s.start, s.end)
            if ("span", key) in lost:
                continue
            copy = by_key[(text, *key)]
            if ("attributes", key) not in lost:
                assert copy.attributes == s.attributes
            if ("note", key) not in lost:
                assert copy.note == s.note


@pytest.mark.parametrize("comments", [False, True])
@SLOW
@given(records=st.lists(documents(), min_size=1, max_size=2))
def test_conll_keeps_each_label_layer_and_reports_overlaps(comments, records):
    """CoNLL rebuilds the text from tokens, so compare labels and token texts (with the
    separator lines of the default and with our comment lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        project = _load(records)
        report, again = _roundtrip(project, "conll", Path(tmp), comments=comments)
        lost = {(lost.document_id, lost.item) for lost in report.lost if lost.what == "span"}
        expected = set()
        for summary in project.documents():
            doc = project.spacy_doc(summary.id)
            for s in project.spans(summary.id, annotator=None):
                if (summary.id, (s.annotator, s.label, s.start, s.end)) in lost:
                    continue
                words = [t.text for t in doc if s.start <= t.idx < s.end and not t.is_space]
                expected.add((s.annotator, s.label, " ".join(words)))
        found = set()
        for summary in again.documents():
            text = again.document(summary.id).text
            for s in again.spans(summary.id, annotator=None):
                found.add((s.label, text[s.start : s.end]))
        assert found == {item[1:] for item in expected}
        assert len(_lost_links(project, report)) == len(_relations(project))
