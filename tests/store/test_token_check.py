"""Stored token arrays are checked before use: short ones without numpy, with the same
verdict as numpy gives."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotator.store.check as check
from annotator.store.check import offsets_problem

bounds = st.lists(st.integers(min_value=-3, max_value=60), max_size=24)


def _blobs(numbers: list[int]) -> tuple[bytes, bytes]:
    """Starts and ends from a flat list (one number dropped if the count is odd)."""
    numbers = numbers[: len(numbers) // 2 * 2]
    return array("i", numbers[0::2]).tobytes(), array("i", numbers[1::2]).tobytes()


@settings(max_examples=400, deadline=None)
@given(numbers=bounds, beyond=st.integers(min_value=-2, max_value=2), sort=st.booleans())
def test_offsets_problem_without_numpy_agrees_with_numpy(numbers, beyond, sort):
    starts, ends = _blobs(sorted(numbers) if sort else numbers)  # sorted: mostly valid
    length = max(0, max(numbers, default=0) + beyond)  # the text ends near the last token
    python_verdict = check._in_order(starts, ends, length)
    numpy_verdict = _problem(starts, ends, length, python=False) is None
    assert python_verdict == numpy_verdict


def _problem(starts: bytes, ends: bytes, length: int, *, python: bool) -> str | None:
    """``offsets_problem``, checking in Python first (as for a short array in a process
    without numpy) or with numpy alone."""
    chosen = check._checked_in_python
    check._checked_in_python = lambda size: python
    try:
        return offsets_problem(starts, ends, length)
    finally:
        check._checked_in_python = chosen


@pytest.mark.parametrize(
    ("starts", "ends", "length", "problem"),
    [
        ([0, 4], [3, 9], 9, None),
        ([0, 3], [3, 9], 9, None),  # touching tokens
        ([0, 4], [3, 10], 9, "reach outside the text"),
        ([-1, 4], [3, 9], 9, "reach outside the text"),
        ([0, 4], [5, 9], 9, "are not in order"),  # overlapping
        ([4, 0], [9, 3], 9, "are not in order"),
        ([0, 5], [3, 4], 9, "have a token that ends before it starts"),
    ],
)
def test_offsets_problem_of_a_short_array_says_what_is_wrong(starts, ends, length, problem):
    blobs = array("i", starts).tobytes(), array("i", ends).tobytes()
    assert _problem(*blobs, length, python=True) == problem


@pytest.mark.parametrize(("size", "python"), [(511 * 4, True), (512 * 4, False)])
def test_offsets_problem_leaves_long_arrays_to_numpy(size, python, monkeypatch):
    monkeypatch.delitem(check.sys.modules, "numpy", raising=False)
    assert check._checked_in_python(size) is python
