"""``REGEX`` in token patterns, run with a time limit.

spaCy's ``Matcher`` runs ``{"TEXT": {"REGEX": "(a+)+$"}}`` with Python's ``re``, which
cannot be interrupted: one long token and a pattern with nested repetition backtrack for
minutes. Before patterns reach spaCy, every ``REGEX`` predicate is rewritten into a
custom token attribute (``{"_": {"annotator_re_…": True}}``) whose getter runs the same
expression with the ``regex`` module (installed with trafilatura) and its ``timeout``.
Each expression may spend :data:`TIME_LIMIT_S` per document; past that,
:class:`PatternTimeout` names the pattern instead of matching on.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import regex

from annotator.model.errors import AnnotatorError

TIME_LIMIT_S = 1.0
"""Time one ``REGEX`` expression may spend on one document (real patterns need
microseconds per token; only runaway backtracking comes near this)."""


class PatternTimeout(AnnotatorError):
    """A ``REGEX`` token pattern took longer than the time limit on a document."""


class _Bounded:
    """One expression on one token attribute, with the time it has spent so far."""

    def __init__(self, attribute: str, expression: str, pattern: str):
        self.attribute = attribute
        self.compiled = regex.compile(expression)
        self.expression = expression
        self.pattern = pattern  # how the pattern that holds it reads, for the message
        self.spent = 0.0

    def __call__(self, token: Any) -> bool:
        remaining = TIME_LIMIT_S - self.spent
        started = time.perf_counter()
        try:
            return (
                self.compiled.search(_value(token, self.attribute), timeout=remaining) is not None
            )
        except TimeoutError:
            self.spent = TIME_LIMIT_S
            raise PatternTimeout(
                f"the token pattern {self.pattern} took more than {TIME_LIMIT_S:g} s on one "
                f"document (its REGEX {self.expression!r} backtracks without end on a "
                f"{len(token.text)}-character token); change or remove it"
            ) from None
        finally:
            self.spent += time.perf_counter() - started


_BOUNDED: dict[str, _Bounded] = {}


def _value(token: Any, attribute: str) -> str:
    if attribute in ("TEXT", "ORTH"):
        return token.text
    if attribute == "MORPH":
        return str(token.morph)
    return getattr(token, f"{attribute.lower()}_")


def check_expression(expression: Any) -> None:
    """:raises ValueError: ``expression`` is not a regular expression."""
    if not isinstance(expression, str):
        raise ValueError(f"REGEX must be a string, not {expression!r}")
    try:
        regex.compile(expression)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression {expression!r} ({exc})") from None


def bounded(tokens: list[dict[str, Any]], shown: str) -> list[dict[str, Any]]:
    """``tokens`` (a token pattern) with each ``REGEX`` predicate moved to a bounded
    custom attribute; ``shown`` is how the pattern reads in a message."""
    from spacy.tokens import Token

    rewritten = []
    for token in tokens:
        token = dict(token)
        for attribute, value in list(token.items()):
            if not isinstance(value, dict) or "REGEX" not in value or attribute in ("_", "OP"):
                continue
            rest = {k: v for k, v in value.items() if k != "REGEX"}
            if rest:
                token[attribute] = rest
            else:
                del token[attribute]
            digest = hashlib.sha1(f"{attribute}\0{value['REGEX']}".encode()).hexdigest()[:16]
            name = f"annotator_re_{digest}"
            if name not in _BOUNDED:
                _BOUNDED[name] = _Bounded(attribute, value["REGEX"], shown)
                Token.set_extension(name, getter=_BOUNDED[name], force=True)
            token["_"] = {**token.get("_", {}), name: True}
        rewritten.append(token)
    return rewritten


def start_document() -> None:
    """Every expression gets its whole time again (called before each document)."""
    for expression in _BOUNDED.values():
        expression.spent = 0.0
