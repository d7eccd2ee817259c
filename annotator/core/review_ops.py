"""Adjudication: taking annotators' spans and links into the layer being edited (``gold``).

The lead switches the project's ``layer`` to ``gold`` and adopts, span by span or link by
link, the version each annotator proposed; adopted copies remember whose they were in
their ``origin`` (``adopted:NAME``). One adoption is one change: undo removes it whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.core.base import ProjectBase, now
from annotator.model.errors import NotFoundError, ValidationError
from annotator.model.records import Change, RowChange
from annotator.store import fetch_row, queries

GOLD = "gold"


class ReviewOps(ProjectBase):
    def adopt(self, span_ids: Iterable[int] = (), relation_ids: Iterable[int] = ()) -> Change:
        """Copy spans and links of other annotators into this project's current layer.

        A span already in the layer (same label and offsets) is not copied again; a link
        brings its two spans along.

        :raises ValidationError: adopting into one's own layer from itself.
        """
        span_ids, relation_ids = list(span_ids), list(relation_ids)
        with self.transact("adopt") as transaction:
            relations = [self._relation_row(i) for i in relation_ids]
            wanted = list(
                dict.fromkeys(
                    [
                        *span_ids,
                        *(r["head_id"] for r in relations),
                        *(r["child_id"] for r in relations),
                    ]
                )
            )
            sources = [self._span_row(i) for i in wanted]
            if any(row["annotator"] == self.layer for row in sources):
                raise ValidationError(f"these spans are already in the {self.layer!r} layer")
            stamp = now()
            copies: dict[int, int] = {}
            span_rows = []
            for row in sources:
                existing = queries.find_span(
                    self.db, row["document_id"], self.layer, row["label"], row["start"], row["end"]
                )
                if existing is not None:
                    copies[row["id"]] = existing["id"]
                    continue
                copy = {k: v for k, v in row.items() if k != "id"}
                copy.update(
                    annotator=self.layer,
                    origin=f"adopted:{row['annotator']}",
                    created=stamp,
                    updated=stamp,
                )
                span_rows.append((row["id"], RowChange("spans", (None,), None, copy)))
            applied = transaction.apply(change for _, change in span_rows)
            for (source_id, _), done in zip(span_rows, applied, strict=True):
                copies[source_id] = done.key[0]
            link_rows = []
            for row in relations:
                head, child = copies[row["head_id"]], copies[row["child_id"]]
                if queries.find_relation(self.db, head, child, row["label"], self.layer):
                    continue
                copy = {k: v for k, v in row.items() if k != "id"}
                copy.update(
                    head_id=head, child_id=child, annotator=self.layer, created=stamp, updated=stamp
                )
                link_rows.append(RowChange("relations", (None,), None, copy))
            transaction.apply(link_rows)
            count = len(span_rows) + len(link_rows)
            transaction.description = f"Adopt {count} into {self.layer}"
        return transaction.change

    def _relation_row(self, relation_id: int) -> dict[str, Any]:
        row = fetch_row(self.db, "relations", (relation_id,))
        if row is None:
            raise NotFoundError(f"no link with id {relation_id}")
        return row

    def review_items(self, document_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """What the annotators of a document proposed, grouped for adjudication.

        Spans: one entry per (start, end, label) with ``by`` (annotator → span id) and
        ``in_layer`` (the id in the current layer, or ``None``). Links: one entry per
        (head key, child key, label) likewise.
        """
        spans = queries.spans_of(self.db, document_id)
        grouped: dict[tuple[int, int, str], dict[str, Any]] = {}
        key_of = {}
        for span in spans:
            key = (span.start, span.end, span.label)
            key_of[span.id] = key
            fresh = {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "by": {},
                "in_layer": None,
            }
            entry = grouped.setdefault(key, fresh)
            if span.annotator == self.layer:
                entry["in_layer"] = span.id
            else:
                entry["by"][span.annotator] = span.id
        links: dict[tuple, dict[str, Any]] = {}
        for relation in queries.relations_of(self.db, document_id):
            key = (key_of[relation.head_id], key_of[relation.child_id], relation.label)
            entry = links.setdefault(
                key,
                {
                    "head": key[0],
                    "child": key[1],
                    "label": relation.label,
                    "by": {},
                    "in_layer": None,
                },
            )
            if relation.annotator == self.layer:
                entry["in_layer"] = relation.id
            else:
                entry["by"][relation.annotator] = relation.id
        ordered = sorted(grouped.values(), key=lambda e: (e["start"], -e["end"], e["label"]))
        return ordered, sorted(links.values(), key=lambda e: (e["head"], e["child"], e["label"]))
