"""Schema edits: add a label or change its colour, keys, description or attributes.

Label names are fixed once created (spans refer to them); everything else can change.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.core.base import ProjectBase
from annotator.model.errors import ValidationError
from annotator.model.names import key_problem, name_problem
from annotator.model.records import Change, RowChange, dumps_json
from annotator.model.schema import AttributeDef, Label
from annotator.store import fetch_row

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class SchemaOps(ProjectBase):
    def add_label(
        self,
        name: str,
        colour: str,
        *,
        keys: tuple[str, ...] = (),
        description: str = "",
        attributes: tuple[AttributeDef, ...] = (),
    ) -> Change:
        """Add a label to the project's schema.

        :raises ValidationError: a bad or taken name (see ``core.names.name_problem``), a
            colour that is not ``#RRGGBB``, or a key that another label or a command
            already uses.
        """
        if problem := name_problem(name):
            raise ValidationError(problem)
        label = Label(name, colour, tuple(keys), description, tuple(attributes))
        with self.transact("add_label") as transaction:
            if fetch_row(self.db, "labels", (name,)) is not None:
                raise ValidationError(f"the project already has a label {name!r}")
            self._check_label(label)
            row = _label_row(label, position=len(self.schema.labels))
            rows = [RowChange("labels", (name,), None, row)]
            transaction.apply(rows, f"Add label {name}")
        return transaction.change

    def update_label(self, name: str, **changes: Any) -> Change:
        """Change ``colour``, ``keys``, ``description`` or ``attributes`` of a label."""
        unknown = set(changes) - {"colour", "keys", "description", "attributes"}
        if unknown:
            raise ValidationError(f"cannot change {', '.join(sorted(unknown))} of a label")
        current = self.schema.label(name)
        label = Label(
            name=name,
            colour=changes.get("colour", current.colour),
            keys=tuple(changes.get("keys", current.keys)),
            description=changes.get("description", current.description),
            attributes=tuple(changes.get("attributes", current.attributes)),
        )
        with self.transact("update_label") as transaction:
            before = fetch_row(self.db, "labels", (name,))
            self._check_label(label)
            after = _label_row(label, position=before["position"])
            if after == before:
                return Change("update_label", f"Edit label {name}", ())
            rows = [RowChange("labels", (name,), before, after)]
            transaction.apply(rows, f"Edit label {name}")
        return transaction.change

    def _check_label(self, label: Label) -> None:
        if not _COLOUR.match(label.colour):
            raise ValidationError(f"colour {label.colour!r} is not of the form #RRGGBB")
        taken = {
            key.lower(): other.name
            for other in self.schema.labels
            if other.name != label.name
            for key in other.keys
        }
        for key in label.keys:
            if problem := key_problem(key, taken):
                raise ValidationError(problem)
        for attribute in label.attributes:
            if attribute.type not in ("bool", "choice", "text"):
                raise ValidationError(f"attribute type {attribute.type!r} is not available")


def _label_row(label: Label, *, position: int) -> dict[str, Any]:
    return {
        "name": label.name,
        "colour": label.colour.upper(),
        "keys": dumps_json(list(label.keys)),
        "description": label.description,
        "attributes": dumps_json([a.to_dict() for a in label.attributes]),
        "position": position,
    }
