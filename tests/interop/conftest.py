"""The project every interop test exports: ``content.tricky_records()``."""

from __future__ import annotations

import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from tests.interop.content import tricky_records


@pytest.fixture
def tricky() -> Project:
    project = Project.open(":memory:", annotator="importer")
    import_documents(project, tricky_records())
    return project
