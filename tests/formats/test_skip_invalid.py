"""``--skip-invalid`` skips exactly the bad records, in every line-based format: random
files mixing good and bad records import exactly the good ones and report exactly the
bad lines, each once; without it the first bad line refuses the whole import."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.native import FORMAT
from annotator.formats.reader import read_paths
from annotator.model.errors import InputFileError
from annotator.model.imports import SchemaIn
from annotator.text import get_nlp

get_nlp("en")  # load spaCy before Hypothesis runs strategies

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Case:
    """A file's content, the texts of its good documents, the lines of its bad records."""

    name: str
    content: str
    good: list[str]
    bad: list[int]
    fmt: str


def _text(n: int) -> str:
    return f"Document number {n} says Kyiv was hit."


# -- JSON lines -------------------------------------------------------------------------

BAD_JSON = [
    '{"text": "broken", "spans": [',  # not JSON
    "{not json at all",
    '{"text": "a brace too many"}}',  # a value, then junk: still one bad record
    '["a", "list"]',  # not an object
    '{"spans": []}',  # no text
]


def _prodigy(n: int) -> str:
    return json.dumps(
        {"text": _text(n), "spans": [{"start": 0, "end": 8, "label": "claim"}], "answer": "accept"}
    )


def _doccano(n: int) -> str:
    return json.dumps({"text": _text(n), "label": [[0, 8, "claim"]], "cats": ["news"]})


def _native(n: int) -> str:
    span = {"start": 0, "end": 8, "label": "claim", "annotator": "alice", "text": "Document"}
    return json.dumps({"text": _text(n), "title": f"t{n}", "spans": [span]})


LINE_MAKERS = {"prodigy": _prodigy, "doccano": _doccano, "native": _native}
BAD_RECORD = {
    "prodigy": '{"text": "short", "spans": [{"start": 2, "end": 40, "label": "claim"}]}',
    "doccano": '{"text": "short", "label": [[0, 99, "claim"]]}',
    "native": '{"text": "short", "spans": [{"start": 0, "end": 3, "label": "claim"}]}',
}


@st.composite
def json_lines_case(draw, fmt: str) -> Case:
    kinds = draw(st.lists(st.integers(-1, len(BAD_JSON)), min_size=1, max_size=12))
    lines, good, bad = [], [], []
    if fmt == "native":
        lines.append(json.dumps({"format": FORMAT, "version": 1, "schema": {}}))
    for n, kind in enumerate(kinds):
        if draw(st.booleans()):
            lines.append("")  # blank lines count for the numbering but are no records
        if kind == -1:
            lines.append(LINE_MAKERS[fmt](n))
            good.append(_text(n))
        else:
            lines.append(BAD_JSON[kind] if kind < len(BAD_JSON) else BAD_RECORD[fmt])
            bad.append(len(lines))
    return Case(f"data.{fmt}.jsonl", "\n".join(lines) + "\n", good, bad, fmt)


# -- CoNLL, brat, CSV -------------------------------------------------------------------


@st.composite
def conll_case(draw) -> Case:
    """One document per ``-DOCSTART-``; a bad row has the wrong number of columns (the
    row is left out of the text). Each document has a good row: a file of nothing but
    three-column rows is simply a three-column file."""
    lines, good, bad = [], [], []
    for n in range(draw(st.integers(1, 4))):
        lines += ["-DOCSTART-\tO", ""]
        tokens = []
        rows = draw(st.lists(st.booleans(), min_size=1, max_size=6).filter(any))
        for m, ok in enumerate(rows):
            token = f"w{n}x{m}"
            if ok:
                lines.append(f"{token}\t{'B-LOC' if m == 0 else 'O'}")
                tokens.append(token)
            else:
                lines.append(f"{token}\tO\textra")
                bad.append(len(lines))
        if tokens:
            good.append(" ".join(tokens))
        lines.append("")
    return Case("data.conll", "\n".join(lines), good, bad, "conll")


BAD_ANN = [
    "T{n}\tclaim 0 4\tWrong",  # text differs
    "T{n}\tclaim 5 999\tfar",  # outside the text
    "X{n}\tsomething",  # unknown annotation
    "R{n}\tattributed_to Arg1:T1 Arg2:T777",  # unknown span
    "no tab here",
]


@st.composite
def brat_case(draw) -> Case:
    """One pair; its good ``T`` lines are the spans (``good`` holds label and text)."""
    words = ["Kyiv", "said", "that", "the", "strike", "probably", "hit", "depots"]
    text = " ".join(words)
    starts = [text.index(w) for w in words]
    lines, good, bad = ["T1\tsource 0 4\tKyiv"], [("source", "Kyiv")], []
    for n, kind in enumerate(draw(st.lists(st.integers(-1, len(BAD_ANN) - 1), max_size=8)), 2):
        if kind == -1:
            i = n % len(words)
            lines.append(f"T{n}\tclaim {starts[i]} {starts[i] + len(words[i])}\t{words[i]}")
            good.append(("claim", words[i]))
        else:
            lines.append(BAD_ANN[kind].format(n=n))
            bad.append(len(lines))
    return Case(text, "\n".join(lines) + "\n", good, bad, "brat")


@st.composite
def csv_case(draw) -> Case:
    rows = ["title,text"]
    good, bad = [], []
    for n, kind in enumerate(draw(st.lists(st.sampled_from("gfq"), min_size=1, max_size=10))):
        if kind == "g":
            buffer = io.StringIO()
            csv.writer(buffer).writerow([f"t{n}", _text(n)])
            rows.append(buffer.getvalue().rstrip("\r\n"))
            good.append(_text(n))
        elif kind == "f":
            rows.append(f"t{n},{_text(n)},one field too many")
            bad.append(len(rows))
        else:
            rows.append(f't{n},"a quote left open')
            bad.append(len(rows))
    return Case("data.csv", "\n".join(rows) + "\n", good, bad, "csv")


# -- the property -----------------------------------------------------------------------


def _write(case: Case, folder: Path) -> Path:
    if case.fmt == "brat":
        (folder / "doc.txt").write_text(case.name, "utf-8")
        path = folder / "doc.ann"
    else:
        path = folder / case.name
    path.write_text(case.content, "utf-8")
    return path


def _import(path: Path, fmt: str, *, skip_invalid: bool):
    project = Project.open(":memory:", annotator="importer")
    messages: list[str] = []
    schema = SchemaIn()
    records = list(
        read_paths([path], fmt, messages, schema=schema, skipped=[] if skip_invalid else None)
    )
    report = import_documents(project, records, schema=schema, skip_invalid=skip_invalid)
    return project, report


def _imported(project: Project, fmt: str) -> list:
    """Document texts, or (brat) the labels and texts of the one document's spans."""
    documents = project.documents()
    if fmt != "brat":
        return sorted(project.document(d.id).text for d in documents)
    (summary,) = documents
    text = project.document(summary.id).text
    spans = project.spans(summary.id, annotator=None)
    return sorted((s.label, text[s.start : s.end]) for s in spans)


def _lines(report, path: Path) -> list[int]:
    prefix = f"{path}:"
    assert all(line.startswith(prefix) for line in report.skipped), report.skipped
    return sorted(int(line[len(prefix) :].split(":", 1)[0]) for line in report.skipped)


CASES = {
    "prodigy": json_lines_case("prodigy"),
    "doccano": json_lines_case("doccano"),
    "native": json_lines_case("native"),
    "conll": conll_case(),
    "brat": brat_case(),
    "csv": csv_case(),
}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(CASES))
@PROPERTY
@given(data=st.data())
def test_skip_invalid_skips_exactly_the_bad_records(fmt, data):
    case = data.draw(CASES[fmt])
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(case, Path(tmp))
        if case.good or fmt == "brat":
            project, report = _import(path, fmt, skip_invalid=True)
            assert _imported(project, fmt) == sorted(dict.fromkeys(case.good))
            assert _lines(report, path) == case.bad
        if case.bad:
            with pytest.raises(InputFileError) as refused:
                _import(path, fmt, skip_invalid=False)
            assert refused.value.path == str(path)
            assert refused.value.line == case.bad[0]


def test_a_malformed_json_line_does_not_stop_the_file(tmp_path):
    """The defect as first seen: every valid record after a malformed line was dropped."""
    path = tmp_path / "tasks.jsonl"
    path.write_text(
        "\n".join([_prodigy(1), '{"text": "broken", "spans": [', _prodigy(2), _prodigy(3)]),
        "utf-8",
    )
    project, report = _import(path, "prodigy", skip_invalid=True)
    assert _imported(project, "prodigy") == sorted([_text(1), _text(2), _text(3)])
    assert report.skipped == [f"{path}:2: malformed JSON: unexpected end of data"]


def test_pretty_printed_jsonl_goes_on_after_a_malformed_record(tmp_path):
    good = json.dumps({"text": _text(1), "label": [[0, 8, "claim"]]}, indent=2)
    broken = '{\n  "text": "x",\n  "label": [[0, 1, "claim"]\n'
    path = tmp_path / "pretty.jsonl"
    path.write_text(good + "\n" + broken + good.replace("1", "2") + "\n", "utf-8")
    project, report = _import(path, "doccano", skip_invalid=True)
    assert _imported(project, "doccano") == sorted([_text(1), _text(2)])
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith(f"{path}:")


def test_a_bad_brat_line_keeps_the_rest_of_the_pair(tmp_path):
    (tmp_path / "a.txt").write_text("Kyiv said the strike hit depots.", "utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tsource 0 4\tKyiv\nT2\tclaim 14 20\twrong!\nT3\tclaim 14 20\tstrike\n"
        "R1\tattributed_to Arg1:T2 Arg2:T1\nR2\tattributed_to Arg1:T3 Arg2:T1\n",
        "utf-8",
    )
    project, report = _import(tmp_path / "a.ann", "brat", skip_invalid=True)
    (summary,) = project.documents()
    assert len(project.spans(summary.id, annotator=None)) == 2
    assert len(project.relations(summary.id, annotator=None)) == 1
    ann = tmp_path / "a.ann"
    assert report.skipped == [
        f"{ann}:2: cannot read this line (T2 says 'wrong!' but the text there is 'strike')",
        f"{ann}:4: R1: refers to an unknown annotation 'T2'",
    ]
