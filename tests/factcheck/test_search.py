"""Full-text search: phrases, prefixes, filters, ranking, and the index following edits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model.errors import AnnotatorError
from annotator.services.claims import claim_rows
from annotator.services.search import search
from tests.conftest import add_document
from tests.factcheck.conftest import MISSILES


def _kinds(hits):
    return [(h.kind, h.document_id) for h in hits]


def test_phrase_matches_only_the_exact_sequence(annotated):
    assert _kinds(search(annotated, '"highly likely"', kinds=("article",))) == [("article", 1)]
    assert search(annotated, '"likely highly"') == []


def test_prefix_search(annotated):
    hits = search(annotated, "Pyong*", kinds=("article",))
    assert hits and "[Pyongyang]" in hits[0].snippet


def test_words_with_hyphens_are_searched_as_typed(annotated):
    assert search(annotated, "Kim Yong-hyun", kinds=("article",))


def test_claim_hits_point_at_the_claim_span(annotated):
    claim = next(r for r in claim_rows(annotated) if r.text == MISSILES)
    hits = search(annotated, "missiles", kinds=("claim",))
    assert claim.span_id in [h.span_id for h in hits]


def test_records_notes_and_evidence_are_searched(annotated):
    claim = next(r for r in claim_rows(annotated) if r.text == MISSILES).span_id
    annotated.set_claim_record(
        claim, normalized="Russia uses DPRK missiles", verdict="Unproven so far"
    )
    annotated.add_evidence(
        claim,
        "https://example.org/ukraine-debris",
        stance="context",
        quote="debris of a KN-23 was found near Kharkiv",
    )
    source = next(s for s in annotated.spans(1) if s.label == "source")
    annotated.set_span_note(source.id, "ministry briefing transcript")
    annotated.set_document_note(1, "wire copy, check the Yonhap original")
    assert [h.span_id for h in search(annotated, "DPRK")] == [claim]
    assert [h.span_id for h in search(annotated, "Kharkiv")] == [claim]
    assert [h.span_id for h in search(annotated, "transcript")] == [source.id]
    assert [h.kind for h in search(annotated, "Yonhap")] == ["document_note"]


def test_index_follows_delete_and_undo(annotated):
    claim = next(r for r in claim_rows(annotated) if r.text == MISSILES).span_id
    change = annotated.delete_span(claim)
    assert claim not in [h.span_id for h in search(annotated, "missiles", kinds=("claim",))]
    annotated.revert(change)
    assert claim in [h.span_id for h in search(annotated, "missiles", kinds=("claim",))]


def test_filters_by_status_outlet_and_date(annotated):
    other = add_document(annotated, "Missiles were shown at a parade in Pyongyang.", "parade")
    annotated.set_document_meta(1, outlet="AFP", published="2024-10-08")
    annotated.set_document_meta(other, outlet="Reuters", published="2024-11-02")
    claim = next(r for r in claim_rows(annotated) if r.text == MISSILES).span_id
    annotated.set_claim_record(claim, status="false")
    assert _kinds(search(annotated, "missiles", kinds=("article",), outlet="reuters")) == [
        ("article", other)
    ]
    assert _kinds(
        search(annotated, "missiles", kinds=("article",), published_from="2024-11-01")
    ) == [("article", other)]
    assert _kinds(search(annotated, "missiles", kinds=("article",), published_to="2024-10-31")) == [
        ("article", 1)
    ]
    assert [h.span_id for h in search(annotated, "missiles", status="false")] == [claim]
    assert search(annotated, "missiles", status="verified") == []


def test_ranking_prefers_the_article_about_it(project):
    about = add_document(
        project, "Missiles. " + "The missiles were fired; missiles again. " * 5, "about"
    )
    mention = add_document(
        project, "A long report on farming. " * 20 + "One word on missiles.", "mention"
    )
    hits = search(project, "missiles", kinds=("article",))
    assert [h.document_id for h in hits] == [about, mention]


def test_title_hits(project):
    doc = add_document(project, "Body text without the word.", "Seoul briefing")
    assert _kinds(search(project, "briefing")) == [("title", doc)]


def test_empty_query_is_refused(project):
    with pytest.raises(AnnotatorError, match="empty"):
        search(project, "  ")


def test_cli_search(annotated, db_path):
    result = CliRunner().invoke(cli, ["search", '"highly likely"', "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["kind"] == "article" and "[highly likely]" in hits[0]["snippet"]


def test_filters_by_annotator_and_a_month_for_the_last_date(annotated):
    annotated.set_document_meta(1, published="2024-10-08")
    claim = next(r for r in claim_rows(annotated) if r.text == MISSILES).span_id
    mine = search(annotated, "missiles", kinds=("claim",), annotator=annotated.annotator)
    assert claim in [h.span_id for h in mine]
    assert search(annotated, "missiles", kinds=("claim",), annotator="nobody") == []
    in_october = search(annotated, "missiles", kinds=("article",), published_to="2024-10")
    assert _kinds(in_october) == [("article", 1)]  # the whole month up to the 31st
