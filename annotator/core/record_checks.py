"""What every imported record must be before anything of it is stored.

:func:`check_record` raises ``ValueError`` with the reason (one line, for ``file:line:
reason``); the import refuses the record (or skips it with ``--skip-invalid``). Checks
against the project's schema are :class:`~annotator.core.schema_growth.SchemaCheck`'s.
"""

from __future__ import annotations

from annotator.model.imports import ANSWERS, DocumentIn
from annotator.model.names import name_problem, unpaired_surrogate
from annotator.model.records import STATUSES


def check_record(record: DocumentIn) -> None:
    """Raise ``ValueError`` with the reason if the record cannot be imported as it is."""
    if record.error:
        raise ValueError(record.error)
    if not isinstance(record.text, str) or not record.text:
        raise ValueError("the document text is empty")
    if where := unpaired_surrogate(record):
        raise ValueError(
            f"{'the text' if where == 'text' else where} holds an unpaired surrogate "
            "(such as \\ud800), which cannot be stored"
        )
    if record.lang is not None and not isinstance(record.lang, str):
        raise ValueError(f"the language ('lang') must be a code such as 'en', not {record.lang!r}")
    _check_types(record)
    length = len(record.text)
    for span in record.spans:
        if not (isinstance(span.start, int) and isinstance(span.end, int)):
            raise ValueError(f"span offsets must be integers, not {span.start!r}, {span.end!r}")
        if not (0 <= span.start < span.end <= length):
            raise ValueError(
                f"span [{span.start}, {span.end}) {span.label!r} is outside the text "
                f"(0 to {length}) or empty"
            )
        if problem := name_problem(span.label):
            raise ValueError(problem)
    for suggestion in record.suggestions:
        if problem := name_problem(suggestion.label):
            raise ValueError(problem)
    _check_suggested_relations(record)
    for relation in record.relations:
        if problem := name_problem(relation.label, "link type"):
            raise ValueError(problem)
        if not (0 <= relation.head < len(record.spans) and 0 <= relation.child < len(record.spans)):
            raise ValueError(f"relation {relation.label!r} refers to a span that is not there")
        same = record.spans[relation.head]
        other = record.spans[relation.child]
        if relation.head == relation.child or (
            (same.start, same.end, same.label) == (other.start, other.end, other.label)
        ):
            raise ValueError(f"relation {relation.label!r} links a span to itself")
    for category in record.categories:
        if not isinstance(category.label, str) or not category.label.strip():
            raise ValueError("a document category has no name")
        value = category.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(
                f"category {category.label!r} has the value {value!r}, not a number from 0 to 1"
            )
    for status in record.statuses:
        if status.status not in STATUSES or (status.answer and status.answer not in ANSWERS):
            raise ValueError(f"unknown status {status.status!r} / answer {status.answer!r}")
    for item in (*record.spans, *record.relations, *record.statuses, *record.categories):
        if item.annotator is not None and (problem := name_problem(item.annotator, "annotator")):
            raise ValueError(problem)


def _check_suggested_relations(record: DocumentIn) -> None:
    places = [(s.label, s.start, s.end, s.source) for s in record.suggestions]
    for link in record.suggested_relations:
        if problem := name_problem(link.label, "link type"):
            raise ValueError(problem)
        ends = (link.head, link.child)
        if not all(isinstance(i, int) and 0 <= i < len(places) for i in ends):
            raise ValueError(f"suggested relation {link.label!r} refers to a suggestion not there")
        if places[link.head] == places[link.child]:
            raise ValueError(f"suggested relation {link.label!r} links a suggestion to itself")
        if link.status not in ("open", "accepted", "rejected"):
            raise ValueError(f"suggested relation {link.label!r} has the status {link.status!r}")
        if not isinstance(link.source, str) or not link.source:
            raise ValueError(f"suggested relation {link.label!r} has no source")


def _check_types(record: DocumentIn) -> None:
    """What every reader should have checked already, said plainly if one did not."""
    if not isinstance(record.title, str) or not isinstance(record.note, str):
        raise ValueError("the title and the document note must be texts")
    if not isinstance(record.meta, dict):
        raise ValueError(f"the metadata ('meta') must be an object, not {record.meta!r}")
    for item in (*record.spans, *record.statuses, *record.categories):
        if item.annotator is not None and not isinstance(item.annotator, str):
            raise ValueError(f"an annotator must be a name, not {item.annotator!r}")
    for span in record.spans:
        if not isinstance(span.attributes, dict):
            raise ValueError(f"span attributes must be an object, not {span.attributes!r}")
        if not isinstance(span.note, str):
            raise ValueError(f"a span's note must be a text, not {span.note!r}")
    for relation in record.relations:
        if not isinstance(relation.attributes, dict):
            raise ValueError(f"link attributes must be an object, not {relation.attributes!r}")
        if relation.annotator is not None and not isinstance(relation.annotator, str):
            raise ValueError(f"a link's annotator must be a name, not {relation.annotator!r}")
        ends = (relation.head, relation.child)
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in ends):
            raise ValueError(f"a link's head and child must be span numbers, not {ends!r}")
