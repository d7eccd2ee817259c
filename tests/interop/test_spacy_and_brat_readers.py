"""Our spaCy DocBin read by spaCy itself, our brat folder read by bratly (an independent
brat parser that checks every line against the brat grammar)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.formats.writers import export
from tests.interop import checks
from tests.interop.content import span_keys

pytestmark = pytest.mark.filterwarnings("ignore:Support for class-based:DeprecationWarning")


def test_spacy_docbin_from_disk_gives_exactly_our_spans(tricky, tmp_path):
    report = export(tricky, "spacy", tmp_path / "a.spacy", ents=True)
    docs = list(DocBin().from_disk(tmp_path / "a.spacy").get_docs(spacy.blank("en").vocab))
    lost = {(x.document_id, x.item) for x in report.lost if x.what == "span"}
    texts = {d.id: tricky.document(d.id).text for d in tricky.documents()}
    wanted = span_keys(tricky) - {(texts[doc_id], *key) for doc_id, key in lost}
    got = {
        (doc.text, doc.user_data["annotator"], s.label_, s.start_char, s.end_char)
        for doc in docs
        for s in doc.spans["sc"]
    }
    assert got == wanted and len(wanted) >= 18
    for doc in docs:  # doc.ents: a non-overlapping subset of the same spans
        ents = {
            (doc.text, doc.user_data["annotator"], e.label_, e.start_char, e.end_char)
            for e in doc.ents
        }
        assert ents <= wanted
        assert all(a.end <= b.start for a, b in zip(doc.ents, doc.ents[1:], strict=False))


def test_bratly_reads_every_line_of_our_brat_export(tricky, tmp_path):
    export(tricky, "brat", tmp_path / "brat")
    entities, relations = checks.brat_from_reader(
        tmp_path / "brat", checks.bratly_documents(tmp_path / "brat")
    )
    assert (entities, relations) == checks.expected_brat(tricky)
    assert len(entities) == 20 and len(relations) == 11
