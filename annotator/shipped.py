"""Where each file Annotator ships is: the one module that knows the layout of the
repository's top-level ``resources/`` folder.

The wheel installs that folder as the package ``annotator.resources`` (the ``package-dir``
mapping in ``pyproject.toml``), and an editable install maps the same package name onto
the folder, so every file is read through :mod:`importlib.resources` the same way from a
checkout, an installed wheel or a zip.

The files every opening reads (the record of schema objects, the label schema) are read
whole with :func:`pkgutil.get_data` (:func:`shipped_bytes`), through the same package's
loader: importing :mod:`importlib.resources` costs a process about 8 ms (it loads
``tempfile``, ``shutil`` and the compression modules for ``as_file``), a quarter of what
``annotator search`` may spend beyond bare Python.
"""

from __future__ import annotations

import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "APP_ID",
    "DATABASE_OBJECTS",
    "ICON_SIZES",
    "PACKAGE",
    "SCHEMA",
    "Traversable",
    "attribution_folder",
    "database_objects_file",
    "desktop_entry",
    "guideline_file",
    "icon_bytes",
    "icon_file",
    "metainfo_file",
    "patterns_folder",
    "sample_file",
    "schema_file",
    "shipped",
    "shipped_bytes",
]

PACKAGE = "annotator.resources"
APP_ID = "org.annotator.Annotator"
"""The reverse-DNS name of the desktop entry, icon and AppStream metainfo."""
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
"""The sizes of the PNG icons, in pixels (besides the scalable SVG)."""


def shipped(*parts: str) -> Traversable:
    """A shipped file or folder by its path inside ``resources/`` (it may not exist)."""
    from importlib import resources

    return resources.files(PACKAGE).joinpath(*parts)


def shipped_bytes(*parts: str) -> bytes:
    """The bytes of a shipped file by its path inside ``resources/``.

    :raises FileNotFoundError: no such file is shipped.
    """
    data = pkgutil.get_data(PACKAGE, "/".join(parts))
    if data is None:  # a loader that cannot read data: the general way
        return shipped(*parts).read_bytes()
    return data


def __getattr__(name: str) -> Any:
    if name == "Traversable":  # for type hints of callers; its import costs 8 ms
        from importlib.resources.abc import Traversable

        return Traversable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SCHEMA = "schema.json"
"""The default label schema (JSON), inside ``resources/``."""
DATABASE_OBJECTS = "database_objects.json"
"""The schema objects a project file holds: what the migrations create (JSON rows of
kind, name and normalised SQL; written by ``scripts/record_schema_objects.py``)."""


def schema_file() -> Traversable:
    """The default label schema (JSON)."""
    return shipped(SCHEMA)


def database_objects_file() -> Traversable:
    """The schema objects a project file holds: what the migrations create (JSON rows of
    kind, name and normalised SQL; written by ``scripts/record_schema_objects.py``)."""
    return shipped(DATABASE_OBJECTS)


def guideline_file() -> Traversable:
    """The annotation guideline (Markdown)."""
    return shipped("guideline.md")


def patterns_folder() -> Traversable:
    """The default patterns, one set per ``.jsonl`` file (Prodigy pattern lines)."""
    return shipped("patterns")


def attribution_folder() -> Traversable:
    """The data of the attribution rules: cues, patterns and rules."""
    return shipped("attribution")


def sample_file(name: str) -> Traversable:
    """A sample article (UTF-8 text)."""
    return shipped("samples", name)


def icon_file(size: int | None = None) -> Traversable:
    """The application icon: the PNG of ``size`` pixels (one of :data:`ICON_SIZES`), or
    the scalable SVG when ``size`` is ``None``."""
    if size is None:
        return shipped("icons", f"{APP_ID}.svg")
    return shipped("icons", f"{size}x{size}", f"{APP_ID}.png")


def icon_bytes(size: int) -> bytes:
    """The PNG icon of ``size`` pixels (one of :data:`ICON_SIZES`), read whole (the
    window's icon, before its first paint: without :mod:`importlib.resources`)."""
    return shipped_bytes("icons", f"{size}x{size}", f"{APP_ID}.png")


def desktop_entry() -> Traversable:
    """The freedesktop ``.desktop`` entry."""
    return shipped("desktop", f"{APP_ID}.desktop")


def metainfo_file() -> Traversable:
    """The AppStream metainfo (what software centres show)."""
    return shipped("desktop", f"{APP_ID}.metainfo.xml")
