"""Document edits: this annotator's status (new, in progress, done, skipped), the note."""

from __future__ import annotations

from annotator.core.base import ProjectBase
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.model import STATUSES, Change, RowChange
from annotator.store import fetch_row, queries


class DocumentOps(ProjectBase):
    def set_status(self, document_id: int, status: str) -> Change:
        """Set this annotator's status of a document.

        :raises ValidationError: ``status`` is not one of new, in_progress, done, skipped.
        """
        if status not in STATUSES:
            raise ValidationError(f"unknown status {status!r} (use one of {', '.join(STATUSES)})")
        with self._writing():
            if queries.document_length(self.db, document_id) is None:
                raise NotFoundError(f"no document with id {document_id}")
            rows = self._status_rows(document_id, status)
            return self._apply("set_status", f"Mark {status.replace('_', ' ')}", rows)

    def set_document_note(self, document_id: int, note: str) -> Change:
        with self._writing():
            before = fetch_row(self.db, "documents", (document_id,))
            if before is None:
                raise NotFoundError(f"no document with id {document_id}")
            if before["note"] == note:
                return Change("set_document_note", "Edit document note", ())
            rows = [RowChange("documents", (document_id,), before, {**before, "note": note})]
            return self._apply("set_document_note", "Edit document note", rows)

    def progress(self) -> dict[str, int]:
        """How many documents this annotator has in each status (``total`` too)."""
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(queries.status_counts(self.db, self.layer))
        counts["total"] = sum(counts.values())
        return counts
