"""Suggested structures: stored from the attribution rules, accepted whole in one change."""

from __future__ import annotations

import pytest

from annotator.core.project import ATTRIBUTION_SOURCE, Suggestion
from annotator.text.attribution import extract_attributions, to_layers


@pytest.fixture
def stored(project, sample_doc):
    text = project.document(sample_doc).text
    layers = to_layers(extract_attributions(text))
    project.store_structures({sample_doc: layers})
    return layers


def _first(project, document_id, label):
    return next(s for s in project.suggestions(document_id) if s.label == label)


def test_store_structures_keeps_spans_and_links_with_their_attributes(project, sample_doc, stored):
    links = project.suggested_links(sample_doc)
    assert len(links) == len(stored.links)
    attributed = [link for link in links if link.label == "attributed_to"]
    assert attributed and all(link.head[0] == "claim" for link in attributed)
    assert all(link.child[0] == "source" for link in attributed)
    text = project.document(sample_doc).text
    for link in attributed:
        assert link.attributes["stance"] in ("asserts", "denies", "questions")
        for start, end in link.attributes["cue"]:
            assert 0 <= start < end <= len(text)
    assert {s.source for s in project.suggestions(sample_doc) if s.label == "claim"} == {
        ATTRIBUTION_SOURCE
    }


def test_store_structures_again_changes_nothing(project, sample_doc, stored):
    assert project.store_structures({sample_doc: stored}).rows == ()


def test_store_structures_replaces_open_ones_and_leaves_decided_ones(project, sample_doc, stored):
    claim = _first(project, sample_doc, "claim")
    project.accept_structure(sample_doc, claim)
    empty = type(stored)((), ())
    project.store_structures({sample_doc: empty})
    assert project.suggested_links(sample_doc) == []
    assert [s for s in project.suggestions(sample_doc) if s.source == ATTRIBUTION_SOURCE] == []
    decided = project.db.execute(
        "SELECT count(*) FROM suggested_relations WHERE status = 'accepted'"
    ).fetchone()[0]
    assert decided == 2  # attributed_to and hedges of the accepted structure


def test_accept_structure_adds_every_part_in_one_undoable_change(project, sample_doc, stored):
    claim = _first(project, sample_doc, "claim")
    places, _ = project.structure_at(sample_doc, claim.place)
    assert {label for label, _, _ in places} == {"claim", "source", "hedge"}
    change = project.accept_structure(sample_doc, claim)
    spans = project.spans(sample_doc)
    assert sorted((s.label, s.start, s.end) for s in spans) == sorted(
        (label, start, end) for label, start, end in places
    )
    assert all(s.origin == ATTRIBUTION_SOURCE for s in spans)
    relations = {r.label: r for r in project.relations(sample_doc)}
    assert set(relations) == {"attributed_to", "hedges"}
    cue = relations["attributed_to"].attributes["cue"]
    text = project.document(sample_doc).text
    assert [text[s:e] for s, e in cue] == ["stated"]
    assert relations["attributed_to"].attributes["stance"] == "asserts"
    assert not {p for p in places} & {s.place for s in project.suggestions(sample_doc)}
    project.revert(change)
    assert project.spans(sample_doc) == [] and project.relations(sample_doc) == []
    assert len(project.suggested_links(sample_doc)) == len(stored.links)


def test_accept_structure_uses_an_existing_annotation(project, sample_doc, stored):
    claim = _first(project, sample_doc, "claim")
    project.add_span(sample_doc, claim.start, claim.end, "claim")
    project.accept_structure(sample_doc, claim)
    claims = [s for s in project.spans(sample_doc) if s.label == "claim"]
    assert len(claims) == 1 and claims[0].origin == "manual"
    assert {r.label for r in project.relations(sample_doc)} == {"attributed_to", "hedges"}


def test_rejected_part_takes_its_links_and_stays_rejected(project, sample_doc, stored):
    claim = _first(project, sample_doc, "claim")
    project.reject_suggestion(sample_doc, claim)
    assert all(claim.place not in (k.head, k.child) for k in project.suggested_links(sample_doc))
    project.store_structures({sample_doc: stored})
    assert claim.place not in {s.place for s in project.suggestions(sample_doc)}
    assert all(claim.place not in (k.head, k.child) for k in project.suggested_links(sample_doc))
    alone = Suggestion(claim.start, claim.end, "claim", ATTRIBUTION_SOURCE)
    assert project.structure_at(sample_doc, alone.place) == ([claim.place], [])


def test_relabel_suggestion_moves_the_links_it_keeps_and_drops_the_others(
    project, sample_doc, stored
):
    claim = _first(project, sample_doc, "claim")
    _, links = project.structure_at(sample_doc, claim.place)
    assert {k.label for k in links} == {"attributed_to", "hedges"}
    source = next(k.child for k in links if k.label == "attributed_to")
    suggestion = next(s for s in project.suggestions(sample_doc) if s.place == source)
    change = project.relabel_suggestion(sample_doc, suggestion, "actor")
    actor = ("actor", suggestion.start, suggestion.end)
    assert actor in {s.place for s in project.suggestions(sample_doc)}
    assert source not in {s.place for s in project.suggestions(sample_doc)}
    _, after = project.structure_at(sample_doc, claim.place)
    assert {k.label for k in after} == {"hedges"}  # claim -> actor is no attributed_to
    project.revert(change)
    _, again = project.structure_at(sample_doc, claim.place)
    assert {k.label for k in again} == {"attributed_to", "hedges"}


@pytest.mark.parametrize(
    ("label", "head", "child", "allowed"),
    [
        ("attributed_to", "claim", "source", True),
        ("attributed_to", "actor", "source", False),
        ("hedges", "hedge", "claim", True),
        ("hedges", "claim", "hedge", False),
        ("same_as", "source", "source", True),
    ],
)
def test_schema_allows_link_by_type_and_end_labels(project, label, head, child, allowed):
    assert project.schema.allows_link(label, head, child) is allowed


def test_fit_to_schema_leaves_out_labels_and_links_the_project_lacks(project, stored):
    from dataclasses import replace
    from types import SimpleNamespace

    from annotator.services.suggest import fit_to_schema

    schema = project.schema
    without_hedge = replace(schema, labels=tuple(x for x in schema.labels if x.name != "hedge"))
    fitted = fit_to_schema(SimpleNamespace(schema=without_hedge), stored)
    assert {label for _, _, label in fitted.spans} == {"claim", "source"}
    assert {label for _, _, label, _ in fitted.links} == {"attributed_to", "same_as"}
    for head, child, _, _ in fitted.links:
        assert fitted.spans[head][2] in ("claim", "source")
        assert fitted.spans[child][2] == "source"
