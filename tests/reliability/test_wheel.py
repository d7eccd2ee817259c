"""A wheel built from the repository, installed into a fresh virtual environment outside
the checkout, runs: ``annotator --version``, an import and an export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from annotator import shipped

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    built = _run(
        sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("annotator-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    installed_as = shipped.PACKAGE.replace(".", "/")
    shipped_files = {
        str(path.relative_to(ROOT / "resources"))
        for path in (ROOT / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"schema.json", "icons/256x256/org.annotator.Annotator.png"} <= shipped_files
    assert {f"{installed_as}/{name}" for name in shipped_files} <= set(names)

    env_dir = tmp_path / "fresh-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        ).stdout.strip()
    )
    # The dependencies (PySide6, spaCy, ...) come from the test environment, so that this
    # test needs no download; Annotator itself only from the wheel.
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = _run(str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel))
    assert installed.returncode == 0, installed.stderr[-3000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(ANNOTATOR_CONFIG_DIR=str(work / "cfg"), ANNOTATOR_DATA_DIR=str(work / "data"))
    annotator = str(env_dir / "bin" / "annotator")
    where = _run(
        str(python), "-c", "import annotator; print(annotator.__file__)", cwd=work, env=env
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr

    version = _run(annotator, "--version", cwd=work, env=env)
    assert version.returncode == 0 and "annotator, version" in version.stdout
    (work / "story.txt").write_text("The minister said troops will probably arrive.", "utf-8")
    imported = _run(annotator, "import", "story.txt", "--db", "p.db", cwd=work, env=env)
    assert imported.returncode == 0, imported.stderr
    exported = _run(
        annotator,
        "export",
        "--format",
        "native",
        "-o",
        "out.jsonl",
        "--db",
        "p.db",
        cwd=work,
        env=env,
    )
    assert exported.returncode == 0, exported.stderr
    header, record = [json.loads(line) for line in (work / "out.jsonl").read_text().splitlines()]
    assert [label["name"] for label in header["schema"]["labels"]] == [
        "claim",
        "source",
        "actor",
        "hedge",
    ]
    assert record["text"] == "The minister said troops will probably arrive."

    # The bundled sample, the shipped patterns and attribution rules, from the wheel.
    sample = _run(
        str(python),
        "-c",
        "from annotator.shipped import sample_file; "
        "print(sample_file('north-korean-troops-ukraine.txt'))",
        cwd=work,
        env=env,
    ).stdout.strip()
    assert sample.startswith(str(env_dir)), sample
    imported = _run(annotator, "import", sample, "--db", "s.db", cwd=work, env=env)
    assert imported.returncode == 0, imported.stderr
    suggested = _run(annotator, "suggest", "--json", "--db", "s.db", cwd=work, env=env)
    assert suggested.returncode == 0, suggested.stderr
    sources = json.loads(suggested.stdout)["suggestions"]
    assert sources["pattern:hedges"] > 0 and sources["rules:attribution"] > 0

    # The window, offscreen, with the application's icon.
    window = _run(
        str(python),
        "-c",
        "from annotator.gui.app import make_application; "
        "from annotator.gui import open_window; "
        "app = make_application(); window = open_window('s.db', 'alice'); "
        "sizes = sorted(s.width() for s in window.windowIcon().availableSizes()); "
        "print(app.desktopFileName(), sizes)",
        cwd=work,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert window.returncode == 0, window.stderr[-3000:]
    assert window.stdout.split()[0] == "org.annotator.Annotator"
    assert "[16, 24, 32, 48, 64, 128, 256]" in window.stdout
