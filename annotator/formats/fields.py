"""Reading the fields of one record from another tool's file: each helper checks that a
field has the shape a reader expects and otherwise raises ``ValueError`` with a message
that names the field and what was expected (``'meta' must be an object, not the string
'notadict'``), never Python's own words about dictionaries or unpacking. The record is
then refused with its ``file:line`` (or skipped with ``--skip-invalid``)."""

from __future__ import annotations

from typing import Any


def shown(value: Any) -> str:
    """A value as a message names it: its kind, and the value itself when short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value[:40]!r}" + ("…" if len(value) > 40 else "")
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def obj(value: Any, what: str) -> dict[str, Any]:
    """An object field (missing or ``null``: empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be an object, not {shown(value)}")
    return value


def items(value: Any, what: str) -> list[Any]:
    """A list field (missing or ``null``: empty; a tuple, as msgpack gives in spaCy's
    ``user_data``, is a list too)."""
    if value is None:
        return []
    if isinstance(value, tuple):
        return list(value)
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list, not {shown(value)}")
    return value


def objects(value: Any, what: str) -> list[dict[str, Any]]:
    """A list of objects (missing or ``null``: empty)."""
    found = items(value, what)
    for n, item in enumerate(found, 1):
        if not isinstance(item, dict):
            raise ValueError(f"{what}: item {n} must be an object, not {shown(item)}")
    return found


def name(value: Any, what: str = "a span's label") -> str:
    """A label, link type or category name: a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a name (a non-empty string), not {shown(value)}")
    return value


def text(value: Any, what: str) -> str:
    """A string field (missing or ``null``: empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {shown(value)}")
    return value


def offset(value: Any, what: str) -> int:
    """A character offset: an integer (``true`` is not one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer offset, not {shown(value)}")
    return value


def triple(value: Any, what: str) -> tuple[int, int, str]:
    """A ``[start, end, label]`` span."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise ValueError(f"{what} must be [start, end, label], not {shown(value)}")
    start, end, label = value
    return (
        offset(start, f"{what}: start"),
        offset(end, f"{what}: end"),
        name(label, f"{what}: label"),
    )
