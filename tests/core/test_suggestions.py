"""Suggestions in the project: what is proposed, accepting and rejecting (with undo),
patterns the project adds or switches off, stored suggestions, suggested cues."""

from __future__ import annotations

import pytest

from annotator.core.project import Suggestion
from annotator.model.errors import InputFileError, ValidationError
from tests.factcheck.conftest import TEXT, add


def _shown(project, document_id=1):
    return [(s.label, TEXT[s.start : s.end], s.source) for s in project.suggestions(document_id)]


def _suggestion(project, phrase, label="hedge", document_id=1):
    return next(
        s
        for s in project.suggestions(document_id)
        if TEXT[s.start : s.end] == phrase and s.label == label
    )


def test_sample_suggestions_come_from_the_hedge_patterns(project, sample_doc):
    shown = _shown(project)
    assert ("hedge", "probably", "pattern:hedges") in shown
    assert all(label != "cue" for label, _, _ in shown)  # cues are for links, not spans


def test_accepting_adds_a_span_with_its_origin_and_undo_restores_the_suggestion(
    project, sample_doc
):
    probably = _suggestion(project, "probably")
    change = project.accept_suggestion(sample_doc, probably)
    (span,) = project.spans(sample_doc)
    assert (TEXT[span.start : span.end], span.label, span.origin) == (
        "probably",
        "hedge",
        "pattern:hedges",
    )
    assert ("hedge", "probably", "pattern:hedges") not in _shown(project)
    assert project.status(sample_doc) == "in_progress"
    project.revert(change)
    assert project.spans(sample_doc) == []
    assert ("hedge", "probably", "pattern:hedges") in _shown(project)


def test_a_rejected_suggestion_does_not_come_back_from_any_source(project, sample_doc):
    may = _suggestion(project, "may")
    project.reject_suggestion(sample_doc, may)
    assert ("hedge", "may", "pattern:hedges") not in _shown(project)
    model_says = Suggestion(may.start, may.end, "hedge", "model:test", 0.9)
    change = project.store_suggestions(sample_doc, [model_says])
    assert change.is_empty
    assert all(TEXT[s.start : s.end] != "may" for s in project.suggestions(sample_doc))


def test_undoing_a_rejection_brings_the_suggestion_back(project, sample_doc):
    change = project.reject_suggestion(sample_doc, _suggestion(project, "may"))
    project.revert(change)
    assert ("hedge", "may", "pattern:hedges") in _shown(project)


def test_accept_all_is_one_change(project, sample_doc):
    shown = project.suggestions(sample_doc)
    change = project.accept_suggestions(sample_doc, shown)
    assert len(project.spans(sample_doc)) == len(shown) == 8
    assert project.suggestions(sample_doc) == []
    project.revert(change)
    assert project.spans(sample_doc) == []


def test_already_annotated_places_are_not_suggested(project, sample_doc):
    add(project, "probably", "hedge")
    assert ("hedge", "probably", "pattern:hedges") not in _shown(project)


def test_suggestions_never_become_annotations_on_their_own(project, sample_doc):
    project.suggestions(sample_doc)
    project.store_suggestions(sample_doc, [Suggestion(0, 5, "source", "model:m", 0.8)])
    assert project.spans(sample_doc) == []


def test_a_pattern_from_a_span_suggests_its_other_occurrences(project, sample_doc):
    span = add(project, "Pyongyang", "actor")
    change = project.add_pattern_from_span(span.id)
    pyongyang = [s for s in project.suggestions(sample_doc) if TEXT[s.start : s.end] == "Pyongyang"]
    assert len(pyongyang) == TEXT.count("Pyongyang") - 1
    assert {s.source for s in pyongyang} >= {"pattern:project"}
    project.revert(change)
    assert all(p.pattern != "Pyongyang" for p in project.patterns())


def test_actor_occurrences_are_suggested_without_a_pattern(project, sample_doc):
    add(project, "Moscow", "actor")
    moscow = [s for s in project.suggestions(sample_doc) if TEXT[s.start : s.end] == "Moscow"]
    assert len(moscow) == TEXT.count("Moscow") - 1
    assert {s.source for s in moscow} == {"pattern:project-actors"}


def test_switching_off_a_shipped_pattern_and_back_on(project, sample_doc):
    project.remove_pattern("hedge", "probably")
    assert ("hedge", "probably", "pattern:hedges") not in _shown(project)
    with pytest.raises(ValidationError, match="already switched off"):
        project.remove_pattern("hedge", "probably")
    project.add_pattern("hedge", "probably")
    assert ("hedge", "probably", "pattern:hedges") in _shown(project)


@pytest.mark.parametrize(
    ("label", "pattern", "problem"),
    [
        ("rumour", "maybe", "unknown label"),
        ("hedge", "", "empty phrase"),
        ("hedge", [{"LOWR": "x"}], "not a valid token pattern"),
        ("hedge", "probably", "already in use"),
    ],
)
def test_add_pattern_refuses_bad_ones(project, label, pattern, problem):
    with pytest.raises(ValidationError, match=problem):
        project.add_pattern(label, pattern)


def test_import_patterns_is_all_or_nothing(project, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"label": "hedge", "pattern": "conceivably"}\n{"label": "hedge", "pattern": 3}\n',
        encoding="utf-8",
    )
    before = len(project.patterns())
    with pytest.raises(InputFileError, match=r"p\.jsonl:2:"):
        project.import_patterns(path)
    assert len(project.patterns()) == before


def test_import_patterns_skips_those_in_use_and_refuses_unknown_labels(project, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"label": "hedge", "pattern": "probably"}\n{"label": "hedge", "pattern": "doubtless"}\n',
        encoding="utf-8",
    )
    change, skipped = project.import_patterns(path)
    assert (len(change.rows), skipped) == (1, 1)
    path.write_text(
        '{"label": "hedge", "pattern": "perhaps"}\n{"label": "PERSON", "pattern": "Kim"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"p\.jsonl:2: unknown label 'PERSON'"):
        project.import_patterns(path)


def test_store_suggestions_replaces_open_ones_of_the_same_source(project, sample_doc):
    first = [Suggestion(0, 5, "source", "model:m", 0.8), Suggestion(6, 11, "source", "model:m")]
    project.store_suggestions(sample_doc, first)
    project.store_suggestions(sample_doc, first[:1], replace_sources=("model:m",))
    stored = [s for s in project.suggestions(sample_doc, live=False)]
    assert [(s.start, s.end, s.score) for s in stored] == [(0, 5, 0.8)]


def test_suggested_cue_of_the_worked_example(project, sample_doc):
    claim = add(
        project,
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces",
        "claim",
    )
    minister = add(project, "South Korea’s defense minister", "source")
    link = project.add_relation(claim.id, minister.id).relations_added[0]
    start, end = project.suggested_cue(link.id)
    assert TEXT[start:end] == "stated"


def test_suggested_cue_between_claim_and_source(project, sample_doc):
    claim = add(project, "Russian forces are using North Korean missiles in Ukraine", "claim")
    specialists = add(project, "Specialists", "source")
    link = project.add_relation(claim.id, specialists.id).relations_added[0]
    start, end = project.suggested_cue(link.id)
    assert TEXT[start:end] == "have stated"


def test_actor_occurrences_keep_case_and_the_tokenizer_s_hyphens(project):
    from tests.conftest import add_document

    text = "The US said Kim Yong-hyun met us. Later Kim Yong-hyun and the US agreed."
    document = add_document(project, text, "case")
    project.add_span(document, 4, 6, "actor")
    project.add_span(document, 12, 25, "actor")
    found = sorted((s.start, text[s.start : s.end]) for s in project.actor_occurrences(document))
    assert [t for _, t in found] == ["US", "Kim Yong-hyun", "Kim Yong-hyun", "US"]
    shown = [text[s.start : s.end] for s in project.suggestions(document) if s.label == "actor"]
    assert shown == ["Kim Yong-hyun", "US"]  # the annotated ones are not suggested again


def test_actor_occurrences_include_actors_imported_after_the_first_look(project):
    from annotator.core.ingest import import_documents
    from annotator.model.imports import DocumentIn, SpanIn
    from tests.conftest import add_document

    text = "Kim Jong Un spoke. Later Kim Jong Un left."
    document = add_document(project, text, "first")
    assert project.actor_occurrences(document) == []  # no actors anywhere yet
    other = DocumentIn(
        text="Kim Jong Un arrived.",
        title="other",
        where="other",
        spans=[SpanIn(start=0, end=11, label="actor")],
    )
    import_documents(project, [other])
    found = [text[s.start : s.end] for s in project.actor_occurrences(document)]
    assert found == ["Kim Jong Un", "Kim Jong Un"]


def test_another_window_s_patterns_and_actors_are_seen_after_forgetting(
    project, sample_doc, db_path
):
    from annotator.core.project import Project

    before = _shown(project)  # fills the caches of this window
    assert ("hedge", "Pyongyang", "pattern:project") not in before
    with Project.open(db_path, annotator="bob") as other:
        other.add_pattern("hedge", "Pyongyang")
        other.set_annotator("alice")
        other.add_span(sample_doc, TEXT.index("Moscow"), TEXT.index("Moscow") + 6, "actor")
    project.forget_cached_document()  # what the window does when data_version changes
    shown = _shown(project)
    assert ("hedge", "Pyongyang", "pattern:project") in shown
    assert ("actor", "Moscow", "pattern:project-actors") in shown
