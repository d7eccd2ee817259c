"""Saved web pages: the article text and its metadata, extracted offline by trafilatura.

The text is trafilatura's plain-text extraction (paragraphs on their own lines); no
markup is ever kept. Title, author, date, site name and URL go to the metadata when the
page has them. Nothing is fetched: the page is the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.files.encoding import read_text_file
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn


def read_html(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    import trafilatura

    page = read_text_file(path)
    extracted = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    result = extracted.as_dict() if extracted is not None else None
    if not result or not (result.get("text") or "").strip():
        raise InputFileError(path, "no article text found in this page")
    meta = {
        key: result[source]
        for key, source in (
            ("author", "author"),
            ("published", "date"),
            ("url", "url"),
            ("outlet", "sitename"),
            ("description", "description"),
        )
        if result.get(source)
    }
    meta["file"] = path.name
    title = result.get("title") or path.stem
    yield DocumentIn(
        text=result["text"],
        title=title,
        where=str(path),
        meta=meta,
        lang=result.get("language") or None,
    )
