"""Listing Annotator on a Linux desktop: the freedesktop entry, the AppStream metainfo
and the icons, copied into the XDG data folders (``annotator install-desktop``).

Files go where the XDG specifications look: ``applications/`` (desktop entry),
``metainfo/`` (AppStream), ``icons/hicolor/<size>/apps/`` (icon theme). For one user that
is ``$XDG_DATA_HOME`` (default ``~/.local/share``); for everyone ``/usr/local/share``.
Only files named after the application id are written or removed: nothing else in those
folders is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from annotator.files.output import atomic_output
from annotator.files.safety import shown
from annotator.model.errors import AnnotatorError
from annotator.shipped import (
    APP_ID,
    ICON_SIZES,
    Traversable,
    desktop_entry,
    icon_file,
    metainfo_file,
)

SYSTEM_DATA = Path("/usr/local/share")
_RESERVED = re.compile(r'[\s"\'\\><~|&;$*?#()`]')


def data_folder(*, user: bool) -> Path:
    """The XDG data folder to install into: the user's, or the system's local one."""
    if not user:
        return SYSTEM_DATA
    home = os.environ.get("XDG_DATA_HOME", "")
    if home and Path(home).is_absolute():  # the specification ignores a relative value
        return Path(home)
    return Path.home() / ".local" / "share"


def launcher() -> tuple[str, list[str]]:
    """The program that starts this installation of Annotator and its arguments: the
    ``annotator`` script this process runs from, else this Python with ``-m annotator``
    (a desktop session's PATH may not hold a virtual environment's scripts)."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "annotator" and script.is_file():
        return str(script.resolve()), []
    return sys.executable, ["-m", "annotator"]


def command_line() -> str:
    """:func:`launcher` as a desktop entry's ``Exec`` value (quoted where needed)."""
    program, arguments = launcher()
    return " ".join(_quoted(part) for part in [program, *arguments])


def _quoted(argument: str) -> str:
    """One argument of an ``Exec`` line (Desktop Entry Specification, "The Exec key")."""
    if not _RESERVED.search(argument):
        return argument
    escaped = re.sub(r'(["`$\\])', r"\\\1", argument)
    return f'"{escaped}"'


def installed_files(folder: Path) -> dict[Path, Traversable]:
    """Where an install under ``folder`` puts each shipped file (what uninstall removes)."""
    files = {
        folder / "applications" / f"{APP_ID}.desktop": desktop_entry(),
        folder / "metainfo" / f"{APP_ID}.metainfo.xml": metainfo_file(),
        folder / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg": icon_file(),
    }
    for size in ICON_SIZES:
        where = folder / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        files[where] = icon_file(size)
    return files


def _entry_for_this_installation() -> bytes:
    """The desktop entry with the command line that starts this installation."""
    program, _ = launcher()
    entry = desktop_entry().read_text(encoding="utf-8")
    entry = re.sub(r"(?m)^Exec=annotator\b", lambda _: f"Exec={command_line()}", entry)
    # The menu hides the entry once the program is gone (a removed virtual environment).
    entry = re.sub(r"(?m)^TryExec=.*$", lambda _: f"TryExec={program}", entry)
    return entry.encode("utf-8")


def install_desktop(*, user: bool) -> list[Path]:
    """Write the desktop entry, metainfo and icons; returns the files written.

    An earlier install's files are replaced (each atomically); the desktop's caches are
    refreshed when their tools are installed.

    :raises AnnotatorError: a folder cannot be created or a file written (one line).
    """
    folder = data_folder(user=user)
    written = []
    for path, shipped in installed_files(folder).items():
        is_entry = path.suffix == ".desktop"
        content = _entry_for_this_installation() if is_entry else shipped.read_bytes()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _refused(path.parent, exc, user=user) from None
        with atomic_output(path) as handle:
            handle.write(content)
        written.append(path)
    _refresh_caches(folder)
    return written


def uninstall_desktop(*, user: bool) -> list[Path]:
    """Remove what :func:`install_desktop` wrote (the folders stay); returns the files
    removed, none if it was not installed.

    :raises AnnotatorError: a file cannot be removed (one line).
    """
    folder = data_folder(user=user)
    removed = []
    for path in installed_files(folder):
        if not path.is_file():
            continue
        try:
            path.unlink()
        except OSError as exc:
            raise _refused(path, exc, user=user) from None
        removed.append(path)
    if removed:
        _refresh_caches(folder)
    return removed


def _refused(path: Path, exc: OSError, *, user: bool) -> AnnotatorError:
    reason = exc.strerror or str(exc)
    hint = "" if user else " (for yourself only: annotator install-desktop --user)"
    return AnnotatorError(f"cannot write {shown(path)}: {reason.lower()}{hint}")


def _refresh_caches(folder: Path) -> None:
    """The menu and icon caches some desktops keep; skipped when the tools are missing
    (the desktop then finds the files on its own next time it looks)."""
    for command in (
        ["update-desktop-database", "-q", str(folder / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(folder / "icons" / "hicolor")],
    ):
        if shutil.which(command[0]) is None:
            continue
        try:
            subprocess.run(command, capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
