"""The headless core: records, schema, the project and its reversible operations (no Qt)."""

from annotator.core.errors import (
    AnnotatorError,
    ConflictError,
    DuplicateSpanError,
    InputFileError,
    NotFoundError,
    StoreError,
    ValidationError,
)
from annotator.core.ingest import Cancelled, DocumentIn, ImportReport, SpanIn, import_documents
from annotator.core.model import Change, Document, DocumentSummary, Relation, RowChange, Span
from annotator.core.project import Project
from annotator.core.schema import Label, RelationType, Schema, default_schema

__all__ = [
    "AnnotatorError",
    "Cancelled",
    "Change",
    "ConflictError",
    "Document",
    "DocumentIn",
    "DocumentSummary",
    "DuplicateSpanError",
    "ImportReport",
    "InputFileError",
    "Label",
    "NotFoundError",
    "Project",
    "Relation",
    "RelationType",
    "RowChange",
    "Schema",
    "Span",
    "SpanIn",
    "StoreError",
    "ValidationError",
    "default_schema",
    "import_documents",
]
