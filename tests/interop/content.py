"""Annotations that are hard to carry between tools, shared by the interop tests and by
``scripts/interop.py``: the sample article and a short text with astral characters
(emoji, a family joined by ZWJ, a flag, mathematical letters), combining accents, CJK,
``#`` tokens and a CRLF; overlapping, nested and same-offset spans; links in every
direction the schema allows; three annotators (one of whom skipped a document), and
the comparisons (by annotator, label and offsets, never by database id)."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.formats.export import select_layers
from annotator.model.imports import DocumentIn, RelationIn, SpanIn, StatusIn

TRICKY = (
    "😀 Kim 👩\u200d👩\u200d👧 said #Ukraine troops (🇺🇦) will “probably” go.\n"
    "Café e\u0301lan: 東京 officials said the 𝒳 plan is 𝟙 step.\r\n"
    "Seoul’s minister stated it."
)


class _Builder:
    """Spans by phrase (the n-th occurrence), links by span index."""

    def __init__(self, text: str, title: str) -> None:
        self.record = DocumentIn(text=text, title=title, where=title)

    def span(self, phrase: str, label: str, annotator: str, nth: int = 0) -> int:
        start = -1
        for _ in range(nth + 1):
            start = self.record.text.index(phrase, start + 1)
        self.record.spans.append(SpanIn(start, start + len(phrase), label, annotator=annotator))
        return len(self.record.spans) - 1

    def link(self, head: int, child: int, label: str) -> None:
        annotator = self.record.spans[head].annotator
        self.record.relations.append(RelationIn(head, child, label, annotator))

    def status(self, annotator: str, status: str) -> None:
        self.record.statuses.append(StatusIn(annotator, status))


def tricky_records() -> list[DocumentIn]:
    """Two documents: the tricky text (alice, bob) and the sample (alice, bob; carol
    skipped it without a span)."""
    tricky = _Builder(TRICKY, "Tricky 😀 text")
    kim = tricky.span("Kim", "source", "alice")
    tricky.span("Kim", "actor", "alice")  # the same offsets with another label
    claim = tricky.span("#Ukraine troops (🇺🇦) will “probably” go", "claim", "alice")
    hedge = tricky.span("probably", "hedge", "alice")
    troops = tricky.span("#Ukraine troops", "actor", "alice")
    tricky.link(claim, kim, "attributed_to")
    tricky.link(hedge, claim, "hedges")
    tricky.link(claim, troops, "involves")
    officials = tricky.span("東京 officials", "source", "bob")
    plan = tricky.span("the 𝒳 plan is 𝟙 step", "claim", "bob")
    again = tricky.span("𝒳 plan is 𝟙 step", "claim", "bob")  # nested, same label
    tricky.span("Café e\u0301lan", "actor", "bob")
    tricky.link(plan, officials, "attributed_to")
    tricky.link(plan, again, "same_claim")
    tricky.link(again, plan, "same_claim")  # and back: both directions are kept
    tricky.span("Seoul’s minister", "source", "bob")
    tricky.status("alice", "done")
    tricky.status("bob", "done")

    sample = _Builder(sample_text(), "North Korean troops (sample)")
    minister = sample.span("South Korea’s defense minister", "source", "alice")
    soldiers = sample.span(
        "North Korean soldiers are probably engaged in combat in Ukraine", "claim", "alice"
    )
    probably = sample.span("probably", "hedge", "alice")
    korea = sample.span("North Korean soldiers", "actor", "alice")
    sample.link(soldiers, minister, "attributed_to")
    sample.link(probably, soldiers, "hedges")
    sample.link(soldiers, korea, "involves")
    kim_yh = sample.span("Kim Yong-hyun", "source", "bob")
    likely = sample.span("highly likely", "hedge", "bob")
    casualties = sample.span(
        "the occurrence of casualties among North Korean officers and soldiers in Ukraine "
        "is highly likely",
        "claim",
        "bob",
    )
    second = sample.span("highly likely", "hedge", "bob", nth=1)
    sample.link(second, casualties, "hedges")
    sample.link(casualties, kim_yh, "attributed_to")
    sample.span("Specialists", "source", "bob")
    sample.span("both Moscow and Pyongyang", "source", "bob")
    del likely
    sample.status("alice", "done")
    sample.status("bob", "done")
    sample.status("carol", "skipped")
    return [tricky.record, sample.record]


def span_keys(project: Project) -> set[tuple]:
    """(text, annotator, label, start, end) of every span in the project."""
    keys = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        for span in project.spans(summary.id, annotator=None):
            keys.add((text, span.annotator, span.label, span.start, span.end))
    return keys


def link_keys(project: Project) -> set[tuple]:
    """(text, annotator, label, head label/start/end, child label/start/end) of every
    link."""
    keys = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        spans = {s.id: s for s in project.spans(summary.id, annotator=None)}
        for link in project.relations(summary.id, annotator=None):
            head, child = spans[link.head_id], spans[link.child_id]
            keys.add(
                (
                    text,
                    link.annotator,
                    link.label,
                    (head.label, head.start, head.end),
                    (child.label, child.start, child.end),
                )
            )
    return keys


def status_keys(project: Project) -> set[tuple]:
    """(text, annotator, status) of every done or skipped layer."""
    return {
        (layer.document.text, layer.annotator, layer.status)
        for layer in select_layers(project, None)
        if layer.status in ("done", "skipped")
    }
