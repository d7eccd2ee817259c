"""Checking an import's records against the project's schema, and growing the schema
for what they bring: labels, link types, attributes and choices.

Each record is checked on its own (:class:`SchemaCheck`): a value of the wrong type for
an attribute the schema defines (a text for a ``bool``, offsets outside the text)
refuses that record, so every stored value can be edited afterwards. Labels and link
types the project does not know are added (with colours readable on light and dark
backgrounds), attributes it does not know are added with a type inferred from the values
seen, a value outside an attribute's choices is added to the choices; each is listed.
With ``strict`` each one refuses its record instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.model.errors import InputFileError
from annotator.model.names import key_problem, name_problem
from annotator.model.records import dumps_json
from annotator.model.schema import AttributeDef
from annotator.store import queries, writes

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.model.imports import DocumentIn, ImportReport, SchemaIn

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


_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")

Definitions = dict[str, dict[str, AttributeDef]]
"""Label (or link type) name → its attributes by name."""


def _attributes_of(definition: dict[str, Any]) -> dict[str, AttributeDef]:
    found = {}
    for raw in definition.get("attributes") or []:
        try:
            attribute = AttributeDef.from_dict(raw)
        except (KeyError, TypeError, AttributeError):
            continue  # a malformed definition defines nothing
        found[attribute.name] = attribute
    return found


@dataclass(slots=True)
class SchemaCheck:
    """The schema an import's records are checked against: the project's, with the
    file's definitions for what the project lacks (and for everything the file defines
    when the project adopts them: ``adopt``). Call it on each record: a value of the
    wrong type for a known attribute, an offsets value outside the text, and under
    ``strict`` anything the schema lacks (label, link type, attribute, choice) raise
    ``ValueError``, which refuses that record (or skips it with ``--skip-invalid``)."""

    project: Project
    given: SchemaIn | None
    strict: bool = False
    adopt: bool = False
    labels: Definitions = field(default_factory=dict)
    relations: Definitions = field(default_factory=dict)
    _ready: bool = False

    def definitions(self) -> tuple[Definitions, Definitions]:
        """(labels, link types), made on first use: a native file's header is read
        before its first document."""
        if not self._ready:
            schema = self.project.schema
            self.labels = {
                label.name: {a.name: a for a in label.attributes} for label in schema.labels
            }
            for relation in schema.relations:
                self.relations.setdefault(relation.name, {a.name: a for a in relation.attributes})
            for kind, mine in (("labels", self.labels), ("relations", self.relations)):
                for definition in getattr(self.given, kind, None) or []:
                    name = definition.get("name") if isinstance(definition, dict) else None
                    if isinstance(name, str) and (self.adopt or name not in mine):
                        mine[name] = _attributes_of(definition)
            self._ready = True
        return self.labels, self.relations

    def refresh(self) -> None:
        """Read the project's schema again (an import grows it batch by batch)."""
        self.labels, self.relations, self._ready = {}, {}, False

    def __call__(self, record: DocumentIn) -> None:
        labels, relations = self.definitions()
        length = len(record.text)
        for span in record.spans:
            where = f"{span.label} [{span.start}, {span.end})"
            if span.label not in labels and self.strict:
                raise ValueError(f"label {span.label!r} is not in this project's schema")
            self._values(span.attributes, labels.get(span.label), where, length)
        for suggestion in record.suggestions:
            if suggestion.label not in labels and self.strict:
                raise ValueError(f"label {suggestion.label!r} is not in this project's schema")
        for relation in record.relations:
            if relation.label not in relations and self.strict:
                raise ValueError(f"link type {relation.label!r} is not in this project's schema")
            where = f"{relation.label} link"
            self._values(relation.attributes, relations.get(relation.label), where, length)

    def as_they_are(self, kind: str, name: str, values: dict[str, Any], length: int) -> None:
        """Raise ``ValueError`` unless the attribute ``values`` of a span (``kind``
        ``"label"``) or link (``"relation"``) of type ``name``, in a text of ``length``
        code points, are taken without adding to the schema: the type is known, and so
        is every attribute, each value fits, and a choice is one of the choices."""
        labels, relations = self.definitions()
        definitions = (labels if kind == "label" else relations).get(name)
        if definitions is None:
            raise ValueError(f"{kind} {name!r} is not in this project's schema")
        self._values(values, definitions, name, length, strict=True)

    def _values(
        self,
        values: dict[str, Any],
        definitions: dict[str, AttributeDef] | None,
        where: str,
        length: int,
        *,
        strict: bool | None = None,
    ) -> None:
        """Refuse a value that does not fit its attribute; ``strict`` (the check's own
        unless given) also an attribute or choice the schema lacks."""
        strict = self.strict if strict is None else strict
        for name, value in values.items():
            definition = (definitions or {}).get(name)
            if definition is None:
                if strict:
                    raise ValueError(f"{where}: attribute {name!r} is not in this project's schema")
                continue
            problem = _misfit(definition, value, length)
            if problem:
                raise ValueError(f"{where}: attribute {name!r} {problem}")
            if strict and definition.type == "choice" and value not in definition.choices:
                raise ValueError(
                    f"{where}: {value!r} is not one of the choices of {name!r} "
                    f"({', '.join(definition.choices)})"
                )


def _misfit(definition: AttributeDef, value: Any, length: int) -> str | None:
    """Why ``value`` cannot be a value of the attribute, or ``None`` if it can (a choice
    outside the choices can: the import adds it)."""
    if value is None:
        return None
    if definition.type == "bool" and not isinstance(value, bool):
        return f"is true or false, not {value!r}"
    if definition.type in ("choice", "text") and not isinstance(value, str):
        return f"is a text, not {value!r}"
    if definition.type == "offsets" and not _offsets(value, length):
        return f"is a list of [start, end] offsets inside the text (0 to {length}), not {value!r}"
    return None


def _offsets(value: Any, length: int) -> bool:
    def offset(x: Any) -> bool:
        return isinstance(x, int) and not isinstance(x, bool)

    return isinstance(value, list) and all(
        isinstance(pair, list)
        and len(pair) == 2
        and offset(pair[0])
        and offset(pair[1])
        and 0 <= pair[0] < pair[1] <= length
        for pair in value
    )


def fix_colours(given: SchemaIn, notes: list[str]) -> None:
    """Give each label the file defines with a colour that is not ``#RRGGBB`` one of
    :data:`IMPORT_COLOURS` instead, with a note (a colour the window cannot draw would
    fail at every paint)."""
    for n, definition in enumerate(given.labels):
        if not isinstance(definition, dict):
            continue
        colour = definition.get("colour")
        if isinstance(colour, str) and _COLOUR.fullmatch(colour):
            continue
        chosen = IMPORT_COLOURS[n % len(IMPORT_COLOURS)]
        definition["colour"] = chosen
        notes.append(
            f"{given.source or 'the file'}: label {definition.get('name')!r}: colour "
            f"{colour!r} is not of the form #RRGGBB; given {chosen}"
        )


@dataclass(slots=True)
class _SchemaPlan:
    labels: list[dict[str, Any]] = field(default_factory=list)
    attributes: dict[tuple[str, str], list[AttributeDef]] = field(default_factory=dict)
    """(``labels`` or ``relation_types``, name) → attributes to add."""
    choices: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    """(table, name, attribute) → choices to add."""
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
    project: Project, records: list[DocumentIn], check: SchemaCheck, notes: list[str]
) -> _SchemaPlan:
    """What the schema needs for ``records`` (checked by ``check``): labels and link
    types it lacks, attributes it lacks (their type inferred from the values), choices
    it lacks. :class:`InputFileError` under ``strict`` for labels the file defines."""
    labels, relations = check.definitions()
    given = check.given
    plan = _SchemaPlan()
    given_labels = _usable_definitions(given.labels if given else [], "label", plan.notes)
    given_relations = _usable_definitions(given.relations if given else [], "link type", plan.notes)
    known_labels = set(project.schema.label_names)
    needed: dict[str, str] = {}  # label -> where first seen
    pairs: dict[str, set[tuple[str, str]]] = {}
    values: dict[tuple[str, str, str], list[dict[str, Any]]] = {}  # unknown attributes
    for record in records:
        for suggestion in record.suggestions:
            needed.setdefault(suggestion.label, record.where)
        for span in record.spans:
            needed.setdefault(span.label, record.where)
            _seen(plan, values, "labels", span.label, labels.get(span.label), span.attributes)
        for relation in record.relations:
            head, child = record.spans[relation.head], record.spans[relation.child]
            pairs.setdefault(relation.label, set()).add((head.label, child.label))
            definitions = relations.get(relation.label)
            _seen(plan, values, "relation_types", relation.label, definitions, relation.attributes)
    for label in list(given_labels) + [n for n in needed if n not in given_labels]:
        if label in known_labels:
            continue
        if check.strict:
            path, line = _split_where(needed.get(label, given.source if given else ""))
            raise InputFileError(
                path, f"label {label!r} is not in this project's schema", line=line
            )
        definition = given_labels.get(label) or {
            "name": label,
            "colour": IMPORT_COLOURS[
                (len(project.schema.labels) + len(plan.labels)) % len(IMPORT_COLOURS)
            ],
            "keys": [],
            "description": "added by import",
            "attributes": [],
        }
        plan.labels.append(definition)
        known_labels.add(label)
    known_relations = {r.name for r in project.schema.relations}
    for name in list(given_relations) + [n for n in pairs if n not in given_relations]:
        if name in known_relations:
            continue
        if check.strict:
            where = given.source if given else ""
            raise InputFileError(where, f"link type {name!r} is not in this project's schema")
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
    for (table, owner, name), holders in sorted(values.items()):
        attribute = _infer_attribute(name, holders)
        plan.attributes.setdefault((table, owner), []).append(attribute)
        if attribute.type == "text" and any(not isinstance(h[name], str) for h in holders):
            for holder in holders:  # every stored value fits its attribute
                if not isinstance(holder[name], str):
                    holder[name] = dumps_json(holder[name])
            notes.append(
                f"{owner!r}: attribute {name!r} has values of several kinds: imported as "
                "texts (numbers and lists as JSON)"
            )
    return plan


def _seen(
    plan: _SchemaPlan,
    values: dict[tuple[str, str, str], list[dict[str, Any]]],
    table: str,
    owner: str,
    definitions: dict[str, AttributeDef] | None,
    attributes: dict[str, Any],
) -> None:
    """Note what the attributes of one span or link need: an attribute the schema lacks
    (kept with the attributes that hold it, to infer its type), a choice it lacks."""
    for name, value in attributes.items():
        if value is None:
            continue
        definition = (definitions or {}).get(name)
        if definition is None:
            values.setdefault((table, owner, name), []).append(attributes)
        elif definition.type == "choice" and value not in definition.choices:
            plan.choices.setdefault((table, owner, name), set()).add(value)


def _infer_attribute(name: str, holders: list[dict[str, Any]]) -> AttributeDef:
    """The type of a new attribute from its values: all true/false is ``bool``, up to 20
    different texts ``choice``, ``[start, end]`` lists ``offsets``, else ``text``."""
    values = [holder[name] for holder in holders]
    if all(isinstance(v, bool) for v in values):
        return AttributeDef(name, "bool")
    if all(isinstance(v, str) for v in values):
        distinct = sorted(set(values))
        return (
            AttributeDef(name, "choice", tuple(distinct))
            if len(distinct) <= 20
            else (AttributeDef(name, "text"))
        )
    if all(_offsets(v, 2**62) for v in values):
        return AttributeDef(name, "offsets")
    return AttributeDef(name, "text")


def apply_schema_plan(project: Project, plan: _SchemaPlan, report: ImportReport) -> None:
    """Insert the labels and link types the plan adds (before the project adopts a
    file's definitions, which may overwrite them)."""
    db = project.db
    position = len(project.schema.labels)
    report.notes += [note for note in plan.notes if note not in report.notes]  # each batch
    taken = {k.lower(): label.name for label in project.schema.labels for k in label.keys}
    for n, label in enumerate(plan.labels):
        writes.insert_row(
            db,
            "labels",
            {
                "name": label["name"],
                "colour": label["colour"],  # checked: fix_colours
                "keys": dumps_json(usable_keys(label, taken, report)),
                "description": label.get("description", ""),
                "attributes": dumps_json(label.get("attributes", [])),
                "position": position + n,
            },
        )
        report.labels_added.append(label["name"])
    position = len(project.schema.relations)
    for n, relation in enumerate(plan.relations):
        writes.insert_row(
            db,
            "relation_types",
            {
                "name": relation["name"],
                "head_label": relation["head"],
                "child_label": relation["child"],
                "description": relation.get("description", ""),
                "attributes": dumps_json(relation.get("attributes", [])),
                "position": position + n,
            },
        )
        report.relation_types_added.append(relation["name"])
    project.forget_cached_schema()


def apply_schema_growth(project: Project, plan: _SchemaPlan, report: ImportReport) -> None:
    """Add the attributes and choices the plan adds to the stored definitions (after
    the labels are there and any definitions adopted), each one listed in the notes."""
    db = project.db
    changed: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def current(table: str, owner: str) -> list[dict[str, Any]]:
        if (table, owner) not in changed:
            changed[table, owner] = queries.definition_attributes(db, table, owner)
        return changed[table, owner]

    kinds = {"labels": "label", "relation_types": "link type"}
    for (table, owner), attributes in plan.attributes.items():
        current(table, owner).extend(a.to_dict() for a in attributes)
        report.notes.append(
            f"{kinds[table]} {owner!r}: {'attribute' if len(attributes) == 1 else 'attributes'} "
            f"{', '.join(a.name for a in attributes)} added"
        )
    for (table, owner, name), extra in sorted(plan.choices.items()):
        for attribute in current(table, owner):
            if attribute.get("name") == name:
                attribute["choices"] = [*attribute.get("choices", []), *sorted(extra)]
        report.notes.append(
            f"{kinds[table]} {owner!r}: {'choice' if len(extra) == 1 else 'choices'} "
            f"{', '.join(map(repr, sorted(extra)))} added "
            f"to {name!r}"
        )
    for (table, owner), attributes in changed.items():
        writes.update_row(db, table, owner, {"attributes": dumps_json(attributes)})
    if changed:
        project.forget_cached_schema()


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
