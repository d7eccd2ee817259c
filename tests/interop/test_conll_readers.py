"""Our CoNLL export as other readers see it: ``spacy convert -c ner`` (the command, in a
child process) and seqeval; and as our own reader sees it again."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, SpanIn, StatusIn
from tests.interop import checks


@pytest.mark.slow
def test_spacy_convert_reads_exactly_our_tokens_and_entities(tricky, tmp_path):
    """Both layouts: spaCy takes the last column as the entities (CoNLL-2003)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    export(tricky, "conll", inputs / "columns.ner")
    export(tricky, "conll", tmp_path / "bio", layout="files")
    for file in (tmp_path / "bio").iterdir():  # spaCy walks a folder for *ner files only
        (inputs / f"{file.stem}.ner").write_bytes(file.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(inputs), str(out), "-c", "ner"],
        check=True,
        capture_output=True,
    )
    for file in sorted(inputs.iterdir()):
        labels = None if file.stem == "columns" else [file.stem]
        words, entities = checks.expected_conll(tricky, labels, last_only=True)
        got_words, got_entities = checks.spacy_converted(out / f"{file.stem}.spacy")
        assert got_words == words, file.name
        assert got_entities == entities, file.name
        assert entities or file.stem not in ("columns", "hedge"), "the check needs entities"


@pytest.mark.parametrize("layout", ["columns", "files"])
def test_seqeval_reads_every_tag_column_as_strict_iob2(tricky, tmp_path, layout):
    export(tricky, "conll", tmp_path / "out", layout=layout)
    files = [tmp_path / "out"] if layout == "columns" else sorted((tmp_path / "out").iterdir())
    for file in files:
        labels = None if layout == "columns" else [file.stem]
        _, wanted = checks.expected_conll(tricky, labels)
        strict, lenient = checks.seqeval_entities(file)
        assert strict == wanted == lenient
    assert wanted


def test_conll_default_has_docstart_separators_and_no_comment_lines(tricky, tmp_path):
    export(tricky, "conll", tmp_path / "a.conll")
    lines = (tmp_path / "a.conll").read_text("utf-8").split("\n")
    layers = len(checks.conll_layers(tmp_path / "a.conll"))
    assert lines.count("-DOCSTART- -X- O O") == layers == 5
    assert not [line for line in lines if line.startswith("# ")]


def test_conll_comments_option_writes_our_header_lines(tricky, tmp_path):
    export(tricky, "conll", tmp_path / "a.conll", comments=True)
    lines = (tmp_path / "a.conll").read_text("utf-8").split("\n")
    assert lines[0] == "# columns = token claim source actor hedge"
    assert "# document = Tricky 😀 text" in lines and "# annotator = bob" in lines
    assert "-DOCSTART- -X- O O" not in lines


def _read_back(project: Project, tmp_path, **options) -> list[DocumentIn]:
    export(project, "conll", tmp_path / "a.conll", **options)
    return list(read_paths([tmp_path / "a.conll"], "auto", []))


@pytest.mark.parametrize("comments", [False, True])
def test_conll_reads_back_every_label_column_and_hash_tokens(tmp_path, comments):
    """Without a ``# columns`` line the tags name their columns; ``#`` is a token."""
    text = "We are #1 on #Ukraine, Kim said."
    record = DocumentIn(text=text, title="t", where="t", statuses=[StatusIn("alice", "done")])
    for phrase, label in [("#1", "claim"), ("#Ukraine", "actor"), ("Kim", "source")]:
        start = text.index(phrase)
        record.spans.append(SpanIn(start, start + len(phrase), label, annotator="alice"))
    project = Project.open(":memory:", annotator="importer")
    import_documents(project, [record])
    (again,) = _read_back(project, tmp_path, comments=comments)
    assert again.text == "We are # 1 on # Ukraine , Kim said ."
    found = {(again.text[s.start : s.end], s.label) for s in again.spans}
    assert found == {("# 1", "claim"), ("# Ukraine", "actor"), ("Kim", "source")}


def test_conll_comment_lines_hold_a_title_with_line_breaks(tmp_path):
    project = Project.open(":memory:", annotator="importer")
    record = DocumentIn(text="Kim said it.", title="Two\nlines\r\ntitle", where="t")
    record.spans = [SpanIn(0, 3, "source", annotator="alice")]
    import_documents(project, [record])
    (again,) = _read_back(project, tmp_path, comments=True)
    assert again.title == "Two lines title"
    assert again.text == "Kim said it ."


@pytest.mark.parametrize(
    ("option", "first_line"),
    [
        ([], "-DOCSTART- -X- O O"),
        (["--conll-comments"], "# columns = token claim source actor hedge"),
    ],
)
def test_cli_conll_comments_option(db_path, tmp_path, option, first_line):
    project = Project.open(db_path, annotator="alice")
    import_documents(
        project,
        [
            DocumentIn(
                text="Kim said it.",
                title="t",
                where="t",
                spans=[SpanIn(0, 3, "source", annotator="alice")],
            )
        ],
    )
    project.close()
    out = tmp_path / "a.conll"
    result = CliRunner().invoke(
        cli, ["export", "--format", "conll", *option, "-o", str(out), "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").split("\n")[0] == first_line
