"""The project's label schema: labels, their keys and colours, relation types, attributes.

The schema lives in the project database (table ``labels`` and ``relation_types``); the
defaults are ``resources/schema.json``. This module only describes and validates it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.model.errors import ValidationError
from annotator.shipped import SCHEMA, shipped_bytes

ATTRIBUTE_TYPES = ("bool", "choice", "text", "offsets")


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """One attribute a label or relation carries.

    ``bool`` holds true/false, ``choice`` one of ``choices``, ``text`` free text,
    ``offsets`` a list of ``[start, end]`` code-point pairs into the document text.
    """

    name: str
    type: str
    choices: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttributeDef:
        return cls(data["name"], data["type"], tuple(data.get("choices", ())))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.choices:
            data["choices"] = list(self.choices)
        return data

    def validate(self, value: Any) -> None:
        """Raise :class:`ValidationError` if ``value`` does not fit (``None`` always fits)."""
        if value is None:
            return
        ok = {
            "bool": lambda v: isinstance(v, bool),
            "choice": lambda v: v in self.choices,
            "text": lambda v: isinstance(v, str),
            "offsets": lambda v: (
                isinstance(v, list)
                and all(isinstance(p, list) and len(p) == 2 and 0 <= p[0] < p[1] for p in v)
            ),
        }[self.type](value)
        if not ok:
            expected = f"one of {', '.join(self.choices)}" if self.type == "choice" else self.type
            raise ValidationError(f"attribute {self.name!r} must be {expected}, not {value!r}")


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    colour: str
    keys: tuple[str, ...] = ()
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Label:
        return cls(
            name=data["name"],
            colour=data["colour"],
            keys=tuple(data.get("keys", ())),
            description=data.get("description", ""),
            attributes=tuple(AttributeDef.from_dict(a) for a in data.get("attributes", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "colour": self.colour,
            "keys": list(self.keys),
            "description": self.description,
            "attributes": [a.to_dict() for a in self.attributes],
        }


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    head: str
    child: str
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RelationType:
        return cls(
            name=data["name"],
            head=data["head"],
            child=data["child"],
            description=data.get("description", ""),
            attributes=tuple(AttributeDef.from_dict(a) for a in data.get("attributes", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "head": self.head,
            "child": self.child,
            "description": self.description,
            "attributes": [a.to_dict() for a in self.attributes],
        }


@dataclass(frozen=True)
class Schema:
    labels: tuple[Label, ...]
    relations: tuple[RelationType, ...] = ()
    _by_name: dict[str, Label] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {label.name: label for label in self.labels})

    @classmethod
    def from_dicts(cls, labels: list[dict[str, Any]], relations: list[dict[str, Any]]) -> Schema:
        """A schema from label and relation definitions as files carry them."""
        return cls(
            labels=tuple(Label.from_dict(d) for d in labels),
            relations=tuple(RelationType.from_dict(d) for d in relations),
        )

    def label(self, name: str) -> Label:
        """The label called ``name``; :class:`ValidationError` if the project has none."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise ValidationError(f"unknown label {name!r} (this project has: {known})") from None

    def has_label(self, name: str) -> bool:
        return name in self._by_name

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    def allows_link(self, label: str, head_label: str, child_label: str) -> bool:
        """Whether a link of type ``label`` may go from a ``head_label`` span to a
        ``child_label`` span."""
        return any(r.name == label for r in self.relation_types_for(head_label, child_label))

    def relation_types_for(self, head_label: str, child_label: str) -> list[RelationType]:
        """Relation types allowed from ``head_label`` to ``child_label`` ('*' matches any)."""
        return [
            r
            for r in self.relations
            if r.head in (head_label, "*") and r.child in (child_label, "*")
        ]


def default_schema() -> Schema:
    """The schema shipped in ``resources/schema.json`` (guideline v0.1)."""
    data = json.loads(shipped_bytes(SCHEMA))
    return Schema(
        labels=tuple(Label.from_dict(d) for d in data["labels"]),
        relations=tuple(RelationType.from_dict(d) for d in data["relations"]),
    )
