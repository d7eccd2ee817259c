"""The rules for names that come from users and their files: label and link-type names,
label keys, and text that must be storable.

One function per rule, used on every path in: the Labels dialog (``SchemaOps``), import
and merge (``ingest`` and ``schema_growth``). Label names become file names (CoNLL per
label), menu entries, tags in other tools' files; keys become shortcuts of the window.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from functools import lru_cache
from typing import Any

import orjson

from annotator.model.commands import command_of_key

MAX_NAME_LENGTH = 64
"""Characters in a label or link-type name: room for a descriptive name ("named_person
_quote") in menus and file names, short of anything a screen cannot show."""


def name_problem(name: object, what: str = "label") -> str | None:
    """Why ``name`` cannot name a label (or link type, ``what``); ``None`` if it can.

    A name is 1 to :data:`MAX_NAME_LENGTH` characters, without leading or trailing
    spaces, without control, format, private-use or unassigned characters or line
    separators, without ``/`` or ``\\``, and is not ``.`` or ``..``.
    """
    if not isinstance(name, str) or not name.strip():
        return f"a {what} needs a name"
    return _text_name_problem(name, what)


@lru_cache(maxsize=4096)  # an import asks about the same few names for every span
def _text_name_problem(name: str, what: str) -> str | None:
    shown = repr(name)[:80]
    if len(name) > MAX_NAME_LENGTH:
        return f"{what} name {shown} is longer than {MAX_NAME_LENGTH} characters"
    if name != name.strip():
        return f"{what} name {shown} starts or ends with a space"
    if name in (".", ".."):
        return f"{what} name {shown} is not a name"
    for character in name:
        if character in "/\\":
            return f"{what} name {shown} holds a path separator ({character})"
        if unicodedata.category(character)[0] == "C" or character in "\u2028\u2029":
            return (
                f"{what} name {shown} holds a control or invisible character "
                f"(U+{ord(character):04X})"
            )
    return None


def key_problem(key: object, taken: dict[str, str] | None = None) -> str | None:
    """Why ``key`` cannot be a label's key; ``None`` if it can.

    A key is one letter or digit that no command of the window uses
    (:mod:`annotator.model.commands`) and no other label has (``taken``: lower-case key
    → label name).
    """
    if not isinstance(key, str) or not key:
        return f"key {key!r}: use one letter or digit"
    command = command_of_key(key)
    if command is not None:
        return f"key {key!r} is used by the command {command}"
    if len(key) != 1 or not key.isalnum():
        return f"key {key!r}: use one letter or digit"
    owner = (taken or {}).get(key.lower())
    if owner is not None:
        return f"key {key!r} is already used by label {owner!r}"
    return None


def unpaired_surrogate(value: Any, where: str = "") -> str | None:
    """Where in ``value`` (a record, dict, list or string) a string holds an unpaired
    surrogate (JSON ``"\\ud800"``), which no file or database can store as UTF-8:
    ``"title"``, ``"spans[2].label"``, ``"meta['author']"``…; ``None`` if nowhere."""
    try:  # the quick answer for whole records: orjson refuses such strings
        orjson.dumps(value, default=lambda v: None)
        return None
    except orjson.JSONEncodeError:
        pass
    return _find_surrogate(value, where)


def _find_surrogate(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where or "a text"
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        for name, item in items:
            found = _find_surrogate(item, f"{where}.{name}" if where else name)
            if found:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _find_surrogate(key, f"{where} key") or _find_surrogate(
                item, f"{where}[{key!r}]"
            )
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            found = _find_surrogate(item, f"{where}[{n}]")
            if found:
                return found
    return None
