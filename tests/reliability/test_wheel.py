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
    for resource in ("schema.json", "guideline.md", "samples/north-korean-troops-ukraine.txt"):
        assert f"annotator/resources/{resource}" in names

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
