"""brat: notes on links and events (brat's own tutorial data), annotators and statuses
kept through export → import, and our output read by an independent brat reader
(``bratly``, from the package index)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.brat import CONTINUES, SIDECAR
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, RelationIn, SchemaIn, SpanIn, StatusIn
from annotator.store import queries
from tests.conftest import TRICKY_TEXT

ONE_LINE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
TUTORIAL = FIXTURES / "brat" / "110-note_annotation.ann"


def _import(project, *paths):
    messages: list[str] = []
    schema = SchemaIn()
    records = list(read_paths(list(paths), "auto", messages, schema=schema))
    return import_documents(project, records, schema=schema), messages


def _ann_lines(path: Path) -> dict[str, list[str]]:
    """The tutorial's lines by id, read here independently of the importer."""
    return {line.split("\t")[0]: line.split("\t")[1:] for line in path.read_text().splitlines()}


def test_brat_tutorial_notes_on_relations_and_events_are_kept(project):
    _import(project, TUTORIAL)
    lines = _ann_lines(TUTORIAL)
    text = TUTORIAL.with_suffix(".txt").read_text("utf-8")
    (summary,) = project.documents()
    spans = {s.id: s for s in project.spans(summary.id, annotator=None)}
    assert len(spans) == sum(ident.startswith("T") for ident in lines)

    def where(ref: str) -> tuple[int, int]:
        _, start, end = lines[ref][0].split()
        return int(start), int(end)

    notes = {ident: fields for ident, fields in lines.items() if ident.startswith("#")}
    by_target = {fields[0].split()[1]: fields[1] for fields in notes.values()}
    # on a span: its note; on an event: its trigger's note; on a relation: the link's note
    span_notes = {(s.start, s.end): s.note for s in spans.values() if s.note}
    trigger = lines["E1"][0].split()[0].split(":")[1]
    assert span_notes == {where("T1"): by_target["T1"], where(trigger): by_target["E1"]}
    relation = lines["R1"][0].split()
    family = [
        r
        for r in project.relations(summary.id, annotator=None)
        if (spans[r.head_id].start, spans[r.head_id].end) == where(relation[1].split(":")[1])
    ]
    assert [(r.label, r.attributes) for r in family] == [(relation[0], {"note": by_target["R1"]})]
    assert text[slice(*where("T6"))] == "Orville Wright"


def test_brat_note_on_a_link_is_written_back_on_its_relation(project, tmp_path):
    _import(project, TUTORIAL)
    export(project, "brat", tmp_path / "out")
    (ann,) = (tmp_path / "out").glob("*.ann")
    lines = _ann_lines(ann)
    (note,) = [f for i, f in lines.items() if i.startswith("#") and f[0].split()[1][0] == "R"]
    relation = lines[note[0].split()[1]]
    assert relation[0].startswith("Family ")
    assert note[1] == "Should this be marked? It's not explicitly stated."


@pytest.fixture
def two_annotators(project):
    text = "Kyiv said the strike probably hit depots."
    import_documents(
        project,
        [
            DocumentIn(
                text=text,
                title="Strike / report: day 1",
                where="a",
                spans=[SpanIn(0, 4, "source", "alice"), SpanIn(14, 20, "claim", "alice")],
                relations=[RelationIn(1, 0, "attributed_to", "alice", {"note": "cue: said"})],
                statuses=[StatusIn("alice", "done"), StatusIn("bob", "skipped")],
            ),
            DocumentIn(
                text=text,
                title="Strike / report: day 1",
                where="b",
                spans=[SpanIn(0, 4, "actor", "bob"), SpanIn(21, 29, "hedge", "bob")],
                statuses=[StatusIn("carol", "done")],  # done, nothing to mark
            ),
        ],
    )
    return project


def _state(project):
    (summary,) = project.documents()
    spans = project.spans(summary.id, annotator=None)
    by_id = {s.id: s for s in spans}
    return (
        project.document(summary.id).title,
        sorted((s.annotator, s.label, s.start, s.end) for s in spans),
        sorted(
            (r.annotator, r.label, by_id[r.head_id].label, by_id[r.child_id].label, r.attributes)
            for r in project.relations(summary.id, annotator=None)
        ),
        sorted(
            (row["annotator"], row["status"], row["answer"])
            for row in queries.status_rows(project.db, summary.id)
        ),
    )


def test_brat_export_then_import_keeps_annotators_titles_and_statuses(two_annotators, tmp_path):
    report = export(two_annotators, "brat", tmp_path / "out", chosen=None)
    assert not report.lost
    assert sorted(p.name for p in (tmp_path / "out").glob("*.ann")) == [
        "Strike _ report_ day 1.alice.ann",
        "Strike _ report_ day 1.bob.ann",
        "Strike _ report_ day 1.carol.ann",
    ]
    again = Project.open(":memory:", annotator="importer")
    _, messages = _import(again, tmp_path / "out")
    assert _state(again) == _state(two_annotators)
    assert not [m for m in messages if SIDECAR in m]  # read with the pairs, not skipped


def test_brat_pairs_without_the_sidecar_still_import(two_annotators, tmp_path):
    export(two_annotators, "brat", tmp_path / "out")
    (tmp_path / "out" / SIDECAR).unlink()
    again = Project.open(":memory:", annotator="importer")
    _import(again, tmp_path / "out")
    assert {s[0] for s in _state(again)[1]} == {"importer"}


def test_a_sidecar_that_is_not_ours_is_ignored(tmp_path, project):
    (tmp_path / "a.txt").write_text("Kyiv said it.", "utf-8")
    (tmp_path / "a.ann").write_text("T1\tsource 0 4\tKyiv\n", "utf-8")
    (tmp_path / SIDECAR).write_text(json.dumps({"files": {"a.ann": {"annotator": "x"}}}))
    _import(project, tmp_path / "a.ann")
    assert {s[0] for s in _state(project)[1]} == {project.annotator}


# -- an independent reader ----------------------------------------------------------------


def _tricky_project() -> Project:
    """Emoji, CJK, combining marks, CRLF, U+2028, tabs; a discontinuous span; notes with
    line breaks; a note on a link; attributes; two annotators."""
    text = TRICKY_TEXT

    def at(word: str) -> tuple[int, int]:
        start = text.index(word)
        return start, start + len(word)

    project = Project.open(":memory:", annotator="alice")
    spans = [
        SpanIn(*at("🇺🇦"), "actor", "alice", note="a flag\nnot a word"),
        SpanIn(*at("family 👩‍👩‍👧"), "actor", "alice"),
        SpanIn(
            *at("東京 was cafe\u0301 quiet"), "claim", "alice", attributes={"checkworthy": True}
        ),
        SpanIn(*at("line\u2028sep"), "claim", "bob"),
        SpanIn(*at("Tab\there"), "source", "bob"),
        SpanIn(*at("the 🚀 strike"), "claim", "bob"),
        SpanIn(*at("aimed at 北京 depots"), "claim", "bob"),
        SpanIn(*at("probably"), "hedge", "bob", attributes={"strength": "probable"}),
    ]
    relations = [
        RelationIn(6, 5, CONTINUES, "bob"),  # one claim in two parts
        RelationIn(5, 4, "attributed_to", "bob", {"note": "cue\tsaid"}),
        RelationIn(7, 5, "hedges", "bob"),
    ]
    import_documents(
        project,
        [DocumentIn(text=text, title="tricky", where="t", spans=spans, relations=relations)],
    )
    return project


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # bratly's pydantic models
def test_brat_output_reads_with_an_independent_brat_reader(tmp_path, capsys):
    from bratly import EntityAnnotation, NoteAnnotation, RelationAnnotation
    from bratly.io import read_and_load_ann_file

    export(_tricky_project(), "brat", tmp_path / "out")
    anns = sorted((tmp_path / "out").glob("*.ann"))
    assert [a.name for a in anns] == ["tricky.alice.ann", "tricky.bob.ann"]
    counts = {}
    for ann in anns:
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        assert text == TRICKY_TEXT
        collection = read_and_load_ann_file(
            str(ann), no_duplicates=False, sorting=False, renumerotize=False
        )
        assert "Issue with parsing" not in capsys.readouterr().out
        entities = collection.get_annotations(EntityAnnotation)
        for entity in entities:
            parts = [text[f.start : f.end] for f in entity.fragments]
            # one line: tabs and whatever str.splitlines breaks at are written as spaces
            assert entity.content == ONE_LINE.sub(" ", " ".join(parts))
        counts[ann.name] = (
            len(entities),
            sum(len(e.fragments) for e in entities),
            len(collection.get_annotations(RelationAnnotation)),
            len(collection.get_annotations(NoteAnnotation)),
        )
    assert counts == {"tricky.alice.ann": (3, 3, 0, 1), "tricky.bob.ann": (4, 5, 2, 1)}


def test_brat_layer_without_annotations_is_an_empty_ann_file(project, sample_doc, tmp_path):
    """A done layer with nothing marked: brat readers warn about a blank line."""
    from annotator.formats.reader import read_paths
    from annotator.formats.writers import export

    project.set_status(sample_doc, "done")
    export(project, "brat", tmp_path / "out")
    (ann,) = (tmp_path / "out").glob("*.ann")
    assert ann.read_bytes() == b""
    (record,) = read_paths([tmp_path / "out"], "auto", [])
    assert record.spans == [] and record.statuses[0].status == "done"
