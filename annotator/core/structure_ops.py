"""Suggested structures: suggested spans joined by suggested links (an attribution: a
claim, its source with the cue, stance and quote of the ``attributed_to`` link, its
hedges, earlier mentions of the source), stored, shown and accepted as one.

The attribution rules (:mod:`annotator.text.attribution`) find the structures;
:meth:`StructureOps.store_structures` stores them as open suggestions of one source
(``rules:attribution``), replacing that source's open ones and leaving places a person
decided alone. :meth:`StructureOps.accept_structure` accepts every part connected to one
suggestion by open links, spans and links with their attributes, as one change (one undo
step); a part identical to an existing annotation is taken as it is, not duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from annotator.core.base import ProjectBase, now
from annotator.model.errors import ValidationError
from annotator.model.records import Change, RowChange, Suggestion, dumps_json
from annotator.store import fetch_row, queries

if TYPE_CHECKING:
    from annotator.text.attribution import Layers

ATTRIBUTION_SOURCE = "rules:attribution"
SAME_AS = "same_as"
Place = tuple[str, int, int]
"""``(label, start, end)`` of a suggested span."""


@dataclass(frozen=True, slots=True)
class SuggestedLink:
    """An open link between two suggested spans, by their places."""

    id: int
    head: Place
    child: Place
    label: str
    source: str
    attributes: dict[str, Any]


class StructureOps(ProjectBase):
    def store_structures(
        self, layers: dict[int, Layers], *, source: str = ATTRIBUTION_SOURCE
    ) -> Change:
        """Store the spans and links of ``layers`` (per document) as open suggestions of
        ``source``, in one change. Open suggestions and links of ``source`` in these
        documents are replaced; places a person accepted or rejected (from any source)
        are left out, with the links that touch them."""
        with self.transact("store_structures", "Store suggested structures") as transaction:
            first: list[RowChange] = []
            for document_id, found in layers.items():
                first += self._replace_source_rows(document_id, found, source)
            transaction.apply(first)
            ids = queries.suggestion_ids(self.db, sorted(layers))
            second: list[RowChange] = []
            for document_id, found in layers.items():
                second += self._new_link_rows(document_id, found, source, ids)
            transaction.apply(second)
        return transaction.change

    def _replace_source_rows(self, document_id: int, found: Layers, source: str) -> list[RowChange]:
        closed = queries.closed_suggestion_places(self.db, document_id)
        places = _places(found)
        wanted = {place for place in places if place not in closed}
        rows: list[RowChange] = []
        stored = {}
        gone: set[int] = set()
        for row in queries.suggestions_of(self.db, document_id):
            if row["source"] != source:
                continue
            place = (row["label"], row["start"], row["end"])
            stored[place] = row
            if row["status"] == "open" and place not in wanted:
                gone.add(row["id"])
        wanted_links = {
            (places[head], places[child], label, dumps_json(attributes))
            for head, child, label, attributes in found.links
        }
        for row in queries.suggested_relations_of(self.db, document_id):
            if row["source"] != source:
                continue
            key = (
                (row["head_label"], row["head_start"], row["head_end"]),
                (row["child_label"], row["child_start"], row["child_end"]),
                row["label"],
                row["attributes"],  # stored as dumps_json writes it
            )
            ends_gone = bool({row["head_id"], row["child_id"]} & gone)
            if ends_gone or (row["status"] == "open" and key not in wanted_links):
                stored_row = fetch_row(self.db, "suggested_relations", (row["id"],))
                rows.append(RowChange("suggested_relations", (row["id"],), stored_row, None))
        rows += [
            RowChange("suggestions", (row["id"],), row, None)
            for row in stored.values()
            if row["id"] in gone
        ]
        stamp = now()
        for label, start, end in sorted(wanted - set(stored), key=lambda p: (p[1], p[2], p[0])):
            row = {
                "document_id": document_id,
                "start": start,
                "end": end,
                "label": label,
                "source": source,
                "score": None,
                "status": "open",
                "created": stamp,
            }
            rows.append(RowChange("suggestions", (None,), None, row))
        return rows

    def _new_link_rows(
        self, document_id: int, found: Layers, source: str, ids: dict[tuple, int]
    ) -> list[RowChange]:
        places = list(found.spans)
        present = {
            (r["head_id"], r["child_id"], r["label"])
            for r in queries.suggested_relations_of(self.db, document_id)
            if r["source"] == source
        }
        open_ids = {
            r["id"] for r in queries.suggestions_of(self.db, document_id) if r["status"] == "open"
        }
        rows, stamp = [], now()
        for head, child, label, attributes in found.links:
            head_id = ids.get((document_id, *_place(places[head]), source))
            child_id = ids.get((document_id, *_place(places[child]), source))
            if head_id not in open_ids or child_id not in open_ids:
                continue  # an end a person decided: the link is not proposed again
            if (head_id, child_id, label) in present:
                continue
            present.add((head_id, child_id, label))
            row = {
                "document_id": document_id,
                "head_id": head_id,
                "child_id": child_id,
                "label": label,
                "source": source,
                "attributes": dumps_json(attributes),
                "status": "open",
                "created": stamp,
            }
            rows.append(RowChange("suggested_relations", (None,), None, row))
        return rows

    def structures_stored(self, document_id: int, *, source: str = ATTRIBUTION_SOURCE) -> bool:
        """Whether ``source`` has stored suggestions in the document (open or decided):
        the attribution rules have seen it."""
        return any(row["source"] == source for row in queries.suggestions_of(self.db, document_id))

    def suggested_links(self, document_id: int) -> list[SuggestedLink]:
        """The open links between suggestions of a document whose ends are both still
        proposed (open, and not decided at that place by a person)."""
        closed = queries.closed_suggestion_places(self.db, document_id)
        found = []
        for row in queries.suggested_relations_of(self.db, document_id):
            head = (row["head_label"], row["head_start"], row["head_end"])
            child = (row["child_label"], row["child_start"], row["child_end"])
            if row["status"] != "open" or head in closed or child in closed:
                continue
            attributes = orjson.loads(row["attributes"])
            found.append(
                SuggestedLink(row["id"], head, child, row["label"], row["source"], attributes)
            )
        return found

    def structure_at(
        self, document_id: int, place: Place
    ) -> tuple[list[Place], list[SuggestedLink]]:
        """The places and links of the structure ``place`` belongs to: everything joined
        to it by open suggested links other than ``same_as`` (a claim, its sources, its
        hedges; ``place`` alone when no link touches it), and the ``same_as`` links from
        its sources to a mention already annotated in this layer."""
        links = self.suggested_links(document_id)
        places, todo, taken = [place], [place], []
        while todo:
            current = todo.pop()
            for link in links:
                if link.label == SAME_AS or link in taken:
                    continue
                if current in (link.head, link.child):
                    taken.append(link)
                    for end in (link.head, link.child):
                        if end not in places:
                            places.append(end)
                            todo.append(end)
        for link in links:
            if link.label != SAME_AS or not {link.head, link.child} & set(places):
                continue
            other = link.child if link.head in places else link.head
            if other in places or self._annotated(document_id, other) is not None:
                taken.append(link)
        return sorted(places, key=lambda p: (p[1], p[2], p[0])), taken

    def _annotated(self, document_id: int, place: Place) -> int | None:
        label, start, end = place
        span = queries.find_span(self.db, document_id, self.layer, label, start, end)
        return None if span is None else span["id"]

    def relabel_suggestion(self, document_id: int, suggestion: Suggestion, label: str) -> Change:
        """Propose ``suggestion``'s place with ``label`` instead, in one change: the old
        place is rejected (not proposed again), the new one stored as open from the same
        source, and its open links moved to it, except those the schema does not allow
        with the new label (they are dropped, never stored).

        :raises ValidationError: unknown label, or the same label.
        """
        self.schema.label(label)
        if label == suggestion.label:
            raise ValidationError(f"this suggestion is already a {label}")
        old = suggestion.place
        new = (label, suggestion.start, suggestion.end)
        links = [k for k in self.suggested_links(document_id) if old in (k.head, k.child)]
        what = f"Suggest {suggestion.label} as {label}"
        with self.transact("relabel_suggestion", what) as transaction:
            first = self._suggestion_rows(document_id, suggestion, "rejected")
            moved = Suggestion(suggestion.start, suggestion.end, label, suggestion.source)
            if queries.suggestion_row(self.db, document_id, new, suggestion.source) is None:
                first += self._suggestion_rows(document_id, moved, "open")
            transaction.apply(first)
            new_id = queries.suggestion_row(self.db, document_id, new, suggestion.source)["id"]
            second = []
            for link in links:
                before = fetch_row(self.db, "suggested_relations", (link.id,))
                head = new if link.head == old else link.head
                child = new if link.child == old else link.child
                if not self.schema.allows_link(link.label, head[0], child[0]):
                    second.append(RowChange("suggested_relations", (link.id,), before, None))
                    continue
                end = "head_id" if link.head == old else "child_id"
                after = {**before, end: new_id}
                second.append(RowChange("suggested_relations", (link.id,), before, after))
            transaction.apply(second)
        return transaction.change

    def accept_structure(self, document_id: int, suggestion: Suggestion) -> Change:
        """Accept the whole structure ``suggestion`` belongs to: its spans (as this
        layer's annotations, origin the suggestion's source) and its links with their
        attributes, in one change. A span already annotated at a place is used as it is;
        a link the schema does not allow between the spans is left out.

        :raises ValidationError: the suggestion's label is not in the schema.
        """
        places, links = self.structure_at(document_id, suggestion.place)
        sources = {suggestion.place: suggestion.source}
        sources.update({end: link.source for link in links for end in (link.head, link.child)})
        with self.transact("accept_structure") as transaction:
            first: list[RowChange] = []
            existing: dict[Place, int] = {}
            for link in links:
                for end in (link.head, link.child):
                    if end not in places and (found := self._annotated(document_id, end)):
                        existing[end] = found  # a same_as link to an earlier mention
            for place in places:
                label, start, end = place
                if not self.schema.has_label(label):
                    raise ValidationError(f"unknown label {label!r}")
                span_id = self._annotated(document_id, place)
                if span_id is not None:
                    existing[place] = span_id
                else:
                    first += self._new_span_rows(document_id, start, end, label, sources[place])
                accepted = Suggestion(start, end, label, sources[place])
                first += self._suggestion_rows(document_id, accepted, "accepted")
            first += self._status_rows(document_id, "in_progress", only_from_new=True)
            applied = transaction.apply(first)
            span_ids = dict(existing)
            for row in applied:
                if row.table == "spans" and row.after is not None:
                    after = row.after
                    span_ids[(after["label"], after["start"], after["end"])] = after["id"]
            transaction.apply(self._accepted_link_rows(links, span_ids))
            names = ", ".join(label for label, _, _ in places)
            transaction.description = f"Accept structure ({names})"
        return transaction.change

    def _accepted_link_rows(
        self, links: list[SuggestedLink], span_ids: dict[Place, int]
    ) -> list[RowChange]:
        rows, stamp = [], now()
        for link in links:
            head, child = span_ids[link.head], span_ids[link.child]
            before = fetch_row(self.db, "suggested_relations", (link.id,))
            rows.append(
                RowChange(
                    "suggested_relations", (link.id,), before, {**before, "status": "accepted"}
                )
            )
            allowed = self.schema.allows_link(link.label, link.head[0], link.child[0])
            if not allowed or queries.find_relation(self.db, head, child, link.label, self.layer):
                continue
            row = {
                "document_id": before["document_id"],
                "head_id": head,
                "child_id": child,
                "label": link.label,
                "annotator": self.layer,
                "attributes": dumps_json(link.attributes),
                "created": stamp,
                "updated": stamp,
            }
            rows.append(RowChange("relations", (None,), None, row))
        return rows


def _places(found: Layers) -> list[Place]:
    return [_place(span) for span in found.spans]


def _place(span: tuple[int, int, str]) -> Place:
    start, end, label = span
    return (label, start, end)
