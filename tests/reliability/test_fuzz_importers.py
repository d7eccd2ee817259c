"""Hostile input: every importer over random bytes, random JSON shapes and mutated real
files. The only failure allowed is the documented import error (an ``AnnotatorError``
with a message), and a refused file leaves the project as it was."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.core.samples import ensure_sample
from annotator.formats.reader import FORMATS, read_paths
from annotator.model.errors import AnnotatorError
from annotator.model.imports import SchemaIn
from annotator.text import get_nlp

get_nlp("en")  # load spaCy before Hypothesis runs (loading touches `random`)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
SUFFIX = {
    "native": ".jsonl",
    "text": ".txt",
    "html": ".html",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "labelstudio": ".json",
    "brat": ".ann",
    "spacy": ".spacy",
    "spacy-v2": ".json",
    "conll": ".conll",
    "csv": ".csv",
}
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SEEDS = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix != ".md"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "text",
                    "spans",
                    "start",
                    "end",
                    "label",
                    "data",
                    "entities",
                    "relations",
                    "head_span",
                    "child_span",
                    "annotations",
                    "result",
                    "value",
                    "labels",
                    "type",
                    "from_id",
                    "to_id",
                    "id",
                    "answer",
                    "meta",
                    "start_offset",
                    "end_offset",
                    "format",
                    "schema",
                    "statuses",
                    "suggestions",
                    "head",
                    "child",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@pytest.fixture(scope="module")
def project():
    with tempfile.TemporaryDirectory() as tmp:
        opened = Project.open(Path(tmp) / "fuzz.db", annotator="fuzz")
        ensure_sample(opened)
        yield opened
        opened.close()


def _snapshot(project: Project) -> dict[str, int]:
    tables = (
        "documents",
        "spans",
        "relations",
        "labels",
        "relation_types",
        "suggestions",
        "document_status",
        "annotators",
    )
    return {t: project.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _try_import(project: Project, data: bytes, fmt: str, name: str = "input") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}{SUFFIX[fmt]}"
        path.write_bytes(data)
        if fmt == "brat":
            path.with_suffix(".txt").write_bytes(b"Some article text for the annotations here.")
        before = _snapshot(project)
        try:
            schema = SchemaIn()
            records = list(read_paths([path], fmt, [], schema=schema))
            import_documents(project, records, schema=schema)
        except AnnotatorError as exc:
            assert str(exc).strip(), "an import error must say what is wrong"
            assert _snapshot(project) == before, "a refused file changed the project"


@pytest.mark.parametrize("fmt", FORMATS[1:])
@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(project, fmt, data):
    _try_import(project, data, fmt)


@pytest.mark.parametrize("fmt", ["native", "prodigy", "doccano", "labelstudio", "spacy-v2"])
@FUZZ
@given(value=st.lists(json_values, min_size=1, max_size=3))
def test_random_json_shapes(project, fmt, value):
    if fmt in ("labelstudio", "spacy-v2"):
        data = json.dumps(value).encode()
    else:
        data = "\n".join(json.dumps(v) for v in value).encode()
    _try_import(project, data, fmt)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_real_files(project, seed, data):
    original = bytearray(seed.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        if not original:
            break
        kind = data.draw(st.sampled_from(["flip", "cut", "copy", "truncate", "insert"]))
        at = data.draw(st.integers(0, len(original) - 1))
        if kind == "flip":
            original[at] ^= data.draw(st.integers(1, 255))
        elif kind == "cut":
            del original[at : at + data.draw(st.integers(1, 40))]
        elif kind == "copy":
            original[at:at] = original[at : at + data.draw(st.integers(1, 40))]
        elif kind == "truncate":
            del original[at:]
        else:
            original[at:at] = data.draw(
                st.sampled_from(
                    [b"\x00", b"\xff", b'"', b"{", b"\n", b"\xe2\x80\xa8", b"-1", b"99999"]
                )
            )
    _try_import(project, bytes(original), _format_of(seed), seed.stem)


def _format_of(seed: Path) -> str:
    if seed.suffix == ".spacy":
        return "spacy"
    if seed.suffix == ".json":
        return "labelstudio" if seed.parent.name == "labelstudio" else "spacy-v2"
    if seed.parent.name == "brat":
        return "brat" if seed.suffix == ".ann" else "text"
    folders = {"doccano": "doccano", "prodigy": "prodigy", "spacy": "prodigy", "conll": "conll"}
    return folders[seed.parent.name]
