"""Commands are found in their modules when they run: ``annotator --version`` imports no
command module and nothing heavy, and every command is still listed and found."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.cli.options import COMMANDS

HEAVY = ("numpy", "spacy", "sqlite_utils", "PySide6", "trafilatura", "tqdm")

_PROBE = """
import json, sys
sys.argv = ["annotator", *json.loads(sys.argv[1])]
from annotator.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh process has imported after running ``annotator ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_version_imports_no_command_module_and_nothing_heavy():
    modules = _modules_after("--version")
    command_modules = {f"annotator.cli.{module}" for module in COMMANDS.values()}
    assert modules & command_modules == set()
    assert [name for name in HEAVY if name in modules] == []


def test_a_command_imports_its_own_module_only():
    modules = _modules_after("install-desktop", "--help")
    loaded = {m for m in modules if m.startswith("annotator.cli.")}
    assert loaded == {"annotator.cli.options", "annotator.cli.desktop"}


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_every_command_is_registered_under_its_module(module):
    importlib.import_module(f"annotator.cli.{module}")
    defined = {name for name, command in cli.commands.items() if _module_of(command) == module}
    assert defined == {name for name, owner in COMMANDS.items() if owner == module}


def test_help_lists_every_command_with_its_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:")[1]
    for name in COMMANDS:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert f"{name}" in listed
        assert command.get_short_help_str(40)[:20] in " ".join(listed.split())


def test_an_unknown_word_still_goes_to_the_default_command():
    done = subprocess.run(
        [sys.executable, "-c", "from annotator.cli import main; main()", "nonsense"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "annotator gui" in done.stderr  # the default command's usage, not "No such command"


def _module_of(command) -> str:
    return command.callback.__module__.rsplit(".", 1)[-1]


def test_a_prodigy_export_of_stored_tokens_does_not_load_spacy(tmp_path):
    from annotator.core.ingest import import_documents
    from annotator.core.project import Project
    from annotator.model.imports import DocumentIn, SpanIn

    db = tmp_path / "p.db"
    with Project.open(db, annotator="alice") as project:
        text = "The mayor said the bridge would reopen in May. Engineers disagreed."
        spans = [SpanIn(0, 9, "source")]
        import_documents(project, [DocumentIn(text=text, title="b", where="t", spans=spans)])
    out = tmp_path / "out.jsonl"
    modules = _modules_after("--db", str(db), "export", "--format", "prodigy", "-o", str(out))
    assert json.loads(out.read_text("utf-8"))["tokens"][0]["text"] == "The"
    assert "spacy" not in modules
    unused = (
        "annotator.core.ingest",
        "annotator.formats.reader",
        "annotator.formats.brat",
        "numpy",  # short token arrays are checked without it
        "tqdm",  # no bar off a terminal
        "sqlite_utils",  # a current project is read with sqlite3 alone
    )
    assert [name for name in unused if name in modules] == []  # no reader, no write path


def test_the_import_format_names_are_the_readers():
    from annotator.formats.names import IMPORT_FORMATS
    from annotator.formats.reader import READERS

    assert ("auto", "native", *READERS) == IMPORT_FORMATS


def test_tokens_made_another_way_are_not_current():
    from importlib.metadata import version

    from annotator.text.tokens import RULES_VERSION, tokens_current

    own = f"spacy-{version('spacy')}/en/annotator-{RULES_VERSION}"
    assert tokens_current(own, "en")
    assert not tokens_current(own.replace(f"-{RULES_VERSION}", "-0"), "en")
    assert not tokens_current(own.replace("/en/", "/xx/"), "en")  # en has its own


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--db", "{db}"],
        ["--db={db}", "--annotator", "bob"],
        ["--annotator", "bob", "--db", "{db}"],
    ],
)
def test_the_group_options_alone_open_the_window(args, db_path, monkeypatch):
    import annotator.gui.app

    opened = []
    monkeypatch.setattr(annotator.gui.app, "run", lambda path, annotator: opened.append(path) or 0)
    monkeypatch.setenv("ANNOTATOR_DB", str(db_path))
    args = [a.replace("{db}", str(db_path)) for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert opened == [db_path]


def test_a_group_option_without_its_value_is_refused():
    result = CliRunner().invoke(cli, ["--db"])
    assert result.exit_code == 2
    assert "requires an argument" in result.output


def test_search_of_a_current_project_imports_nothing_heavy(tmp_path):
    from annotator.core.project import Project
    from tests.conftest import add_document

    db = tmp_path / "p.db"
    with Project.open(db, annotator="alice") as project:
        add_document(project, "The mayor said the bridge would reopen in May.", "bridge")
    modules = _modules_after("--db", str(db), "search", "bridge")
    unused = (*HEAVY, "annotator.core.project", "importlib.resources")
    assert [name for name in unused if name in modules] == []


def test_the_progress_bar_takes_totals_and_counts_done_so_far():
    import io

    from tqdm import tqdm

    from annotator.cli.options import ProgressBar

    with ProgressBar("import") as progress:
        progress.bar = tqdm(file=io.StringIO(), unit="doc")  # a terminal's bar
        progress.total(10)
        progress.at(3)
        progress.at(7)  # the core reports how many are done, not steps
        assert (progress.bar.n, progress.bar.total) == (7, 10)


def test_a_built_in_format_is_taken_without_looking_for_plug_ins(monkeypatch):
    from annotator.cli.options import RegistryChoice
    from annotator.formats.registry import Registry

    registry = Registry("annotator.test-writers", {"prodigy": "json:dumps"})
    looked = []
    monkeypatch.setattr(Registry, "_all", lambda self: looked.append(1) or dict(self._paths))
    choice = RegistryChoice(registry)
    assert choice.convert("prodigy", None, None) == "prodigy"
    assert registry["prodigy"] is __import__("json").dumps
    assert looked == []
    with pytest.raises(click.BadParameter, match="'prodigy'"):
        choice.convert("nope", None, None)  # an unknown name: every name is listed
    assert looked != []
