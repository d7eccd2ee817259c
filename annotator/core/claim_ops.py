"""The fact-checker's record of a claim, its evidence, matches between claims, and the
article's metadata. Every change is an undoable ``Change`` with an event (who, when)."""

from __future__ import annotations

import re
from typing import Any

from annotator.core.base import ProjectBase, now
from annotator.model.errors import NotFoundError, ValidationError
from annotator.model.records import Change, RowChange, dumps_json, loads_json
from annotator.model.words import counted
from annotator.store import fetch_row, queries

CLAIM_STATUSES = ("unstarted", "in_progress", "inconclusive", "verified", "false", "misleading")
RECORD_FIELDS = ("status", "normalized", "verdict", "rating", "assignee")
EVIDENCE_STANCES = ("supports", "refutes", "context")
META_FIELDS = ("outlet", "author", "url", "published", "retrieved")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?([T ][0-9:.+\-Z]*)?")
NORMALIZED_LIMIT = 75
"""ClaimReview asks for a normalised claim under 75 characters."""


class ClaimOps(ProjectBase):
    # -- statuses -----------------------------------------------------------------------

    def claim_statuses(self) -> list[str]:
        """The built-in statuses and the project's own (Settings)."""
        custom = loads_json(self.project_value("claim_statuses") or "[]") or []
        return [*CLAIM_STATUSES, *(s for s in custom if s not in CLAIM_STATUSES)]

    def add_claim_status(self, name: str) -> None:
        name = name.strip().lower().replace(" ", "_")
        if not name or name in self.claim_statuses():
            return
        custom = [s for s in self.claim_statuses() if s not in CLAIM_STATUSES]
        self.set_project_value("claim_statuses", dumps_json([*custom, name]))

    # -- records ------------------------------------------------------------------------

    def main_claim(self, span_id: int) -> int:
        """The claim whose record ``span_id`` shares: itself, or the main claim of a
        confirmed match (followed to the end)."""
        seen = {span_id}
        current = span_id
        while (main := queries.confirmed_main(self.db, current)) is not None and main not in seen:
            seen.add(main)
            current = main
        return current

    def claim_record(self, span_id: int) -> dict[str, Any]:
        """The record a claim shows (its own or its main claim's), with defaults."""
        main = self.main_claim(span_id)
        row = fetch_row(self.db, "claim_records", (main,))
        record = {field: "" for field in RECORD_FIELDS} | {"status": "unstarted"}
        if row:
            record.update({field: row[field] for field in RECORD_FIELDS})
        record["span_id"] = main
        record["shared"] = main != span_id
        record["evidence"] = queries.evidence_of(self.db, main)
        return record

    def record_updated(self, span_id: int) -> str:
        """When the record a claim shows last changed (now if it has none yet)."""
        row = fetch_row(self.db, "claim_records", (self.main_claim(span_id),))
        return row["updated"] if row else now()

    def claim_history(self, span_id: int) -> list[dict[str, str]]:
        """Every change to the record a claim shows and to its evidence, oldest first:
        ``at`` (UTC, ISO 8601), ``annotator``, and ``what`` ("status: unstarted → false",
        "added evidence https://…"). Undo and redo appear as the changes they made."""
        main = self.main_claim(span_id)
        document_id = self._span_row(main)["document_id"]
        history = []
        for event in queries.claim_events(self.db, document_id, main):
            for row in loads_json(event["rows"]):
                what = _describe_row_change(row)
                if what:
                    history.append(
                        {"at": event["at"], "annotator": event["annotator"], "what": what}
                    )
        return history

    def set_claim_record(self, span_id: int, **fields: str) -> Change:
        """Change fields of a claim's record (status, normalized, verdict, rating, assignee).

        A claim matched to a main claim edits the main claim's record, which both share.

        :raises ValidationError: not a claim, an unknown field or status.
        """
        unknown = set(fields) - set(RECORD_FIELDS)
        if unknown:
            raise ValidationError(f"a claim record has no {', '.join(sorted(unknown))}")
        if "status" in fields and fields["status"] not in self.claim_statuses():
            known = ", ".join(self.claim_statuses())
            raise ValidationError(f"unknown status {fields['status']!r} (use one of {known})")
        with self.transact("set_claim_record") as transaction:
            main = self._claim_span(self.main_claim(span_id))
            before = fetch_row(self.db, "claim_records", (main,))
            empty = dict.fromkeys(RECORD_FIELDS, "")
            base = before or {**empty, "span_id": main, "status": "unstarted", "updated": ""}
            after = {**base, **{k: v.strip() if k != "verdict" else v for k, v in fields.items()}}
            if before is not None and all(after[k] == before[k] for k in RECORD_FIELDS):
                return Change("set_claim_record", "Edit claim record", ())
            after["updated"] = now()
            names = ", ".join(sorted(fields))
            rows = [RowChange("claim_records", (main,), before, after)]
            transaction.apply(rows, f"Set claim {names}")
        return transaction.change

    def add_evidence(
        self, span_id: int, location: str, *, stance: str, quote: str = "", retrieved: str = ""
    ) -> Change:
        """Evidence for (or against) a claim: a URL or a local file, a quotation, a stance."""
        if stance not in EVIDENCE_STANCES:
            raise ValidationError(f"stance is one of {', '.join(EVIDENCE_STANCES)}")
        if not location.strip():
            raise ValidationError("evidence needs a URL or a file")
        with self.transact("add_evidence", "Add evidence") as transaction:
            main = self._claim_span(self.main_claim(span_id))
            row = {
                "span_id": main,
                "location": location.strip(),
                "quote": quote,
                "stance": stance,
                "retrieved": retrieved.strip(),
                "annotator": self.annotator,
                "created": now(),
            }
            transaction.apply([RowChange("evidence", (None,), None, row)])
        return transaction.change

    def delete_evidence(self, evidence_id: int) -> Change:
        with self.transact("delete_evidence", "Remove evidence") as transaction:
            before = fetch_row(self.db, "evidence", (evidence_id,))
            if before is None:
                raise NotFoundError(f"no evidence with id {evidence_id}")
            rows = [RowChange("evidence", (evidence_id,), before, None)]
            transaction.apply(rows)
        return transaction.change

    def _claim_span(self, span_id: int) -> int:
        if self._span_row(span_id)["label"] != "claim":
            raise ValidationError("only claim spans have a claim record")
        return span_id

    # -- matches ----------------------------------------------------------------------

    def set_match(
        self, main_span_id: int, other_span_id: int, state: str, similarity: float = 1.0
    ) -> Change:
        """Record that ``other`` is (``confirmed``) or is not (``rejected``) the same claim
        as ``main``, or ``suggested`` for a person to decide."""
        if state not in ("suggested", "confirmed", "rejected"):
            raise ValidationError("a match is suggested, confirmed or rejected")
        if main_span_id == other_span_id:
            raise ValidationError("a claim cannot match itself")
        with self.transact("set_match") as transaction:
            main, other = self._span_row(main_span_id), self._span_row(other_span_id)
            self._claim_span(main_span_id)
            self._claim_span(other_span_id)
            before = queries.match_row(self.db, main_span_id, other_span_id)
            after = {
                **(before or {}),
                "main_span_id": main_span_id,
                "other_span_id": other_span_id,
                "similarity": before["similarity"] if before else similarity,
                "state": state,
                "annotator": self.annotator,
                "updated": now(),
            }
            if before is not None and before["state"] == state:
                return Change("set_match", "Match claims", ())
            key = (before["id"],) if before else (None,)
            rows = [RowChange("claim_matches", key, before, after)]
            if state == "confirmed":
                rows += self._same_claim_link(main, other)
            transaction.apply(rows, f"{state.capitalize()} same claim")
        return transaction.change

    def _same_claim_link(self, main: dict[str, Any], other: dict[str, Any]) -> list[RowChange]:
        """The ``same_claim`` link a confirmed match within one layer of one article also
        makes (the guideline's link for a repeated claim); none across articles or layers,
        where a link cannot exist, or when the two are linked already."""
        same_layer = (main["document_id"], main["annotator"]) == (
            other["document_id"],
            other["annotator"],
        )
        allowed = {r.name for r in self.schema.relation_types_for("claim", "claim")}
        if not same_layer or "same_claim" not in allowed:
            return []
        for head, child in ((main, other), (other, main)):
            key = (head["id"], child["id"], "same_claim", main["annotator"])
            if queries.find_relation(self.db, *key):
                return []
        stamp = now()
        link = {
            "document_id": main["document_id"],
            "head_id": main["id"],
            "child_id": other["id"],
            "label": "same_claim",
            "annotator": main["annotator"],
            "attributes": "{}",
            "created": stamp,
            "updated": stamp,
        }
        return [RowChange("relations", (None,), None, link)]

    # -- article metadata -------------------------------------------------------------

    def set_document_meta(self, document_id: int, **fields: str) -> Change:
        """Edit the title, language or metadata (outlet, author, url, published, retrieved)
        of a document; the text itself never changes. An empty value removes a metadata
        field. A new language re-tokenises the document on next use (spans keep their
        offsets).

        :raises ValidationError: an unknown field, a language that is not a code like
            ``en`` or ``pt-BR``, a date that is not YYYY[-MM[-DD]].
        """
        unknown = set(fields) - {"title", "lang", *META_FIELDS}
        if unknown:
            raise ValidationError(f"documents have no editable {', '.join(sorted(unknown))}")
        if "lang" in fields and not _LANG.fullmatch(fields["lang"].strip()):
            raise ValidationError(f"{fields['lang']!r} is not a language code (like en, de, pt-BR)")
        with self.transact("set_document_meta", "Edit article details") as transaction:
            before = fetch_row(self.db, "documents", (document_id,))
            if before is None:
                raise NotFoundError(f"no document with id {document_id}")
            meta = loads_json(before["meta"]) or {}
            for name in ("published", "retrieved"):  # imported values are kept as they came
                value = fields.get(name, "").strip()
                if value and value != meta.get(name) and not _DATE.fullmatch(value):
                    raise ValidationError(f"{name} is a date: YYYY-MM-DD (or YYYY-MM, YYYY)")
            for name, value in fields.items():
                if name in ("title", "lang"):
                    continue
                if value.strip():
                    meta[name] = value.strip()
                else:
                    meta.pop(name, None)
            title = fields.get("title", before["title"]).strip() or before["title"]
            lang = fields.get("lang", before["lang"]).strip()
            after = {**before, "title": title, "lang": lang, "meta": dumps_json(meta)}
            if after == before:
                return Change("set_document_meta", "Edit article details", ())
            rows = [RowChange("documents", (document_id,), before, after)]
            transaction.apply(rows)
        return transaction.change

    def suggest_claim_matches(self, threshold: float = 0.6) -> Change:
        """Store claims that look the same (content-word Jaccard at least ``threshold``)
        as suggested matches, in one change; pairs already matched in any state are left
        alone (a rejected pair is not suggested again)."""
        from annotator.core.claim_matching import similar_claims

        with self.transact("suggest_matches") as transaction:
            stamp = now()
            rows = [
                RowChange(
                    "claim_matches",
                    (None,),
                    None,
                    {
                        "main_span_id": main,
                        "other_span_id": other,
                        "similarity": round(score, 4),
                        "state": "suggested",
                        "annotator": self.annotator,
                        "updated": stamp,
                    },
                )
                for main, other, score in similar_claims(self, threshold)
            ]
            if not rows:
                return Change("suggest_matches", "Suggest same claims", ())
            transaction.apply(rows, f"Suggest {counted(len(rows), 'same claim')}")
        return transaction.change


def _describe_row_change(row: dict[str, Any]) -> str:
    """One line for one row of an event touching a claim record or its evidence."""
    before, after = row["before"], row["after"]
    if row["table"] == "evidence":
        item = after or before
        verb = "added" if after else "removed"
        return f"{verb} evidence ({item['stance']}) {item['location']}"
    if row["table"] != "claim_records":
        return ""
    before = before or {"status": "unstarted"}
    after = after or {"status": "unstarted"}
    changes = []
    for field in RECORD_FIELDS:
        old, new = before.get(field, ""), after.get(field, "")
        if old != new:
            shown = [_short(value) for value in (old, new)]
            changes.append(f"{field}: {shown[0] or '—'} → {shown[1] or '—'}")
    return "; ".join(changes)


def _short(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
