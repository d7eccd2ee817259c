"""The bundled sample article: the default document of a new project."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.shipped import sample_file
from annotator.store import queries

SAMPLE_FILE = "north-korean-troops-ukraine.txt"
SAMPLE_TITLE = "North Korean troops in Ukraine (AFP, October 2024)"


def sample_text() -> str:
    """The sample article exactly as shipped (bytes decoded as UTF-8, nothing normalised)."""
    path = sample_file(SAMPLE_FILE)
    return path.read_bytes().decode("utf-8")


def ensure_sample(project: Project) -> bool:
    """Import the sample into a project that has never had a document. Returns whether
    it did; a project whose documents were all deleted does not get it again."""
    if queries.project_value(project.db, "sample_offered") is not None:
        return False
    added = False
    if not queries.document_ids(project.db):
        from annotator.core.ingest import import_documents  # only on a first run
        from annotator.model.imports import DocumentIn

        document = DocumentIn(
            text=sample_text(),
            title=SAMPLE_TITLE,
            where=SAMPLE_FILE,
            meta={"outlet": "AFP", "published": "2024-10", "file": SAMPLE_FILE},
        )
        # Not tokenised now: the first window must paint before spaCy loads.
        report = import_documents(project, [document], tokenize=False)
        added = report.documents_added == 1
    project.set_project_value("sample_offered", "1")
    return added
