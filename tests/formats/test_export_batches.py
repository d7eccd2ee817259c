"""Exports read annotations many documents per query
(``queries.iter_annotated_documents``): each document must still get exactly its own
spans, links and statuses, across batch boundaries."""

from __future__ import annotations

import orjson
import pytest

from annotator.core.ingest import import_documents
from annotator.formats.export import select_layers
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, RelationIn, SpanIn, StatusIn
from annotator.store import queries

COUNT = 450  # more than two batches of 200


@pytest.fixture
def many(project):
    """Documents ``n`` of different lengths; odd ones annotated (a claim on the number,
    a source, a link, done), even ones untouched, so neighbours differ."""
    records = []
    for n in range(COUNT):
        text = f"Officials said {n} {'x' * (n % 7)} ships sailed."
        annotated = n % 2 == 1
        start = text.index(str(n))
        records.append(
            DocumentIn(
                text=text,
                title=f"doc {n}",
                where=f"doc {n}",
                spans=[
                    SpanIn(start, start + len(str(n)), "claim"),
                    SpanIn(0, 9, "source"),
                ]
                if annotated
                else [],
                relations=[RelationIn(0, 1, "attributed_to")] if annotated else [],
                statuses=[StatusIn("alice", "done")] if annotated else [],
            )
        )
    import_documents(project, records)
    return project


@pytest.mark.parametrize("batch", [1, 200, 1000])
def test_iter_annotated_documents_matches_the_per_document_queries(many, batch):
    seen = 0
    for document, (spans, relations, statuses) in queries.iter_annotated_documents(
        many.db, batch=batch
    ):
        assert spans == queries.spans_of(many.db, document.id)
        assert relations == queries.relations_of(many.db, document.id)
        assert statuses == queries.status_rows(many.db, document.id)
        seen += 1
    assert seen == COUNT


def test_select_layers_gives_each_document_its_own_spans(many):
    layers = list(select_layers(many))
    assert len(layers) == COUNT // 2
    for layer in layers:
        n = layer.document.title.removeprefix("doc ")
        claim = next(s for s in layer.spans if s.label == "claim")
        assert layer.document.text[claim.start : claim.end] == n
        assert len(layer.spans) == 2 and len(layer.relations) == 1
        assert layer.status == "done"


def test_native_export_keeps_every_document_s_annotations(many, tmp_path):
    out = tmp_path / "all.jsonl"
    export(many, "native", out)
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()[1:]]
    assert len(records) == COUNT
    for n, record in enumerate(records):
        texts = [s["text"] for s in record["spans"]]
        assert texts == (["Officials", str(n)] if n % 2 else [])  # by start
        assert len(record["relations"]) == n % 2
        assert [s["status"] for s in record["statuses"]] == (["done"] if n % 2 else [])
