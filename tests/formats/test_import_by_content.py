"""No import gives nothing silently: formats told by their content (CoNLL inside ``.txt``
and ``.tsv``, index columns, IO and plain tags, unknown tag schemes refused), Annotator's
own span CSV refused with a hint, and a note or a refusal when a file gives no spans or no
documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.samples import sample_text
from annotator.formats.reader import detect_format, read_paths
from annotator.formats.writers import export
from annotator.model.errors import InputFileError
from annotator.model.imports import SchemaIn
from tests.conftest import TRICKY_TEXT, add_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
GERMEVAL = FIXTURES / "conll" / "germeval2014_test.conll"


def _import(project, *paths, fmt="auto", skip_invalid=False):
    messages: list[str] = []
    schema = SchemaIn()
    skipped = [] if skip_invalid else None
    records = list(read_paths(list(paths), fmt, messages, schema=schema, skipped=skipped))
    report = import_documents(project, records, schema=schema, skip_invalid=skip_invalid)
    report.skipped[:0] = skipped or []
    return report, messages


def _spans(project) -> tuple[str, list[tuple[str, str]]]:
    (summary,) = project.documents()
    text = project.document(summary.id).text
    spans = project.spans(summary.id, annotator=None)
    return text, sorted((s.label, text[s.start : s.end]) for s in spans)


# -- CoNLL by content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NER-de-test.tsv", "germeval.txt", "germeval"])
def test_germeval_tsv_skips_the_index_column_and_reads_both_tag_columns(project, tmp_path, name):
    path = tmp_path / name
    shutil.copyfile(GERMEVAL, path)
    assert detect_format(path) == "conll"
    _import(project, path)
    text, spans = _spans(project)
    rows = [
        line.split("\t")
        for line in GERMEVAL.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert text == " ".join(row[1] for row in rows)  # the tokens, not the numbers
    assert spans == sorted(
        [
            ("LOC", "Stuttgart"),
            ("LOC", "Braunschweig"),
            ("LOC", "Bonn"),
            ("LOCpart", "Troia-Ausstellung"),
            ("OTH", "Troia - Traum und Wirklichkeit"),  # outer column
            ("LOC", "Troia"),  # the nested entity, in the last column
        ]
    )


CONLL_2003 = (
    "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"
    "call NN I-NP O\n. . O O\n"
)


@pytest.mark.parametrize("name", ["eng.train.txt", "eng.tsv", "eng"])
def test_conll_inside_txt_or_tsv_is_read_as_conll(project, tmp_path, name):
    path = tmp_path / name
    path.write_text(CONLL_2003, "utf-8")
    assert detect_format(path) == "conll"
    _, messages = _import(project, path)
    text, spans = _spans(project)
    assert text == "EU rejects German call ."
    assert spans == [("MISC", "German"), ("ORG", "EU")]
    assert any("column 3 holds syntactic chunks (NP, VP): not imported" in m for m in messages)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["LOC", "LOC", "O", "PER"], [("LOC", "Kyiv city"), ("PER", "Zelensky")]),  # plain
        (["I-LOC", "I-LOC", "O", "I-PER"], [("LOC", "Kyiv city"), ("PER", "Zelensky")]),  # IO
        (["B-LOC", "E-LOC", "O", "S-PER"], [("LOC", "Kyiv city"), ("PER", "Zelensky")]),  # IOBES
        (["B-LOC", "B-LOC", "O", "B-PER"], [("LOC", "Kyiv"), ("LOC", "city"), ("PER", "Zelensky")]),
    ],
    ids=["plain", "IO", "IOBES", "BIO"],
)
def test_tag_schemes_are_read(project, tmp_path, tags, expected):
    path = tmp_path / "tags.conll"
    tokens = ["Kyiv", "city", "welcomed", "Zelensky"]
    path.write_text("".join(f"{t}\t{tag}\n" for t, tag in zip(tokens, tags, strict=True)))
    _, messages = _import(project, path)
    assert _spans(project)[1] == sorted(expected)
    assert not messages


@pytest.mark.parametrize("odd", ["B_LOC", "LOC-B", "b-loc"])
def test_unknown_tag_scheme_is_refused_with_file_and_line(project, tmp_path, odd):
    path = tmp_path / "odd.txt"
    path.write_text(f"Kyiv\tO\nsaid\tO\nKharkiv\t{odd}\n", "utf-8")
    assert detect_format(path) == "conll"  # not an article whose text is the tag columns
    with pytest.raises(InputFileError, match="tag scheme Annotator does not read") as refused:
        _import(project, path)
    assert (refused.value.path, refused.value.line) == (str(path), 3)
    assert project.documents() == []


def test_a_tag_that_does_not_fit_its_column_is_a_bad_line(project, tmp_path):
    path = tmp_path / "typo.conll"
    path.write_text("Kyiv\tB-LOC\nsaid\tO\nKharkiv\tLOC\nwas\tO\nhit\tO\n", "utf-8")
    with pytest.raises(InputFileError, match="does not fit the prefixed tags") as refused:
        _import(project, path)
    assert refused.value.line == 3
    report, _ = _import(project, path, skip_invalid=True)
    assert _spans(project) == ("Kyiv said Kharkiv was hit", [("LOC", "Kyiv")])
    assert [line.split(": ")[0] for line in report.skipped] == [f"{path}:3"]


PROSE = [
    sample_text(),
    TRICKY_TEXT,
    "Name\tAge\nOlena\t34\nTaras\t41\n",  # a small table
    "Roses red\nviolets blue\nsugar sweet\nand you\n",  # two words a line
    "Officials said:\tthe strike was probably aimed at depots.\nIt was\tnot confirmed.\n",
]


@pytest.mark.parametrize("text", PROSE, ids=["sample", "tricky", "table", "poem", "tabs"])
def test_prose_txt_stays_an_article(project, tmp_path, text):
    path = tmp_path / "article.txt"
    path.write_text(text, "utf-8", newline="")
    assert detect_format(path) == "text"
    _import(project, path)
    assert _spans(project) == (text, [])


def test_tsv_with_a_text_header_is_csv(project, tmp_path):
    path = tmp_path / "articles.tsv"
    path.write_text("title\ttext\nKyiv\tKyiv said the strike hit depots.\n", "utf-8")
    assert detect_format(path) == "csv"
    _import(project, path)
    assert _spans(project) == ("Kyiv said the strike hit depots.", [])


# -- our own span CSV ----------------------------------------------------------------------


def test_our_span_csv_is_refused_with_a_hint(project, tmp_path):
    document = add_document(project, "Kyiv said the strike hit depots.", "a")
    project.add_span(document, 0, 4, "source")
    export(project, "csv", tmp_path / "spans.csv")
    with pytest.raises(InputFileError, match=r"Annotator's span export.*import the native JSONL"):
        _import(project, tmp_path / "spans.csv")
    assert len(project.documents()) == 1


# -- nothing silent ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("header-only.csv", "title,text\n"),
        ("empty-list.json", "[]"),
        ("only-header.jsonl", json.dumps({"format": "annotator-native", "version": 1}) + "\n"),
    ],
)
def test_a_non_empty_file_without_documents_is_refused(project, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InputFileError, match=r"no documents in it \(read as") as refused:
        _import(project, path)
    assert refused.value.path == str(path)


def test_documents_without_spans_get_a_note(project, tmp_path):
    path = tmp_path / "tokens.conll"
    path.write_text("Kyiv\tNNP\nsaid\tVBD\n", "utf-8")  # no tag column
    report, messages = _import(project, path)
    assert report.documents_added == 1
    assert messages == [
        f"{path}: no spans in its 1 document (read as conll): imported as plain articles"
    ]


def test_cli_exit_status_when_nothing_or_no_spans_come_in(db_path, tmp_path):
    runner = CliRunner()
    empty = tmp_path / "header-only.csv"
    empty.write_text("title,text\n", "utf-8")
    result = runner.invoke(cli, ["import", str(empty), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {empty}: no documents in it (read as csv)"

    bare = tmp_path / "bare.jsonl"
    bare.write_text('{"text": "Kyiv said the strike hit depots."}\n', "utf-8")
    result = runner.invoke(cli, ["import", str(bare), "--db", str(db_path)])
    assert result.exit_code == 0
    assert "no spans in its 1 document (read as prodigy)" in result.stderr
    result = runner.invoke(cli, ["import", str(bare), "--db", str(db_path), "--json"])
    assert any("no spans" in note for note in json.loads(result.stdout)["notes"])

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{broken\n", "utf-8")
    options = ["--format", "prodigy", "--skip-invalid", "--db", str(db_path)]
    result = runner.invoke(cli, ["import", str(bad), *options])
    assert result.exit_code == 1
    assert f"skipped {bad}:1: malformed JSON" in result.stderr
    assert f"nothing imported: no document in {bad}" in result.stderr
