"""Adjudication in the core: adopting annotators' versions into the gold layer."""

from __future__ import annotations

import pytest

from annotator.core.project import GOLD, Project
from annotator.model.errors import ValidationError
from tests.conftest import add_document

TEXT = "Kim said North Korea will send troops. Seoul denied it."


@pytest.fixture
def lead(db_path):
    with Project.open(db_path, annotator="ana") as ana:
        doc = add_document(ana, TEXT, "t")
        claim = ana.add_span(doc, 9, 37, "claim", attributes={"checkworthy": True}).spans_added[0]
        kim = ana.add_span(doc, 0, 3, "source", note="named").spans_added[0]
        ana.add_relation(claim.id, kim.id, attributes={"stance": "asserts"})
    with Project.open(db_path, annotator="ben") as ben:
        ben.add_span(doc, 9, 37, "claim")
        ben.add_span(doc, 39, 44, "source")
    with Project.open(db_path, annotator="lead") as project:
        project.layer = GOLD
        yield project


def test_review_items_group_versions(lead):
    spans, links = lead.review_items(1)
    assert [(s["label"], sorted(s["by"])) for s in spans] == [
        ("source", ["ana"]),
        ("claim", ["ana", "ben"]),
        ("source", ["ben"]),
    ]
    assert [(link["label"], sorted(link["by"])) for link in links] == [("attributed_to", ["ana"])]
    assert all(s["in_layer"] is None for s in spans)


def test_adopting_a_link_brings_its_spans_with_attributes_and_notes(lead):
    _, (link,) = lead.review_items(1)
    change = lead.adopt(relation_ids=[link["by"]["ana"]])
    gold = {(s.label, s.start, s.end): s for s in lead.spans(1)}
    assert set(gold) == {("claim", 9, 37), ("source", 0, 3)}
    assert gold[("claim", 9, 37)].attributes == {"checkworthy": True}
    assert gold[("source", 0, 3)].note == "named"
    assert gold[("source", 0, 3)].origin == "adopted:ana"
    (relation,) = lead.relations(1)
    assert (relation.annotator, relation.attributes) == (GOLD, {"stance": "asserts"})
    assert len(change.spans_added) == 2 and len(change.relations_added) == 1
    events = [
        r["annotator"] for r in lead.db.query("SELECT annotator FROM events WHERE op = 'adopt'")
    ]
    assert events == ["lead"]  # the person who adjudicated, not "gold"


def test_adopting_twice_adds_nothing_and_undo_removes_the_adoption(lead):
    spans, _ = lead.review_items(1)
    claim = next(s for s in spans if s["label"] == "claim")
    first = lead.adopt(span_ids=[claim["by"]["ana"]])
    assert lead.adopt(span_ids=[claim["by"]["ben"]]).is_empty  # same span: already gold
    lead.revert(first)
    assert lead.spans(1) == []


def test_adopting_from_the_layer_itself_is_refused(lead):
    spans, _ = lead.review_items(1)
    change = lead.adopt(span_ids=[spans[0]["by"]["ana"]])
    with pytest.raises(ValidationError, match="already in the 'gold' layer"):
        lead.adopt(span_ids=[change.spans_added[0].id])


def test_gold_layer_exports_alone(lead, tmp_path):
    from annotator.formats.export import ExportFilter
    from annotator.formats.prodigy import export_prodigy, iter_records

    spans, _ = lead.review_items(1)
    lead.adopt(span_ids=[spans[1]["by"]["ben"]])
    export_prodigy(lead, tmp_path / "gold.jsonl", chosen=ExportFilter(annotators=(GOLD,)))
    (record,) = iter_records(tmp_path / "gold.jsonl")
    assert record["_annotator_id"] == GOLD
    assert [s["label"] for s in record["spans"]] == ["claim"]


def test_adopted_claim_is_found_by_search(project, sample_doc):
    from annotator.core.project import GOLD
    from annotator.services.search import search

    text = project.document(sample_doc).text
    start = text.find("North Korean soldiers")
    claim = project.add_span(sample_doc, start, start + 40, "claim").spans_added[0]
    project.layer = GOLD
    project.adopt([claim.id])
    hits = search(project, "soldiers", kinds=["claim"])
    assert sorted({h.span_id for h in hits}) == sorted(
        s.id for s in project.spans(sample_doc, annotator=None)
    )
