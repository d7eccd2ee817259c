"""REGEX token patterns run with a time limit: a runaway expression is reported by
name instead of hanging ``suggest``; ordinary ones match as spaCy's would."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project
from annotator.model.errors import ValidationError
from annotator.text.patterns import Pattern, PatternMatcher
from annotator.text.regex_patterns import TIME_LIMIT_S, PatternTimeout
from tests.conftest import add_document

LONG_TOKEN = "a" * 40 + "b"  # one token: nested repetition backtracks on it
TEXT = f"Officials probably said {LONG_TOKEN} would come, and Probable causes aaa."


def _matches(patterns: list[Pattern], text: str = TEXT) -> list[tuple[str, str]]:
    matcher = PatternMatcher(patterns)
    return [(m.label, text[m.start : m.end]) for m in matcher.matches_in_text(text)]


def _token(regex: str, attribute: str = "TEXT", **more) -> Pattern:
    return Pattern("hedge", ({attribute: {"REGEX": regex, **more}},), "project")


@pytest.mark.parametrize("expression", ["(a+)+$", "^(a+)+$"])
def test_nested_repetition_in_the_issue_finishes_quickly(expression):
    """``(a+)+$`` takes Python's ``re`` minutes on a 41-character token."""
    started = time.perf_counter()
    found = _matches([_token(expression)])
    assert time.perf_counter() - started < 5
    assert ("hedge", "aaa") in found and ("hedge", LONG_TOKEN) not in found


def test_a_runaway_expression_is_reported_by_name_within_the_limit():
    pattern = _token("(a|a)*$")
    started = time.perf_counter()
    with pytest.raises(PatternTimeout, match=r"\(a\|a\)\*\$.*change or remove it"):
        _matches([pattern])
    assert time.perf_counter() - started < TIME_LIMIT_S + 3


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (_token("^[Pp]rob"), {"probably", "Probable"}),
        (_token("^prob", "LOWER"), {"probably", "Probable"}),
        (_token("^prob", "LOWER", NOT_IN=["probable"]), {"probably"}),
        (
            Pattern(
                "hedge",
                ({"LOWER": {"REGEX": "^prob"}}, {"LOWER": {"REGEX": "^(said|causes)$"}}),
                "project",
            ),
            {"probably said", "Probable causes"},
        ),
    ],
)
def test_regex_patterns_match_as_before(pattern, expected):
    before = repr(pattern)
    assert {text for _, text in _matches([pattern])} == expected
    assert repr(pattern) == before  # the project's pattern is not changed


def test_an_invalid_regex_is_refused_when_added(project):
    with pytest.raises(ValidationError, match="not a valid"):
        project.add_pattern("hedge", [{"TEXT": {"REGEX": "(unclosed"}}])


def test_suggest_reports_the_pattern_instead_of_hanging(db_path):
    with Project.open(db_path, annotator="alice") as project:
        add_document(project, TEXT, "long token")
        project.add_pattern("hedge", [{"TEXT": {"REGEX": "(a|a)*$"}}])
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["suggest", "--db", str(db_path)])
    assert time.perf_counter() - started < TIME_LIMIT_S + 10
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "(a|a)*$" in lines[0] and "took more than" in lines[0]
