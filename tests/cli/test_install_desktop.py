"""``annotator install-desktop``: the entry, metainfo and icons land in the XDG data
folder, valid for the desktop's own tools, and ``--uninstall`` takes exactly them away."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.services import desktop
from annotator.shipped import APP_ID, ICON_SIZES, desktop_entry, metainfo_file

ENTRY = Path("applications") / f"{APP_ID}.desktop"


@pytest.fixture
def xdg(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_install_desktop_user_writes_entry_metainfo_and_every_icon(xdg):
    result = CliRunner().invoke(cli, ["install-desktop", "--user"])
    assert result.exit_code == 0, result.output
    expected = {
        str(ENTRY),
        f"metainfo/{APP_ID}.metainfo.xml",
        f"icons/hicolor/scalable/apps/{APP_ID}.svg",
        *(f"icons/hicolor/{n}x{n}/apps/{APP_ID}.png" for n in ICON_SIZES),
    }
    assert expected <= _files(xdg)  # (and the caches the desktop's tools write, if any)
    entry = (xdg / ENTRY).read_text(encoding="utf-8")
    program, _ = desktop.launcher()
    assert f"TryExec={program}\n" in entry
    assert f"Exec={desktop.command_line()} gui\n" in entry
    assert f"Icon={APP_ID}\n" in entry


def test_install_desktop_uninstall_removes_only_its_own_files(xdg):
    neighbour = xdg / "applications" / "other.desktop"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["install-desktop", "--user"]).exit_code == 0
    result = runner.invoke(cli, ["install-desktop", "--user", "--uninstall"])
    assert result.exit_code == 0, result.output
    assert not any(APP_ID in name for name in _files(xdg))
    assert neighbour.is_file()
    again = runner.invoke(cli, ["install-desktop", "--user", "--uninstall"])
    assert again.exit_code == 0 and "nothing to remove" in again.output


def test_install_desktop_into_a_folder_it_cannot_write_says_so_in_one_line(xdg, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    xdg.mkdir()
    xdg.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["install-desktop", "--user"])
    finally:
        xdg.chmod(0o700)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write") and len(result.output.splitlines()) == 1


def test_install_desktop_refusal_names_the_folder_and_the_user_install(xdg, monkeypatch):
    blocker = xdg.parent / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setattr(desktop, "SYSTEM_DATA", blocker)
    result = CliRunner().invoke(cli, ["install-desktop"])
    assert result.exit_code == 1
    assert "cannot write" in result.output and "--user" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/opt/annotator/bin/annotator", "/opt/annotator/bin/annotator"),
        ("/home/ana/My Tools/bin/annotator", '"/home/ana/My Tools/bin/annotator"'),
        ('/tmp/a"b$c/annotator', '"/tmp/a\\"b\\$c/annotator"'),
    ],
)
def test_exec_line_quotes_paths_as_the_desktop_entry_specification_says(argument, quoted):
    assert desktop._quoted(argument) == quoted


def test_launcher_without_the_script_falls_back_to_this_python(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["-c"])
    assert desktop.launcher() == (sys.executable, ["-m", "annotator"])


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate (Debian's desktop-file-utils) is not installed",
)
def test_desktop_entry_is_valid_for_desktop_file_validate(xdg, tmp_path):
    shipped = tmp_path / f"{APP_ID}.desktop"
    shipped.write_bytes(desktop_entry().read_bytes())
    assert CliRunner().invoke(cli, ["install-desktop", "--user"]).exit_code == 0
    for path in (shipped, xdg / ENTRY):
        checked = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout


@pytest.mark.skipif(
    shutil.which("appstreamcli") is None, reason="appstreamcli (AppStream) is not installed"
)
def test_metainfo_is_valid_for_appstreamcli(tmp_path):
    path = tmp_path / f"{APP_ID}.metainfo.xml"
    path.write_bytes(metainfo_file().read_bytes())
    checked = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
