"""Counts in messages say "1 span" and "3 spans", never "span(s)"."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest

from annotator.model.words import counted

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "number,noun,plural,said",
    [
        (1, "span", None, "1 span"),
        (0, "span", None, "0 spans"),
        (3, "new document", None, "3 new documents"),
        (1, "claim match", "claim matches", "1 claim match"),
        (2, "claim match", "claim matches", "2 claim matches"),
    ],
)
def test_counted_puts_the_noun_in_the_right_number(number, noun, plural, said):
    assert counted(number, noun, plural) == said


def _strings(path: Path):
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type == tokenize.STRING:
                yield token.start[0], token.string


def test_no_message_says_s_in_brackets():
    said = re.compile(r"[a-z]\((s|es)\)")
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in (ROOT / "annotator").rglob("*.py")
        for line, text in _strings(path)
        if said.search(text.replace("http(s)", ""))
    ]
    assert found == []
