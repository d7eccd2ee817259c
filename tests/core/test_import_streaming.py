"""Import writes token rows as it makes them, in one transaction."""

from __future__ import annotations

import pytest

from annotator import text as nlp
from annotator.core.ingest import import_documents
from annotator.model.imports import Cancelled, DocumentIn

BATCH = 200  # token rows per insert (``_insert_documents``)


def _records(count: int) -> list[DocumentIn]:
    return [
        DocumentIn(text=f"Article {n} says the ferry sails.", title=f"t{n}", where=f"t:{n}")
        for n in range(count)
    ]


def test_import_holds_at_most_one_batch_of_token_rows(project, monkeypatch):
    real, behind = nlp.tokenize_many, []

    def watched(texts, lang="en"):
        for made, offsets in enumerate(real(texts, lang)):
            written = project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0]
            behind.append(made - written)  # tokenised, not yet written
            yield offsets

    monkeypatch.setattr(nlp, "tokenize_many", watched)
    report = import_documents(project, _records(1000))
    assert report.documents_added == 1000
    assert len(behind) == 1000 and max(behind) <= BATCH
    count = project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0]
    assert count == 1000


def test_cancel_while_tokenising_changes_nothing(project):
    before = project.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    seen = []

    def cancelled() -> bool:
        return len(seen) >= 450

    with pytest.raises(Cancelled):
        import_documents(project, _records(1000), progress=seen.append, cancelled=cancelled)
    assert project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    assert project.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0] == 0
    assert seen[-1] == 450  # progress counted the documents tokenised so far


def test_suggestions_already_stored_are_not_counted_again(project):
    from annotator.model.imports import SuggestionIn

    def record() -> DocumentIn:
        suggestion = SuggestionIn(start=0, end=7, label="claim", source="model")
        return DocumentIn(text="Article one.", title="a", where="t:1", suggestions=[suggestion])

    assert import_documents(project, [record()]).suggestions_added == 1
    assert import_documents(project, [record()]).suggestions_added == 0
    assert project.db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 1
