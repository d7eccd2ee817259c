"""Prodigy-format patterns through spaCy's SpanRuler: the shipped hedge and cue patterns,
reading pattern files, and how overlapping matches are resolved."""

from __future__ import annotations

import pytest

from annotator.core.samples import sample_text
from annotator.model.errors import InputFileError
from annotator.text.patterns import (
    PatternMatcher,
    default_patterns,
    parse_pattern,
    read_patterns,
    write_patterns,
)

TEXT = sample_text()


@pytest.fixture(scope="module")
def sample_matches():
    matcher = PatternMatcher(default_patterns())
    return [(m.label, TEXT[m.start : m.end]) for m in matcher.matches_in_text(TEXT)]


@pytest.mark.parametrize("hedge", ["probably", "highly likely", "expected", "may"])
def test_default_patterns_suggest_the_sample_hedges(sample_matches, hedge):
    assert ("hedge", hedge) in sample_matches


@pytest.mark.parametrize("verb", ["stated", "have stated", "have cautioned", "said", "informed"])
def test_default_patterns_do_not_take_reporting_verbs_for_hedges(sample_matches, verb):
    assert ("hedge", verb) not in sample_matches
    assert ("cue", verb) in sample_matches


def test_default_patterns_do_not_split_highly_likely(sample_matches):
    assert ("hedge", "likely") not in sample_matches
    assert sample_matches.count(("hedge", "highly likely")) == 3


def test_modal_patterns_leave_the_month_may_alone():
    matcher = PatternMatcher(default_patterns())
    text = "In May, officials said the strike may resume."
    hedges = [text[m.start : m.end] for m in matcher.matches_in_text(text) if m.label == "hedge"]
    assert hedges == ["may"]
    assert text.index("may") == [m.start for m in matcher.matches_in_text(text)][-1]


def test_phrase_patterns_match_in_any_case():
    matcher = PatternMatcher([parse_pattern({"label": "hedge", "pattern": "Most Likely"}, "p")])
    text = "It was most likely and MOST LIKELY a test."
    assert [text[m.start : m.end] for m in matcher.matches_in_text(text)] == [
        "most likely",
        "MOST LIKELY",
    ]


def test_a_hedge_overlapping_a_cue_is_dropped():
    patterns = [
        parse_pattern({"label": "hedge", "pattern": "alleged"}, "hedges"),
        parse_pattern({"label": "cue", "pattern": "has alleged"}, "cues"),
    ]
    text = "Seoul has alleged that the alleged shipment left."
    found = [
        (m.label, text[m.start : m.end], m.start)
        for m in PatternMatcher(patterns).matches_in_text(text)
    ]
    assert found == [("cue", "has alleged", 6), ("hedge", "alleged", text.rindex("alleged"))]


def test_matches_name_their_pattern_set_and_id():
    (match,) = [
        m
        for m in PatternMatcher(default_patterns()).matches_in_text("It may rain.")
        if m.label == "hedge"
    ]
    assert (match.pattern_set, match.id) == ("hedges", "modal")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ('["hedge", "may"]', "expected an object"),
        ('{"pattern": "may"}', '"label" must be'),
        ('{"label": "hedge", "pattern": "  "}', "empty phrase"),
        ('{"label": "hedge", "pattern": []}', "non-empty list"),
        ('{"label": "hedge", "pattern": ["may"]}', "must be an object"),
        ('{"label": "hedge", "pattern": [{"LOWR": "may"}]}', "LOWR"),
        ('{"label": "hedge", "pattern": [{"LOWER": {"IN": "may"}}]}', "valid list"),
    ],
)
def test_read_patterns_names_file_and_line(tmp_path, line, problem):
    path = tmp_path / "patterns.jsonl"
    path.write_text('{"label": "hedge", "pattern": "perhaps"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_patterns(path)
    assert str(caught.value).startswith(f"{path}:3:")
    assert problem in str(caught.value)


def test_read_patterns_takes_the_set_from_the_file_name(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"label": "hedge", "pattern": [{"LOWER": "perhaps"}], "id": "x"}\n'
    )
    (pattern,) = read_patterns(path)
    assert (pattern.pattern_set, pattern.id, pattern.as_spacy()) == (
        "mine",
        "x",
        [{"LOWER": "perhaps"}],
    )


def test_write_then_read_gives_the_same_patterns(tmp_path):
    path = tmp_path / "out.jsonl"
    write_patterns(path, default_patterns())
    again = read_patterns(path, "hedges")
    assert [p.to_json() for p in again] == [p.to_json() for p in default_patterns()]
