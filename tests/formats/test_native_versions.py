"""Native exports of earlier versions still import, and what they hold comes back."""

from __future__ import annotations

from pathlib import Path

from annotator.core.ingest import import_documents
from annotator.formats.reader import read_paths
from annotator.model.imports import SchemaIn

VERSION1 = Path(__file__).parent.parent / "fixtures" / "native" / "version1.jsonl"


def test_native_version1_imports_everything_it_holds(project):
    schema = SchemaIn()
    records = list(read_paths([VERSION1], "auto", [], schema=schema))
    report = import_documents(project, records, schema=schema)
    assert (report.documents_added, report.spans_added, report.relations_added) == (1, 3, 2)
    (document,) = project.documents()
    spans = {s.label: s for s in project.spans(document.id, annotator="alice")}
    text = project.document(document.id).text
    assert text[spans["hedge"].start : spans["hedge"].end] == "probably"
    assert spans["claim"].note == "check"
    assert spans["source"].attributes == {"specificity": "named_role"}
    assert project.status(document.id) == "done"
    (suggestion,) = project.db.query("SELECT label, source, score FROM suggestions")
    assert suggestion == {"label": "actor", "source": "model:x", "score": 0.4}
