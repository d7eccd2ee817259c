"""What an export writes, a file or a folder, and the name ending its file has: one
answer for the command line's reports and the window's Export dialog."""

from __future__ import annotations

import pytest

from annotator.formats.writers import EXPORTERS, OUTPUT_SUFFIX, writes_folder


@pytest.mark.parametrize(
    "fmt,options,folder",
    [
        ("brat", {}, True),
        ("prodigy", {}, False),
        ("spacy", {"dev_fraction": 0.0}, False),
        ("spacy", {"dev_fraction": 0.2}, True),
        ("conll", {"layout": "columns"}, False),
        ("conll", {"layout": "files"}, True),
    ],
)
def test_writes_folder_follows_the_format_and_its_options(fmt, options, folder):
    assert writes_folder(fmt, **options) is folder


def test_every_file_format_has_a_name_ending():
    assert {fmt for fmt in EXPORTERS if not writes_folder(fmt)} <= set(OUTPUT_SUFFIX)
