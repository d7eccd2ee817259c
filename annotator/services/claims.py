"""Every claim of the project with what the annotations say about it, and the sources.

A claim's sources come through ``attributed_to`` links (with their stance), its hedges
through ``hedges``, its actors through ``involves``. Its record is its own or, when it was
confirmed to be the same claim as another, that main claim's (shared).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.core.project import Project
from annotator.store import queries

VAGUE = "vague"


@dataclass(slots=True)
class ClaimRow:
    span_id: int
    document_id: int
    title: str
    outlet: str
    published: str
    annotator: str
    start: int
    end: int
    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    checkworthy: bool | None = None
    claim_type: str = ""
    status: str = "unstarted"
    shared_with: int | None = None
    normalized: str = ""
    verdict: str = ""
    rating: str = ""
    assignee: str = ""
    evidence: int = 0
    url: str = ""

    @property
    def vague(self) -> bool:
        """Resting on vague sources only (or on none at all)."""
        return all(s["specificity"] == VAGUE for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "vague": self.vague}


def claim_rows(project: Project, *, annotator: str | None = None) -> list[ClaimRow]:
    """Every claim span (of ``annotator`` if given), in document and text order."""
    db = project.db
    mains = queries.claim_mains(db)
    records = queries.claim_records_by_span(db)
    evidence = queries.evidence_counts(db)
    rows: list[ClaimRow] = []
    for document in queries.iter_documents(db, queries.documents_with_label(db, "claim")):
        spans = {s.id: s for s in queries.spans_of(db, document.id)}
        links = queries.relations_of(db, document.id)
        text = document.text
        for span in spans.values():
            if span.label != "claim" or (annotator and span.annotator != annotator):
                continue
            main = _main(span.id, mains)
            record = records.get(main, {})
            row = ClaimRow(
                span_id=span.id,
                document_id=document.id,
                title=document.title,
                outlet=str(document.meta.get("outlet", "")),
                published=str(document.meta.get("published", "")),
                annotator=span.annotator,
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                checkworthy=span.attributes.get("checkworthy"),
                claim_type=span.attributes.get("claim_type", ""),
                status=record.get("status", "unstarted"),
                shared_with=main if main != span.id else None,
                normalized=record.get("normalized", ""),
                verdict=record.get("verdict", ""),
                rating=record.get("rating", ""),
                assignee=record.get("assignee", ""),
                evidence=evidence.get(main, 0),
            )
            for link in links:
                if link.label == "attributed_to" and link.head_id == span.id:
                    source = spans[link.child_id]
                    row.sources.append(
                        {
                            "text": text[source.start : source.end],
                            "stance": link.attributes.get("stance", ""),
                            "quote": link.attributes.get("quote", ""),
                            "specificity": source.attributes.get("specificity", ""),
                            "span_id": source.id,
                        }
                    )
                elif link.label == "hedges" and link.child_id == span.id:
                    hedge = spans[link.head_id]
                    row.hedges.append(text[hedge.start : hedge.end])
                elif link.label == "involves" and link.head_id == span.id:
                    actor = spans[link.child_id]
                    row.actors.append(text[actor.start : actor.end])
            rows.append(row)
    rows.sort(key=lambda r: (r.document_id, r.start, -r.end))
    return rows


def _main(span_id: int, mains: dict[int, int]) -> int:
    seen = {span_id}
    while span_id in mains and mains[span_id] not in seen:
        span_id = mains[span_id]
        seen.add(span_id)
    return span_id


def describe_sources(row: ClaimRow) -> str:
    """ "asserts: X; denies: Y" for a table cell."""
    return "; ".join(f"{s['stance'] or 'attributed'}: {s['text']}" for s in row.sources)


# -- sources -------------------------------------------------------------------------------


def source_key(text: str) -> str:
    """Mentions of one source grouped: case, spacing and a leading article ignored."""
    words = text.casefold().split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def source_table(project: Project) -> list[dict[str, Any]]:
    """Per source: how many claims rest on it, in how many articles, their statuses."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in claim_rows(project):
        for source in row.sources:
            entry = grouped.setdefault(
                source_key(source["text"]),
                {
                    "source": source["text"],
                    "claims": 0,
                    "documents": set(),
                    "statuses": Counter(),
                    "stances": Counter(),
                    "specificity": Counter(),
                },
            )
            entry["claims"] += 1
            entry["documents"].add(row.document_id)
            entry["statuses"][row.status] += 1
            entry["stances"][source["stance"] or "attributed"] += 1
            entry["specificity"][source["specificity"] or "unset"] += 1
    table = [
        {
            **e,
            "documents": len(e["documents"]),
            "statuses": dict(e["statuses"]),
            "stances": dict(e["stances"]),
            "specificity": dict(e["specificity"]),
        }
        for e in grouped.values()
    ]
    return sorted(table, key=lambda e: (-e["claims"], e["source"].casefold()))


def vague_shares(project: Project) -> list[dict[str, Any]]:
    """Per article: claims, and the share of them resting on vague sources only."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    titles: dict[int, str] = {}
    for row in claim_rows(project):
        counts[row.document_id][0] += 1
        counts[row.document_id][1] += row.vague
        titles[row.document_id] = row.title
    return [
        {
            "document_id": i,
            "title": titles[i],
            "claims": total,
            "vague": vague,
            "share": vague / total,
        }
        for i, (total, vague) in sorted(counts.items())
    ]
