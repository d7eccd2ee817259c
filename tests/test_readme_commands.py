"""Every command line the README shows runs as written.

The README's ``sh`` blocks are read as a user reads them: a synopsis such as
``annotator export --format native|prodigy|… -o OUT [--label L]...`` is expanded into
concrete commands (every alternative of a choice, the bare command, and the bare command
with each optional part), placeholders (``PATH...``, ``OUT``, ``QUERY``, …) are filled
with files this test makes, and each command is run in a copy of a seeded folder. A
command fails the test on a traceback or on a non-zero exit status. The only command
documented to need something absent here is ``--ner PACKAGE`` (an installed spaCy
pipeline): it must fail with one clear line instead.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import GOLD, Project
from annotator.core.samples import sample_text
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn
from annotator.services import desktop
from annotator.services.merge import merge_into
from annotator.store import backup_database
from tests.nlp.planted import planted_project

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
FIXTURES = Path(__file__).parent / "fixtures" / "interop"

pytestmark = pytest.mark.slow


# -- reading the README -------------------------------------------------------------------


def readme_command_lines(readme: str = README) -> list[str]:
    """Each ``annotator …`` command of the README's ``sh`` blocks, continuation lines
    joined and comments removed."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S):
        for raw in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", raw).rstrip()
            if not line.strip():
                continue
            if line.startswith("annotator"):
                commands.append(line.rstrip("\\").strip())
            elif commands and raw[:1].isspace() and commands[-1].startswith("annotator"):
                commands[-1] += " " + line.strip().rstrip("\\").strip()
    return [c for c in commands if " / " not in c]  # "merge / agreement: see below"


_GROUP = re.compile(r"\[([^\[\]]*)\](\.\.\.)?")


FORMAT_OPTIONS = {
    "--spans-key": "spacy",
    "--ents": "spacy",
    "--dev-fraction": "spacy",
    "--conll-layout": "conll",
    "--conll-comments": "conll",
    "--publisher": "claimreview",
    "--review-url": "claimreview",
}
"""Export options that belong to one format (the README says so in the formats table)."""


def expand(command: str) -> list[list[str]]:
    """Concrete argument lists for one documented command line: each alternative of the
    command itself, then the first (or, for a format's own option, that format's) with
    each optional part and each of its alternatives."""
    optional = [group for group, _ in _GROUP.findall(command)]
    base = shlex.split(_GROUP.sub(" ", command))[1:]  # without "annotator"
    if not base or base[0] == "gui":
        return []  # the window: tested by the GUI tests
    bases = _alternatives(base)
    cases = [list(b) for b in bases]
    for group in optional:
        variants = _alternatives(shlex.split(group))
        fmt = FORMAT_OPTIONS.get(variants[0][0])
        for variant in variants:
            for chosen in bases:
                if fmt is None or _option(chosen, "--format") == fmt:
                    cases.append([*chosen, *variant])
                    if fmt is None:
                        break  # a general option: with the first alternative only
    unique = []
    for case in cases:
        if case not in unique:
            unique.append(case)
    return unique


def _alternatives(tokens: list[str]) -> list[list[str]]:
    """Every choice of ``a|b|c`` tokens (one at a time: the others take their first)."""

    def options(token: str) -> list[str]:
        if "|" in token and "://" not in token:
            return token.split("|")
        if token.startswith("--") and "/" in token:  # --patterns/--no-patterns
            return token.split("/")
        return [token]

    choices = [i for i, t in enumerate(tokens) if len(options(t)) > 1]
    if not choices:
        return [tokens]
    out = []
    for i in choices:
        for option in options(tokens[i]):
            variant = [options(t)[0] for t in tokens]
            variant[i] = option
            out.append(variant)
    return out


def test_readme_has_the_command_lines_this_test_expands():
    lines = readme_command_lines()
    assert any(line.startswith("annotator import PATH...") for line in lines)
    assert any("--format claimreview" in line and "--review-url" in line for line in lines)
    assert len(lines) >= 17


# -- the folder the commands run in -------------------------------------------------------

INPUTS = {
    "auto": "in.prodigy.jsonl",
    "native": "in.native.jsonl",
    "prodigy": "in.prodigy.jsonl",
    "doccano": "in.doccano.jsonl",
    "labelstudio": "in.labelstudio.json",
    "brat": "in-brat",
    "spacy": "in.spacy",
    "spacy-v2": "in.v2.json",
    "conll": "in.conll",
    "csv": "articles.csv",
    "text": "article.txt",
    "html": "page.html",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A project with annotations, claims, two annotators, a gold layer and a model;
    teammates' files; one input file per importable format."""
    folder = tmp_path_factory.mktemp("readme")
    with Project.open(folder / "project.db", annotator="alice") as project:
        planted_project(project, 60)
        _add_claims(project)
        from annotator.services.training import train_spancat

        train_spancat(project, folder / "model", max_steps=30)
        for fmt in ("native", "prodigy", "doccano", "labelstudio", "conll"):
            export(project, fmt, folder / INPUTS[fmt])
        export(project, "brat", folder / INPUTS["brat"])
        export(project, "spacy", folder / INPUTS["spacy"])
        backup_database(project.db, folder / "earlier-backup.db")
    shutil.copy(FIXTURES / "spacy" / "v2_offsets_train.json", folder / INPUTS["spacy-v2"])
    (folder / "article.txt").write_text(sample_text(), encoding="utf-8")
    (folder / "articles.csv").write_text(
        'title,text,outlet\n"A","Officials said troops may move.",Desk\n', encoding="utf-8"
    )
    (folder / "page.html").write_text(
        "<!doctype html><html><head><title>Troops</title></head><body><article>"
        "<h1>Troops</h1><p>Officials said the troops may probably move north soon, "
        "according to the ministry, which gave no further details on Tuesday.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    (folder / "patterns.jsonl").write_text('{"label": "hedge", "pattern": "it seems"}\n')
    _teammates(folder)
    return folder


def _add_claims(project: Project) -> None:
    text = sample_text()
    import_documents(project, [DocumentIn(text=text, title="sample", where="sample")])
    document = project.documents()[-1].id
    phrase = "North Korean soldiers are probably engaged in combat"
    start = text.find(phrase)
    claim = project.add_span(document, start, start + len(phrase), "claim").spans_added[0]
    project.set_claim_record(claim.id, status="false", verdict="Denied", rating="False")
    project.set_status(document, "done")
    project.set_annotator("bob")
    project.add_span(document, start, start + len(phrase), "claim")
    project.set_status(document, "done")
    project.layer = GOLD
    project.adopt([claim.id])
    project.set_annotator("alice")
    project.layer = "alice"


def _teammates(folder: Path) -> None:
    text = sample_text()
    for name in ("alice", "bob", "carol"):
        with Project.open(folder / f"{name}-work.db", annotator=name) as mine:
            import_documents(mine, [DocumentIn(text=text, title="sample", where="x")])
            start = text.find("probably")
            mine.add_span(1, start, start + len("probably"), "hedge")
            mine.set_status(1, "done")
        if name == "carol":
            with Project.open(folder / "carol-work.db", annotator=name) as carol:
                export(carol, "native", folder / "carol.jsonl")
        else:
            shutil.copy(folder / f"{name}-work.db", folder / f"{name}.db")
    with Project.open(folder / "team.db", annotator="lead") as team:
        merge_into(team, [folder / "alice.db", folder / "bob.db", folder / "carol.jsonl"])
        team.layer = GOLD  # the lead adjudicated: the README exports the gold layer
        team.adopt([team.spans(1, annotator="alice")[0].id])


@pytest.fixture
def workspace(seeded, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "work"
    shutil.copytree(seeded, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("ANNOTATOR_DB", str(folder / "project.db"))
    monkeypatch.setenv("ANNOTATOR_NAME", "alice")
    # install-desktop writes into these instead of the machine's data folders
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "share"))
    monkeypatch.setattr(desktop, "SYSTEM_DATA", folder / "system-share")
    return folder


# -- filling in the placeholders ----------------------------------------------------------


def fill(args: list[str]) -> list[str]:
    """Concrete values for the README's placeholders, by command and option."""
    command = args[0]
    fmt = _option(args, "--format") or "auto"
    filled: list[str] = []
    for n, token in enumerate(args):
        before = args[n - 1] if n else ""
        filled += _value(command, fmt, before, token, args)
    return filled


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args[:-1] else None


def _value(command: str, fmt: str, before: str, token: str, args: list[str]) -> list[str]:
    if token == "PATH...":
        return [INPUTS[fmt]]
    if token == "OUT":
        folder = fmt == "brat" or "--dev-fraction" in args or "files" in args
        return [f"out-{fmt}" if folder else f"out-{fmt}.data"]
    if token == "FILE":
        return {"-o": ["backup.db"], "--import": ["patterns.jsonl"]}.get(before, ["out.jsonl"])
    if token == "BACKUP":
        return ["earlier-backup.db"]
    if token == "DIR":
        return ["model"] if command == "suggest" else ["model-new"]
    if token == "URL":
        return ["https://desk.example/checks/{id}"]
    if token == "L":  # the generated documents have hedges; one claim is annotated
        return ["hedge"] if command == "train" else ["claim"]
    if token == "S":  # a claim's status, or a document's
        return ["false"] if command in ("claims", "search") else ["done"]
    if token == "PHRASE":  # one to add, and a shipped one to switch off
        return ["it is feared"] if "--add" in args else ["probably"]
    replacements = {
        "CODE": "en",
        "NAME": "text" if before == "--text-column" else "alice",
        "QUERY": "soldiers",
        "ID": "1",
        "PACKAGE": "en_core_web_sm",
        "YYYY-MM-DD": "2024-01-01",
        "LABEL": "hedge",
        "DB...": "alice.db",
    }
    return [replacements.get(token, token)]


def _cases() -> list[list[str]]:
    cases = []
    for line in readme_command_lines():
        for args in expand(line):
            if "train" in args[:1] and "--max-steps" not in args:
                args = [*args, "--max-steps", "20"]  # 600 steps by default: minutes here
            cases.append(fill(args))
    return cases


CASES = _cases()


def documented_refusal(args: list[str]) -> str | None:
    """What the README says a command needs that this folder lacks (the words of the
    one-line refusal), or ``None`` when it must succeed."""
    if "--ner" in args:
        return "en_core_web_sm"  # an installed spaCy pipeline
    if "claimreview" in args and not {"--publisher", "--review-url"} <= set(args):
        return "give --publisher and --review-url"  # until both have been given once
    return None


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_readme_command_runs_as_documented(args, workspace):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"traceback from {args}: {result.exception!r}\n{result.output}"
    refusal = documented_refusal(args)
    if refusal is not None:
        assert result.exit_code == 1 and refusal in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        return
    assert result.exit_code == 0, f"{args} exited {result.exit_code}:\n{result.output}"
    if "--json" in args:
        json.loads(result.stdout)
