"""The data the app ships lives in the top-level ``resources/`` folder, is installed as
``annotator.resources`` and is found through ``annotator.shipped`` only."""

from __future__ import annotations

import struct
import tomllib
from pathlib import Path

import pytest

from annotator import shipped

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "resource",
    [
        shipped.schema_file,
        shipped.guideline_file,
        shipped.desktop_entry,
        shipped.metainfo_file,
        shipped.icon_file,
        lambda: shipped.sample_file("north-korean-troops-ukraine.txt"),
        lambda: shipped.attribution_folder() / "rules.json",
        lambda: shipped.patterns_folder() / "hedges.jsonl",
    ],
)
def test_shipped_finds_each_file_in_the_resources_folder(resource):
    found = resource()
    assert found.is_file()
    assert Path(str(found)).is_relative_to(ROOT / "resources")  # this checkout's folder


@pytest.mark.parametrize("size", shipped.ICON_SIZES)
def test_shipped_icon_png_has_its_size(size):
    data = shipped.icon_file(size).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)  # the IHDR chunk


def test_pyproject_lists_every_package_and_maps_the_resources():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "annotator").rglob("__init__.py")
    }
    data = {
        ".".join(("annotator", *p.relative_to(ROOT).parts))
        for p in (ROOT / "resources").iterdir()
        if p.is_dir() and p.name.isidentifier()
    }
    assert listed == folders | {"annotator.resources"} | data
    assert config["tool"]["setuptools"]["package-dir"] == {"annotator.resources": "resources"}


def test_nothing_refers_to_the_old_place_of_the_resources():
    old = "annotator/" + "resources"
    found = [
        str(path.relative_to(ROOT))
        for folder in ("annotator", "tests", "docs", "benchmarks", "scripts", "resources")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".toml", ".json", ".jsonl"}
        and old in path.read_text(encoding="utf-8", errors="replace")
    ]
    found += [
        name
        for name in ("README.md", "pyproject.toml", "Makefile")
        if old in (ROOT / name).read_text()
    ]
    assert found == []


def test_only_shipped_reads_the_package_data():
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "annotator").rglob("*.py")
        if path.name != "shipped.py"
        and (
            "importlib.resources" in (text := path.read_text(encoding="utf-8"))
            or "from importlib import resources" in text
            or "pkgutil" in text
        )
    ]
    assert readers == []


def test_pyproject_licence_is_an_spdx_string_setuptools_reads_without_warning():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["license"] == "MIT"  # SPDX, not the deprecated table
    assert all((ROOT / name).is_file() for name in config["project"]["license-files"])
    # the string form needs setuptools 77 (older ones reject it)
    assert "setuptools>=77" in config["build-system"]["requires"]


@pytest.mark.parametrize(
    "parts",
    [
        (shipped.SCHEMA,),
        (shipped.DATABASE_OBJECTS,),
        ("samples", "north-korean-troops-ukraine.txt"),
    ],
)
def test_shipped_bytes_are_the_files_bytes(parts):
    assert shipped.shipped_bytes(*parts) == (ROOT / "resources" / Path(*parts)).read_bytes()


def test_shipped_bytes_of_a_file_not_shipped_is_an_error():
    with pytest.raises(FileNotFoundError):
        shipped.shipped_bytes("no-such-file.json")


@pytest.mark.parametrize("size", shipped.ICON_SIZES)
def test_icon_bytes_are_the_icons_file(size):
    assert shipped.icon_bytes(size) == shipped.icon_file(size).read_bytes()
