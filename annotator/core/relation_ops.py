"""Relation edits: link two spans, unlink, set a relation's attributes (cue, stance, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.base import ProjectBase, now
from annotator.model.errors import NotFoundError, ValidationError
from annotator.model.records import Change, Relation, RowChange, Span, dumps_json
from annotator.model.schema import RelationType
from annotator.store import fetch_row, queries


@dataclass(frozen=True, slots=True)
class LinkOption:
    """A span that can be linked to the current one, and how (``head`` → ``child``)."""

    span: Span
    relation: str
    head_id: int
    child_id: int


class RelationOps(ProjectBase):
    def relation(self, relation_id: int) -> Relation:
        row = fetch_row(self.db, "relations", (relation_id,))
        if row is None:
            raise NotFoundError(f"no relation with id {relation_id}")
        return Relation.from_row(row)

    def relation_types_between(self, first: Span, second: Span) -> list[tuple[RelationType, bool]]:
        """Relation types the schema allows between two spans, in either direction.

        Each comes with ``flipped``: true when ``second`` is the head (a hedge picked
        while a claim is selected becomes hedge → claim).
        """
        schema = self.schema
        forward = [(r, False) for r in schema.relation_types_for(first.label, second.label)]
        if first.label == second.label:
            return forward
        backward = [(r, True) for r in schema.relation_types_for(second.label, first.label)]
        return forward + backward

    def link_options(self, span_id: int) -> list[LinkOption]:
        """Spans of this annotator in the same document that ``span_id`` can link to, nearest
        first, one entry per allowed relation type; pairs already linked are left out."""
        span = self.span(span_id)
        existing = {
            (r.head_id, r.child_id, r.label)
            for r in queries.relations_of(self.db, span.document_id, self.layer)
        }
        options = []
        for other in queries.spans_of(self.db, span.document_id, self.layer):
            if other.id == span.id:
                continue
            for rel, flipped in self.relation_types_between(span, other):
                head, child = (other, span) if flipped else (span, other)
                if (head.id, child.id, rel.name) not in existing:
                    options.append(LinkOption(other, rel.name, head.id, child.id))
        return sorted(options, key=lambda o: (_distance(span, o.span), o.span.start, o.relation))

    def add_relation(
        self,
        head_id: int,
        child_id: int,
        label: str | None = None,
        *,
        attributes: dict[str, Any] | None = None,
    ) -> Change:
        """Link two spans. Without ``label`` the type follows from the two labels (claim →
        source is ``attributed_to``, hedge → claim ``hedges``, claim → actor ``involves``);
        spans given the wrong way round are swapped when only the other direction is allowed.

        :raises ValidationError: a self-link, spans of different documents, a pair the
            schema does not allow, an ambiguous pair without ``label``, a duplicate, or a
            bad attribute.
        """
        if head_id == child_id:
            raise ValidationError("a span cannot be linked to itself")
        head, child = self.span(head_id), self.span(child_id)
        if head.document_id != child.document_id:
            raise ValidationError("linked spans must be in the same document")
        allowed = self.relation_types_between(head, child)
        if label is not None:
            allowed = [(r, flipped) for r, flipped in allowed if r.name == label]
        if not allowed:
            wanted = f"{label!r} " if label else ""
            names = ", ".join(f"{r.name} ({r.head} → {r.child})" for r in self.schema.relations)
            raise ValidationError(
                f"the schema allows no {wanted}link between a {head.label} and a "
                f"{child.label} (allowed: {names})"
            )
        if len({r.name for r, _ in allowed}) > 1:
            names = ", ".join(sorted({r.name for r, _ in allowed}))
            raise ValidationError(f"say which link to make: {names}")
        rel_type, flipped = allowed[0]
        if flipped:
            head, child = child, head
        attributes = attributes or {}
        _check_relation_attributes(rel_type, attributes)
        with self.transact("add_relation") as transaction:
            key = (head.id, child.id, rel_type.name, self.layer)
            if queries.find_relation(self.db, *key):
                raise ValidationError(
                    f"this {head.label} is already linked to that {child.label} as {rel_type.name}"
                )
            stamp = now()
            row = {
                "document_id": head.document_id,
                "head_id": head.id,
                "child_id": child.id,
                "label": rel_type.name,
                "annotator": self.layer,
                "attributes": dumps_json(attributes),
                "created": stamp,
                "updated": stamp,
            }
            rows = [RowChange("relations", (None,), None, row)]
            transaction.apply(rows, f"Link {rel_type.name}")
        return transaction.change

    def delete_relation(self, relation_id: int) -> Change:
        with self.transact("delete_relation") as transaction:
            before = fetch_row(self.db, "relations", (relation_id,))
            if before is None:
                raise NotFoundError(f"no relation with id {relation_id}")
            rows = [RowChange("relations", (relation_id,), before, None)]
            transaction.apply(rows, f"Unlink {before['label']}")
        return transaction.change

    def set_relation_attributes(self, relation_id: int, updates: dict[str, Any]) -> Change:
        """Set attributes of a relation (``None`` removes one). A ``cue`` is a list of
        ``[start, end]`` code-point ranges inside the document."""
        with self.transact("set_relation_attributes") as transaction:
            before = fetch_row(self.db, "relations", (relation_id,))
            if before is None:
                raise NotFoundError(f"no relation with id {relation_id}")
            relation = Relation.from_row(before)
            attributes = {**relation.attributes, **updates}
            attributes = {k: v for k, v in attributes.items() if v is not None}
            rel_type = next(r for r in self.schema.relations if r.name == relation.label)
            _check_relation_attributes(rel_type, attributes)
            length = queries.document_length(self.db, relation.document_id) or 0
            for name, value in attributes.items():
                if isinstance(value, list) and any(end > length for _, end in value):
                    raise ValidationError(f"{name} offsets are outside the document text")
            after = {**before, "attributes": dumps_json(attributes), "updated": now()}
            if after["attributes"] == before["attributes"]:
                return Change("set_relation_attributes", "Set link attributes", ())
            names = ", ".join(sorted(updates))
            rows = [RowChange("relations", (relation_id,), before, after)]
            transaction.apply(rows, f"Set {names}")
        return transaction.change


def _check_relation_attributes(rel_type: RelationType, attributes: dict[str, Any]) -> None:
    definitions = {a.name: a for a in rel_type.attributes}
    for name, value in attributes.items():
        if name not in definitions:
            raise ValidationError(f"link {rel_type.name!r} has no attribute {name!r}")
        definitions[name].validate(value)


def _distance(a: Span, b: Span) -> int:
    """Characters between two spans (0 when they overlap)."""
    return max(0, b.start - a.end, a.start - b.end)
