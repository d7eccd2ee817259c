"""Span edits: add, delete, relabel, attributes, note. Each returns the ``Change``."""

from __future__ import annotations

from typing import Any

from annotator.core.base import ProjectBase, now
from annotator.model.errors import DuplicateSpanError, NotFoundError, ValidationError
from annotator.model.records import Change, RowChange, Span, dumps_json
from annotator.model.words import counted
from annotator.store import queries

_LINK_EXTRAS = ("head_label", "child_label", "head_text", "child_text")
"""Columns :func:`queries.links_of_span` adds to a relation row."""


class SpanOps(ProjectBase):
    def add_span(
        self,
        document_id: int,
        start: int,
        end: int,
        label: str,
        *,
        origin: str = "manual",
        attributes: dict[str, Any] | None = None,
        note: str = "",
    ) -> Change:
        """Add a span ``[start, end)`` (code points) with ``label`` for this annotator.

        The document's status for this annotator moves from new to in progress in the
        same change.

        :raises NotFoundError: no such document.
        :raises ValidationError: offsets outside the text or empty, unknown label or
            attribute, or (``DuplicateSpanError``) the same span already exists.
        """
        attributes = attributes or {}
        self._check_attributes(label, attributes)
        with self.transact("add_span") as transaction:
            rows = self._new_span_rows(
                document_id, start, end, label, origin, attributes=attributes, note=note
            )
            rows += self._status_rows(document_id, "in_progress", only_from_new=True)
            transaction.apply(rows, f"Add {label}")
        return transaction.change

    def _new_span_rows(
        self,
        document_id: int,
        start: int,
        end: int,
        label: str,
        origin: str,
        *,
        attributes: dict[str, Any] | None = None,
        note: str = "",
    ) -> list[RowChange]:
        """The row of a new span in this layer, checked (call inside ``_writing``)."""
        if not self.schema.has_label(label):
            raise ValidationError(f"unknown label {label!r}")
        length = queries.document_length(self.db, document_id)
        if length is None:
            raise NotFoundError(f"no document with id {document_id}")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise ValidationError(
                f"span [{start}, {end}) is outside the document text (0 to {length}) or empty"
            )
        if queries.find_span(self.db, document_id, self.layer, label, start, end):
            raise DuplicateSpanError(f"[{start}, {end}) is already labelled {label!r}")
        stamp = now()
        row = {
            "document_id": document_id,
            "start": start,
            "end": end,
            "label": label,
            "annotator": self.layer,
            "origin": origin,
            "attributes": dumps_json(attributes or {}),
            "note": note,
            "created": stamp,
            "updated": stamp,
        }
        return [RowChange("spans", (None,), None, row)]

    def delete_span(self, span_id: int) -> Change:
        """Delete a span with everything that hangs on it: its links, its claim record and
        evidence, its claim matches. Undo restores them all."""
        with self.transact("delete_span") as transaction:
            before = self._span_row(span_id)
            rows = [
                RowChange(table, (row["id"] if "id" in row else row["span_id"],), row, None)
                for table, row in queries.rows_depending_on_span(self.db, span_id)
            ]
            rows.append(RowChange("spans", (span_id,), before, None))
            transaction.apply(rows, f"Delete {before['label']}")
        return transaction.change

    def relabel_span(self, span_id: int, label: str) -> Change:
        """Give a span another label; attributes the new label does not define are dropped,
        and links the schema does not allow with the new label (``attributed_to`` from a
        span that is no longer a claim) are removed in the same change, which names them
        in its description. Undo restores the label and the links.

        :raises ValidationError: unknown label, or the same span exists with that label.
        """
        new_label = self.schema.label(label)
        with self.transact("relabel_span") as transaction:
            before = self._span_row(span_id)
            if before["label"] == label:
                return Change("relabel_span", f"Relabel as {label}", ())
            if queries.find_span(
                self.db,
                before["document_id"],
                before["annotator"],
                label,
                before["start"],
                before["end"],
            ):
                raise DuplicateSpanError(
                    f"[{before['start']}, {before['end']}) is already labelled {label!r}"
                )
            allowed = {a.name for a in new_label.attributes}
            kept = {k: v for k, v in Span.from_row(before).attributes.items() if k in allowed}
            after = {**before, "label": label, "attributes": dumps_json(kept), "updated": now()}
            broken = self._links_broken_by(span_id, label)
            rows = [RowChange("relations", (row["id"],), row, None) for row, _ in broken]
            rows.append(RowChange("spans", (span_id,), before, after))
            description = f"Relabel {before['label']} as {label}"
            if broken:
                links = "; ".join(text for _, text in broken)
                article = "an" if label[:1].lower() in "aeiou" else "a"
                removed = counted(len(broken), "link")
                description += f", removing {removed} {article} {label} cannot have: {links}"
            transaction.apply(rows, description)
        return transaction.change

    def _links_broken_by(self, span_id: int, label: str) -> list[tuple[dict[str, Any], str]]:
        """The links of ``span_id`` the schema would not allow if it had ``label``, each
        with a short description (``attributed_to to "the ministry"``)."""
        broken = []
        for row in queries.links_of_span(self.db, span_id):
            head_label = label if row["head_id"] == span_id else row["head_label"]
            child_label = label if row["child_id"] == span_id else row["child_label"]
            if not self.schema.allows_link(row["label"], head_label, child_label):
                other = row["child_text"] if row["head_id"] == span_id else row["head_text"]
                way = "to" if row["head_id"] == span_id else "from"
                shown = other if len(other) <= 40 else other[:39] + "…"
                link = {k: v for k, v in row.items() if k not in _LINK_EXTRAS}
                broken.append((link, f'{row["label"]} {way} "{shown}"'))
        return broken

    def set_span_attributes(self, span_id: int, updates: dict[str, Any]) -> Change:
        """Set attributes of a span (``None`` removes one); validated against the schema."""
        with self.transact("set_span_attributes") as transaction:
            before = self._span_row(span_id)
            attributes = {**Span.from_row(before).attributes, **updates}
            attributes = {k: v for k, v in attributes.items() if v is not None}
            self._check_attributes(before["label"], attributes)
            after = {**before, "attributes": dumps_json(attributes), "updated": now()}
            if after["attributes"] == before["attributes"]:
                return Change("set_span_attributes", "Set attributes", ())
            names = ", ".join(sorted(updates))
            rows = [RowChange("spans", (span_id,), before, after)]
            transaction.apply(rows, f"Set {names}")
        return transaction.change

    def set_span_note(self, span_id: int, note: str) -> Change:
        """Replace a span's free-text note."""
        with self.transact("set_span_note") as transaction:
            before = self._span_row(span_id)
            if before["note"] == note:
                return Change("set_span_note", "Edit note", ())
            after = {**before, "note": note, "updated": now()}
            rows = [RowChange("spans", (span_id,), before, after)]
            transaction.apply(rows, f"Edit note on {before['label']}")
        return transaction.change
