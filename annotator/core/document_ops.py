"""Document edits: this annotator's status (new, in progress, done, skipped), the note,
and this annotator's document categories (text classification)."""

from __future__ import annotations

from annotator.core.base import ProjectBase, now
from annotator.model.errors import NotFoundError, ValidationError
from annotator.model.records import STATUSES, Change, RowChange
from annotator.store import fetch_row, queries


class DocumentOps(ProjectBase):
    def set_status(self, document_id: int, status: str) -> Change:
        """Set this annotator's status of a document.

        :raises ValidationError: ``status`` is not one of new, in_progress, done, skipped.
        """
        if status not in STATUSES:
            raise ValidationError(f"unknown status {status!r} (use one of {', '.join(STATUSES)})")
        with self.transact("set_status") as transaction:
            if queries.document_length(self.db, document_id) is None:
                raise NotFoundError(f"no document with id {document_id}")
            rows = self._status_rows(document_id, status)
            transaction.apply(rows, f"Mark {status.replace('_', ' ')}")
        return transaction.change

    def set_document_note(self, document_id: int, note: str) -> Change:
        with self.transact("set_document_note", "Edit document note") as transaction:
            before = fetch_row(self.db, "documents", (document_id,))
            if before is None:
                raise NotFoundError(f"no document with id {document_id}")
            if before["note"] == note:
                return Change("set_document_note", "Edit document note", ())
            rows = [RowChange("documents", (document_id,), before, {**before, "note": note})]
            transaction.apply(rows)
        return transaction.change

    def set_category(self, document_id: int, label: str, value: float | None) -> Change:
        """Set this layer's category ``label`` of a document: ``value`` 1.0 applies, 0.0
        does not, a score between (as spaCy's ``doc.cats``); ``None`` removes it.

        :raises ValidationError: an empty label, a value outside 0 to 1.
        :raises NotFoundError: no such document.
        """
        label = label.strip()
        if not label:
            raise ValidationError("a document category needs a name")
        if value is not None and not 0.0 <= float(value) <= 1.0:
            raise ValidationError(f"a category's value is from 0 to 1, not {value!r}")
        with self.transact("set_category") as transaction:
            if queries.document_length(self.db, document_id) is None:
                raise NotFoundError(f"no document with id {document_id}")
            key = (document_id, self.layer, label)
            before = fetch_row(self.db, "document_categories", key)
            after = None
            if value is not None:
                after = {
                    "document_id": document_id,
                    "annotator": self.layer,
                    "label": label,
                    "value": float(value),
                    "updated": now(),
                }
            if (before is None and after is None) or (
                before and after and before["value"] == after["value"]
            ):
                return Change("set_category", "Set document category", ())
            rows = [RowChange("document_categories", key, before, after)]
            transaction.apply(rows, f"Set category {label}")
        return transaction.change

    def progress(self) -> dict[str, int]:
        """How many documents this annotator has in each status (``total`` too)."""
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(queries.status_counts(self.db, self.layer))
        counts["total"] = sum(counts.values())
        return counts
