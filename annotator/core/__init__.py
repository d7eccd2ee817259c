"""The headless core: records, schema, the project and its reversible operations (no Qt).

Names are loaded on first use (PEP 562): ``annotator.store`` imports ``core.errors`` and
``core.model``, and the project imports the store, so nothing is imported here eagerly.
"""

from importlib import import_module

_EXPORTS = {
    "AnnotatorError": "errors",
    "ConflictError": "errors",
    "DuplicateSpanError": "errors",
    "InputFileError": "errors",
    "NotFoundError": "errors",
    "StoreError": "errors",
    "ValidationError": "errors",
    "Cancelled": "ingest",
    "DocumentIn": "ingest",
    "ImportReport": "ingest",
    "SpanIn": "ingest",
    "import_documents": "ingest",
    "Change": "model",
    "Document": "model",
    "DocumentSummary": "model",
    "Relation": "model",
    "RowChange": "model",
    "Span": "model",
    "Project": "project",
    "Label": "schema",
    "RelationType": "schema",
    "Schema": "schema",
    "default_schema": "schema",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'annotator.core' has no attribute {name!r}")
    return getattr(import_module(f"annotator.core.{_EXPORTS[name]}"), name)
