"""Growing the project's schema for what an import brings: labels, attributes, link types.

Labels the project does not know are added (with colours readable on light and dark
backgrounds), attributes are inferred from the values seen, link types get the label pair
they link (or ``*`` when several). With ``strict`` each one is an error instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.errors import InputFileError
from annotator.core.model import dumps_json, loads_json
from annotator.core.names import key_problem, name_problem
from annotator.core.schema import AttributeDef

if TYPE_CHECKING:
    from annotator.core.ingest import DocumentIn, ImportReport, SchemaIn
    from annotator.core.project import Project

# Colours for labels that arrive with imported data: Tableau 10, readable on light and
# dark backgrounds, after the four the default schema uses.
IMPORT_COLOURS = (
    "#76B7B2",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#8CD17D",
    "#86BCB6",
    "#F1CE63",
    "#D37295",
    "#A0CBE8",
    "#FFBE7D",
)


_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _split_where(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


@dataclass(slots=True)
class _SchemaPlan:
    labels: list[dict[str, Any]] = field(default_factory=list)
    attributes: dict[str, list[AttributeDef]] = field(default_factory=dict)
    relations: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Definitions that came with the file and were dropped (bad names), for the report."""


def _usable_definitions(
    given: list[dict[str, Any]], what: str, notes: list[str]
) -> dict[str, dict[str, Any]]:
    """Definitions from a file by name; those with a bad name are dropped with a note
    (records that use such a name are refused before: see ``ingest``)."""
    usable = {}
    for definition in given:
        name = definition.get("name") if isinstance(definition, dict) else None
        if problem := name_problem(name, what):
            notes.append(f"{problem}: its definition was not imported")
            continue
        usable[name] = definition
    return usable


def plan_schema(
    project: Project, records: list[DocumentIn], given: SchemaIn | None, *, strict: bool
) -> _SchemaPlan:
    """What the schema needs for ``records``; :class:`InputFileError` under ``strict``."""
    schema = project.schema
    plan = _SchemaPlan()
    given_labels = _usable_definitions(given.labels if given else [], "label", plan.notes)
    given_relations = _usable_definitions(given.relations if given else [], "link type", plan.notes)
    known_labels = set(schema.label_names)
    needed: dict[str, str] = {}  # label -> where first seen
    pairs: dict[str, set[tuple[str, str]]] = {}
    values: dict[tuple[str, str], set[Any]] = {}
    for record in records:
        for suggestion in record.suggestions:
            needed.setdefault(suggestion.label, record.where)
        for span in record.spans:
            needed.setdefault(span.label, record.where)
            for name, value in span.attributes.items():
                values.setdefault((span.label, name), set()).add(_hashable(value))
        for relation in record.relations:
            head, child = record.spans[relation.head], record.spans[relation.child]
            pairs.setdefault(relation.label, set()).add((head.label, child.label))
    for label in list(given_labels) + [n for n in needed if n not in given_labels]:
        if label in known_labels:
            continue
        if strict:
            path, line = _split_where(needed.get(label, ""))
            raise InputFileError(
                path, f"label {label!r} is not in this project's schema", line=line
            )
        definition = given_labels.get(label) or {
            "name": label,
            "colour": IMPORT_COLOURS[(len(schema.labels) + len(plan.labels)) % len(IMPORT_COLOURS)],
            "keys": [],
            "description": "added by import",
            "attributes": [],
        }
        plan.labels.append(definition)
        known_labels.add(label)
    defined = {label.name: {a.name for a in label.attributes} for label in schema.labels}
    for label in plan.labels:
        defined[label["name"]] = {a["name"] for a in label.get("attributes", [])}
    for (label, name), seen in sorted(values.items()):
        if name in defined.get(label, set()):
            continue
        if strict:
            raise InputFileError("", f"attribute {name!r} of label {label!r} is not in the schema")
        plan.attributes.setdefault(label, []).append(_infer_attribute(name, seen))
        defined.setdefault(label, set()).add(name)
    known_relations = {r.name for r in schema.relations}
    for name in list(given_relations) + [n for n in pairs if n not in given_relations]:
        if name in known_relations:
            continue
        if strict:
            raise InputFileError("", f"relation type {name!r} is not in this project's schema")
        if name in given_relations:
            plan.relations.append(given_relations[name])
        else:
            seen = pairs[name]
            head, child = next(iter(seen)) if len(seen) == 1 else ("*", "*")
            plan.relations.append(
                {
                    "name": name,
                    "head": head,
                    "child": child,
                    "description": "added by import",
                    "attributes": [],
                }
            )
        known_relations.add(name)
    return plan


def _hashable(value: Any) -> Any:
    return dumps_json(value) if isinstance(value, (list, dict)) else value


def _infer_attribute(name: str, values: set[Any]) -> AttributeDef:
    if values <= {True, False}:
        return AttributeDef(name, "bool")
    if all(isinstance(v, str) for v in values) and len(values) <= 20:
        return AttributeDef(name, "choice", tuple(sorted(values)))
    return AttributeDef(name, "text")


def apply_schema_plan(project: Project, plan: _SchemaPlan, report: ImportReport) -> None:
    db = project.db
    position = len(project.schema.labels)
    report.notes += plan.notes
    taken = {k.lower(): label.name for label in project.schema.labels for k in label.keys}
    for n, label in enumerate(plan.labels):
        colour = label.get("colour")
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            colour = IMPORT_COLOURS[(position + n) % len(IMPORT_COLOURS)]
            report.notes.append(
                f"label {label['name']!r}: colour {label.get('colour')!r} "
                f"is not #RRGGBB; {colour} used"
            )
        db["labels"].insert(
            {
                "name": label["name"],
                "colour": colour,
                "keys": dumps_json(usable_keys(label, taken, report)),
                "description": label.get("description", ""),
                "attributes": dumps_json(label.get("attributes", [])),
                "position": position + n,
            }
        )
        report.labels_added.append(label["name"])
    for label, attributes in plan.attributes.items():
        current = loads_json(db["labels"].get(label)["attributes"]) or []
        current += [a.to_dict() for a in attributes]
        db["labels"].update(label, {"attributes": dumps_json(current)})
        report.notes.append(
            f"label {label!r}: attribute(s) {', '.join(a.name for a in attributes)} added"
        )
    position = len(project.schema.relations)
    for n, relation in enumerate(plan.relations):
        db["relation_types"].insert(
            {
                "name": relation["name"],
                "head_label": relation["head"],
                "child_label": relation["child"],
                "description": relation.get("description", ""),
                "attributes": dumps_json(relation.get("attributes", [])),
                "position": position + n,
            }
        )
        report.relation_types_added.append(relation["name"])
    if plan.labels or plan.attributes or plan.relations:
        project._schema = None


def usable_keys(label: dict[str, Any], taken: dict[str, str], report: ImportReport) -> list[str]:
    """The keys of an incoming label that no command and no other label uses (which it
    then takes); every other key is dropped and listed in the report's notes."""
    keys = label.get("keys", [])
    usable = []
    for key in keys if isinstance(keys, list) else [keys]:
        if problem := key_problem(key, taken):
            report.notes.append(f"label {label['name']!r}: {problem}; the key was dropped")
            continue
        taken[key.lower()] = label["name"]
        usable.append(key)
    return usable
