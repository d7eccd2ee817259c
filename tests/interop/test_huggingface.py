"""The Hugging Face dataset export, read by the real ``datasets`` library (offline):
offsets, BIO tags, class labels, splits and the card."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import read_paths
from annotator.model.errors import AnnotatorError
from annotator.model.imports import DocumentIn, SchemaIn, SpanIn
from annotator.services.huggingface import export_hf, split_of
from tests.interop.content import tricky_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
FOREIGN = [
    "prodigy/news_headlines_ner_excerpt.jsonl",
    "prodigy/rel_component_annotations.jsonl",
    "prodigy/reddit_insult_textcat_excerpt.jsonl",
    "doccano/seq_labeling_export_example.jsonl",
    "doccano/relation_export_example_prettyprinted.jsonl",
    "labelstudio/labelstudio_1.23.2_export_of_annotator_export.json",
    "conll/germeval2014_test.conll",
    "brat/110-note_annotation.ann",
    "spacy/demo.spacy",
]


@pytest.fixture
def load(monkeypatch, tmp_path):
    """``datasets.load_dataset`` of a folder, offline, caching under the test's folder."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)

    def loaded(folder: Path):
        return datasets.load_dataset(str(folder), cache_dir=str(tmp_path / "hf-cache"))

    return loaded


def _card(folder: Path) -> tuple[dict, str]:
    text = (folder / "README.md").read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body


def _project(tmp_path: Path, name: str, records) -> Project:
    project = Project.open(tmp_path / f"{name}.db", annotator="exporter")
    import_documents(project, records)
    return project


def _token_offsets(row) -> list[tuple[int, int]]:
    """Token offsets rebuilt from the dataset's own tokens and whitespace."""
    found, at = [], 0
    for token, space in zip(row["tokens"], row["whitespace"], strict=True):
        found.append((at, at + len(token)))
        at += len(token) + (1 if space else 0)
    return found


def _decoded(tags: list[int], offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (code-point offsets) of BIO tags 0 O, 1 B, 2 I."""
    spans, start, end = [], None, None
    for tag, (first, last) in zip([*tags, 0], [*offsets, (0, 0)], strict=True):
        if tag != 2 and start is not None:
            spans.append((start, end))
            start = None
        if tag == 1:
            start = first
        if tag in (1, 2):
            end = last
    return spans


def _expected_tags(row, label_index: int, offsets) -> list[tuple[int, int]]:
    """The spans of one label a BIO column can hold: aligned to tokens, and not
    overlapping one kept before (in the order of ``spans``)."""
    starts = {s: n for n, (s, _) in enumerate(offsets)}
    ends = {e: n for n, (_, e) in enumerate(offsets)}
    kept, taken = [], []
    for span in row["spans"]:
        if span["label"] != label_index:
            continue
        first, last = starts.get(span["start"]), ends.get(span["end"])
        if first is None or last is None or any(first <= b and a <= last for a, b in taken):
            continue
        taken.append((first, last))
        kept.append((span["start"], span["end"]))
    return sorted(kept)


def _check_dataset(project: Project, folder: Path, load) -> dict:
    """What every export must be, read back with ``datasets``."""
    found = load(folder)
    header, _ = _card(folder)
    labels = project.schema.label_names
    relations = [r.name for r in project.schema.relations]
    features = next(iter(found.values())).features
    assert features["spans"].feature["label"].names == labels
    assert features["relations"].feature["label"].names == relations
    for label in labels:
        assert features[f"tags_{label}"].feature.names == ["O", f"B-{label}", f"I-{label}"]
    # the card's features are those datasets read from the files, and its splits theirs
    from datasets import Features

    assert Features._from_yaml_list(header["dataset_info"]["features"]) == features
    for file in folder.glob("*.parquet"):  # the files name their features themselves
        assert Features.from_arrow_schema(pq.read_schema(file)) == features
    splits = {s["name"]: s["num_examples"] for s in header["dataset_info"]["splits"]}
    assert splits == {name: len(rows) for name, rows in found.items()}
    texts = {}
    for name, rows in found.items():
        for row in rows:
            text = row["text"]
            offsets = _token_offsets(row)
            rebuilt = zip(row["tokens"], row["whitespace"], strict=True)
            assert "".join(t + (" " if ws else "") for t, ws in rebuilt) == text
            for span in row["spans"]:
                assert text[span["start"] : span["end"]] == span["text"]
            for n, label in enumerate(labels):
                tags = _decoded(row[f"tags_{label}"], offsets)
                assert tags == _expected_tags(row, n, offsets), (label, row["title"])
            for link in row["relations"]:
                assert 0 <= link["head"] < len(row["spans"]) > link["child"] >= 0
            texts.setdefault(text, set()).add(name)
    assert all(len(names) == 1 for names in texts.values())  # no article in two splits
    return found


def test_hf_export_of_tricky_annotations_loads_exactly(tmp_path, load):
    project = _project(tmp_path, "tricky", tricky_records())
    report = export_hf(project, tmp_path / "out", split="1,0,0")
    found = _check_dataset(project, tmp_path / "out", load)
    assert list(found) == ["train"]
    assert report.records == len(found["train"]) == 5  # document × annotator layers
    header, body = _card(tmp_path / "out")
    assert "No article fell in validation or test, so they are left out." in body
    assert "| train | 5 | 2 |" in body  # rows, then articles
    assert header["task_categories"] == ["token-classification"]
    assert header["language"] == ["en"]
    # the same-label overlaps of the tricky article are in spans, and reported
    assert any("overlaps another" in note for note in report.notes)
    rows = found["train"]
    assert sum(len(r["relations"]) for r in rows) == report.relations > 0
    assert "## Agreement" in body  # three annotators


@pytest.mark.parametrize("name", FOREIGN, ids=lambda n: n.split("/")[-1])
def test_hf_export_of_other_tools_files_loads_exactly(tmp_path, load, name):
    schema, notes = SchemaIn(), []
    records = list(read_paths([FIXTURES / name], "auto", notes, schema=schema))
    with Project.open(tmp_path / "p.db", annotator="exporter") as project:
        import_documents(project, records, schema=schema, skip_invalid=True)
        export_hf(project, tmp_path / "out")
        _check_dataset(project, tmp_path / "out", load)


def _many(n: int) -> list[DocumentIn]:
    records = []
    for i in range(n):
        text = f"Officials in town {i} said the bridge will probably reopen."
        start = text.index("Officials")
        spans = [SpanIn(start, start + len(f"Officials in town {i}"), "source", "ana")]
        records.append(DocumentIn(text=text, title=f"t{i}", where=f"t{i}", spans=spans))
    return records


def test_hf_splits_keep_each_article_in_one_split_whatever_else_is_exported(tmp_path, load):
    project = _project(tmp_path, "many", _many(60))
    export_hf(project, tmp_path / "all", split="0.5,0.25,0.25", seed=3)
    found = _check_dataset(project, tmp_path / "all", load)
    assert set(found) == {"train", "validation", "test"}
    assert sum(len(rows) for rows in found.values()) == 60
    where = {row["text"]: name for name, rows in found.items() for row in rows}
    for text, name in where.items():  # the split depends on the text and seed alone
        from annotator.model.records import text_sha256

        assert split_of(text_sha256(text), (0.5, 0.25, 0.25), 3) == name
    export_hf(project, tmp_path / "other", split="0.5,0.25,0.25", seed=4)
    moved = {row["text"]: n for n, rows in load(tmp_path / "other").items() for row in rows}
    assert moved != where  # another seed, other splits


def test_hf_license_is_remembered_and_the_card_parses(tmp_path):
    project = _project(tmp_path, "many", _many(3))
    export_hf(project, tmp_path / "one", license="CC-BY-4.0")
    export_hf(project, tmp_path / "two")
    header, _ = _card(tmp_path / "two")
    assert header["license"] == "cc-by-4.0"
    assert header["size_categories"] == ["n<1K"]
    assert header["configs"][0]["data_files"][0]["path"].endswith(".parquet")


@pytest.mark.parametrize(
    ("option", "value"),
    [("split", "0.8,0.3,0.1"), ("split", "half"), ("license", "CC BY 4.0")],
)
def test_hf_refuses_a_bad_option_and_writes_nothing(tmp_path, option, value):
    project = _project(tmp_path, "many", _many(3))
    with pytest.raises(AnnotatorError, match=f"--{option}"):
        export_hf(project, tmp_path / "out", **{option: value})
    assert not (tmp_path / "out").exists()


def test_hf_reports_what_it_cannot_hold(tmp_path):
    project = _project(tmp_path, "many", _many(2))
    span = project.add_span(1, 0, 9, "claim").spans_added[0]
    project.set_claim_record(span.id, status="false")
    report = export_hf(project, tmp_path / "out")
    assert [lost.what for lost in report.lost] == ["claim record"]


def test_cli_exports_hf(tmp_path, load):
    db = tmp_path / "p.db"
    _project(tmp_path, "p", _many(12)).close()
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(db), "--format", "hf", "-o", str(tmp_path / "ds"), "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records"] == 12
    assert sum(len(rows) for rows in load(tmp_path / "ds").values()) == 12
    bad = CliRunner().invoke(
        cli,
        [
            "export",
            "--db",
            str(db),
            "--format",
            "hf",
            "-o",
            str(tmp_path / "x"),
            "--split",
            "1,1,1",
        ],
    )
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert "--split takes three shares" in bad.output


def test_cli_hf_export_reads_the_project_unless_given_a_licence(tmp_path, monkeypatch):
    from annotator.cli import transfer

    db = tmp_path / "p.db"
    _project(tmp_path, "p", _many(2)).close()
    opened: list[bool] = []
    real = transfer.open_project

    def spied(*args, **kwargs):
        opened.append(kwargs["reading"])
        return real(*args, **kwargs)

    monkeypatch.setattr(transfer, "open_project", spied)
    export = ["export", "--db", str(db), "--format", "hf"]
    result = CliRunner().invoke(cli, [*export, "-o", str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, [*export, "-o", str(tmp_path / "ds2"), "--license", "mit"])
    assert result.exit_code == 0, result.output
    assert opened == [True, False]  # a licence to remember is the only write
    with Project.open(db, annotator="x") as project:
        assert project.project_value("dataset_license") == "mit"
