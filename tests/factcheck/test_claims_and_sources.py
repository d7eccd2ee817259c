"""The claims view data, claim records, evidence, matches, sources, article details."""

from __future__ import annotations

import pytest

from annotator.core.claim_matching import similar_claims, suggest_claim_matches
from annotator.model.errors import ValidationError
from annotator.services.claims import claim_rows, source_table, vague_shares
from annotator.services.duplicates import repeated_passages
from tests.conftest import add_document
from tests.factcheck.conftest import MISSILES, TEXT, add


def test_missiles_claim_has_one_asserting_and_one_denying_source(annotated):
    row = next(r for r in claim_rows(annotated) if r.text == MISSILES)
    assert [(s["text"], s["stance"]) for s in row.sources] == [
        ("Specialists", "asserts"),
        ("both Moscow and Pyongyang", "denies"),
    ]
    assert row.checkworthy is True and row.status == "unstarted"
    assert not row.vague  # one named source among them


def test_first_claim_shows_hedge_actor_and_source(annotated):
    row = claim_rows(annotated)[0]
    assert row.hedges == ["probably"]
    assert row.actors == ["North Korean soldiers"]
    assert [s["text"] for s in row.sources] == ["South Korea’s defense minister"]
    unsourced = next(r for r in claim_rows(annotated) if "cruise" in r.text)
    assert unsourced.vague  # no source at all counts as vague


def test_duplicate_passages_are_exactly_the_two_repeated_sentences(project, sample_doc):
    found = repeated_passages(project, sample_doc)
    assert sorted(p.text for p in found) == [
        "In recent years, the nuclear-armed North has openly strengthened its military "
        "relationship with Moscow.",
        "South Korea also alleges that Pyongyang has shipped thousands of containers filled "
        "with weapons to Russia for deployment in Ukraine.",
    ]
    for passage in found:
        assert len(passage.occurrences) == 2
        assert all(TEXT[s:e] == passage.text for s, e in passage.occurrences)


def test_claim_record_edit_and_undo(annotated):
    claim = claim_rows(annotated)[0].span_id
    change = annotated.set_claim_record(
        claim,
        status="verified",
        normalized="NK troops fight in Ukraine",
        verdict="Confirmed by two ministries.",
        assignee="dana",
    )
    record = annotated.claim_record(claim)
    assert (record["status"], record["normalized"], record["assignee"]) == (
        "verified",
        "NK troops fight in Ukraine",
        "dana",
    )
    annotated.revert(change)
    assert annotated.claim_record(claim)["status"] == "unstarted"
    history = list(
        annotated.db.query("SELECT annotator, op FROM events WHERE op LIKE '%claim_record'")
    )
    assert history == [
        {"annotator": "alice", "op": "set_claim_record"},
        {"annotator": "alice", "op": "undo:set_claim_record"},
    ]


def test_claim_history_says_who_changed_what(annotated):
    claim = claim_rows(annotated)[0].span_id
    annotated.set_claim_record(claim, status="in_progress")
    annotated.set_annotator("bob")
    annotated.add_evidence(claim, "https://example.org/report", stance="supports")
    change = annotated.set_claim_record(claim, status="verified", rating="True")
    annotated.revert(change)
    history = [(h["annotator"], h["what"]) for h in annotated.claim_history(claim)]
    assert history == [
        ("alice", "status: unstarted → in_progress"),
        ("bob", "added evidence (supports) https://example.org/report"),
        ("bob", "status: in_progress → verified; rating: — → True"),
        ("bob", "status: verified → in_progress; rating: True → —"),
    ]


def test_unknown_status_refused_and_custom_status_allowed(annotated):
    claim = claim_rows(annotated)[0].span_id
    with pytest.raises(ValidationError, match="unknown status"):
        annotated.set_claim_record(claim, status="satire")
    annotated.add_claim_status("satire")
    annotated.set_claim_record(claim, status="satire")
    assert annotated.claim_record(claim)["status"] == "satire"


def test_evidence_and_deleting_the_claim_takes_record_and_evidence_along(annotated):
    claim = claim_rows(annotated)[1].span_id
    annotated.set_claim_record(claim, status="false")
    annotated.add_evidence(
        claim,
        "https://example.org/report",
        stance="refutes",
        quote="no North Korean missiles were found",
        retrieved="2024-10-09",
    )
    assert annotated.claim_record(claim)["evidence"][0]["stance"] == "refutes"
    change = annotated.delete_span(claim)
    assert annotated.db.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
    annotated.revert(change)
    record = annotated.claim_record(claim)
    assert record["status"] == "false" and len(record["evidence"]) == 1
    with pytest.raises(ValidationError, match="stance"):
        annotated.add_evidence(claim, "x", stance="maybe")


def test_only_claims_have_records(annotated):
    source = next(s for s in annotated.spans(1) if s.label == "source")
    with pytest.raises(ValidationError, match="only claim spans"):
        annotated.set_claim_record(source.id, status="verified")


def test_similar_claims_across_articles_are_suggested_and_confirmed_ones_share_status(annotated):
    other_doc = add_document(
        annotated,
        "Analysts repeat that Russian forces are using North Korean missiles in Ukraine, again.",
        "second",
    )
    start = annotated.document(other_doc).text.find(MISSILES)
    copy = annotated.add_span(other_doc, start, start + len(MISSILES), "claim").spans_added[0]
    main = next(r for r in claim_rows(annotated) if r.text == MISSILES and r.document_id == 1)
    pairs = similar_claims(annotated)
    assert (main.span_id, copy.id) in [(a, b) for a, b, _ in pairs]
    suggest_claim_matches(annotated)
    annotated.set_claim_record(main.span_id, status="false")
    annotated.set_match(main.span_id, copy.id, "confirmed")
    assert annotated.claim_record(copy.id)["status"] == "false"
    assert annotated.claim_record(copy.id)["shared"]
    shown = next(r for r in claim_rows(annotated) if r.span_id == copy.id)
    assert (shown.status, shown.shared_with) == ("false", main.span_id)


def test_a_hand_made_same_claim_link_shares_the_record(annotated):
    repeated = "South Korea also alleges that Pyongyang has shipped thousands of containers"
    first, second = (add(annotated, repeated, "claim", nth=n).id for n in (0, 1))
    annotated.add_relation(first, second, "same_claim")
    annotated.set_claim_record(second, status="misleading")  # edits the main record
    assert annotated.claim_record(first)["status"] == "misleading"
    shown = next(r for r in claim_rows(annotated) if r.span_id == second)
    assert (shown.status, shown.shared_with) == ("misleading", first)


def test_matches_across_articles_make_no_link(annotated):
    other_doc = add_document(annotated, MISSILES + ".", "b")
    copy = annotated.add_span(other_doc, 0, len(MISSILES), "claim").spans_added[0]
    main = next(r for r in claim_rows(annotated) if r.text == MISSILES)
    change = annotated.set_match(main.span_id, copy.id, "confirmed")
    assert [row.table for row in change.rows] == ["claim_matches"]


def test_rejected_matches_are_not_suggested_again(annotated):
    other_doc = add_document(
        annotated, "Russian forces are using North Korean missiles in Ukraine.", "b"
    )
    copy = annotated.add_span(other_doc, 0, len(MISSILES), "claim").spans_added[0]
    main = next(r for r in claim_rows(annotated) if r.text == MISSILES and r.document_id == 1)
    annotated.set_match(main.span_id, copy.id, "rejected")
    assert all({a, b} != {main.span_id, copy.id} for a, b, _ in similar_claims(annotated))


def test_sources_view_and_vague_shares(annotated):
    table = {e["source"]: e for e in source_table(annotated)}
    assert table["Specialists"]["claims"] == 1
    assert table["Specialists"]["specificity"] == {"vague": 1}
    assert table["both Moscow and Pyongyang"]["stances"] == {"denies": 1}
    (share,) = vague_shares(annotated)
    assert (share["claims"], share["vague"]) == (3, 1)  # the cruise-missile claim has no source


def test_article_details_edit_and_undo(project, sample_doc):
    change = project.set_document_meta(
        sample_doc,
        author="AFP staff",
        url="https://afp.example/a",
        published="2024-10-08",
        title="NK troops",
    )
    document = project.document(sample_doc)
    assert document.meta["author"] == "AFP staff" and document.title == "NK troops"
    project.revert(change)
    assert "author" not in project.document(sample_doc).meta
    with pytest.raises(ValidationError, match="no editable text"):
        project.set_document_meta(sample_doc, text="changed")


def test_article_language_change_retokenises_and_undoes(project, sample_doc):
    from annotator.store import queries

    project.token_offsets(sample_doc)
    change = project.set_document_meta(sample_doc, lang="de")
    project.token_offsets(sample_doc)
    assert "/de/" in queries.stored_tokens(project.db, sample_doc).tokenizer
    project.revert(change)
    assert project.document(sample_doc).lang == "en"
    project.token_offsets(sample_doc)
    assert "/en/" in queries.stored_tokens(project.db, sample_doc).tokenizer


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lang", "English", "not a language code"),
        ("lang", "", "not a language code"),
        ("published", "8 October 2024", "is a date"),
        ("retrieved", "2024/10/08", "is a date"),
    ],
)
def test_article_details_refuse_bad_values(project, sample_doc, field, value, message):
    with pytest.raises(ValidationError, match=message):
        project.set_document_meta(sample_doc, **{field: value})
    assert project.document(sample_doc).meta == {} or field not in project.document(sample_doc).meta
