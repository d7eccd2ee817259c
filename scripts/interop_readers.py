"""Read our exports with other tools' own readers; run by ``scripts/interop.py`` inside
the readers' virtual environment (doccano and brat-peek installed, not Annotator).

    python interop_readers.py doccano FILE.jsonl     # doccano 1.8's import pipeline
    python interop_readers.py brat-peek FOLDER       # brat-peek's .ann reader

Prints one JSON object on stdout: what the reader made of the file (spans, links,
errors), for ``interop.py`` to compare with the project. Standard library only, apart
from the readers themselves.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path


def read_doccano(path: str) -> dict:
    """doccano's relation-extraction import: its JSONL parser, then its span and
    relation label makers (pydantic models; Django is set up but no database is used).
    A label the makers cannot parse is dropped by doccano without an error, so the
    counts are what to compare."""
    import backend

    sys.path.insert(0, os.path.dirname(backend.__file__))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()
    from data_import.pipeline.label import RelationLabel, SpanLabel
    from data_import.pipeline.makers import LabelMaker
    from data_import.pipeline.parsers import JSONLParser
    from data_import.pipeline.readers import UUID_COLUMN, FileName, Reader

    parser = JSONLParser()
    reader = Reader([FileName(path, "export.jsonl", "export.jsonl")], parser)
    records, spans, links = [], [], []
    for frame in reader.batch(10_000):
        by_uuid = {row[UUID_COLUMN]: row for row in frame.to_dict(orient="records")}
        numbers = {uuid: row["id"] for uuid, row in by_uuid.items()}
        records += [{"id": row["id"], "text": row["text"]} for row in by_uuid.values()]
        for label in LabelMaker(column="entities", label_class=SpanLabel).make(frame):
            spans.append(
                [
                    numbers[label.example_uuid],
                    label.id,
                    label.label,
                    label.start_offset,
                    label.end_offset,
                ]
            )
        for label in LabelMaker(column="relations", label_class=RelationLabel).make(frame):
            links.append([numbers[label.example_uuid], label.type, label.from_id, label.to_id])
    errors = [str(error.dict()) for error in reader.errors]
    return {"records": records, "spans": spans, "links": links, "errors": errors}


def read_brat_peek(folder: str) -> dict:
    """Every ``.ann`` of a folder read by brat-peek: entities (label, fragments, text)
    and relations (label, argument ids)."""
    from peek.ann_structure import AnnDocument

    documents = {}
    for ann in sorted(Path(folder).rglob("*.ann")):
        document = AnnDocument(str(ann))
        entities = {
            e.name: [e.tag, [[int(a), int(b)] for a, b in e.span], e.text]
            for e in document.anns["entities"]
        }
        relations = [
            [r.tag, r.arg1.split(":")[-1], r.arg2.split(":")[-1]]
            for r in document.anns["relations"]
        ]
        documents[str(ann.relative_to(folder))] = {"entities": entities, "relations": relations}
    return {"documents": documents}


if __name__ == "__main__":
    kind, target = sys.argv[1], sys.argv[2]
    printed = io.StringIO()  # what the reader prints (its warnings) goes in "remarks"
    with contextlib.redirect_stdout(printed):
        result = read_doccano(target) if kind == "doccano" else read_brat_peek(target)
    result["remarks"] = [line for line in printed.getvalue().split("\n") if line.strip()]
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
