"""Training data for Hugging Face: a folder ``datasets.load_dataset`` reads as a
``DatasetDict``, with a dataset card the Hub shows.

One row per document and annotation layer (the gold layer has annotator ``gold``), in
Parquet files (``train.parquet``, ``validation.parquet``, ``test.parquet``) written a
few hundred rows at a time. A document goes to a split by a hash of its text and the
seed, so the same article never lands in two splits, whatever else the project holds;
a split that would be empty is left out and the card says so. Offsets are code points,
half-open, into ``text``. The ``datasets`` features (span and link labels as
``ClassLabel``, the BIO tags of each label as sequences of ``ClassLabel``) are stored in
each file's schema metadata, where ``datasets`` reads them, and in the card's YAML
header, where the Hub does. ``README.md`` is the card: licence, language, task, size,
the guideline (labels and links with their descriptions), counts per split and label,
the annotators and, with more than one, their agreement.

Registered as the ``hf`` format through the ``annotator.writers`` entry point (it
reports agreement, which lives in this layer).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.project import Project
from annotator.files.output import atomic_folder
from annotator.formats.export import ExportFilter, ExportReport, Holds, Layer, select_layers
from annotator.model.errors import AnnotatorError
from annotator.model.records import dumps_json
from annotator.model.words import counted
from annotator.text.tokens import words_and_spaces

SPLITS = ("train", "validation", "test")
DEFAULT_SPLIT = (0.8, 0.1, 0.1)
ROWS_PER_GROUP = 500
"""Rows held before they are written to their split's file (a Parquet row group)."""
LICENSE_SETTING = "dataset_license"
"""The project setting that remembers ``--license``."""

HOLDS = Holds(
    "a Hugging Face dataset",
    span_attributes=True,
    span_notes=True,
    links=True,
    link_attributes=True,
    categories=True,
    statuses=True,
    document_meta=True,
    document_note=True,
    advice=(
        ("claim record", "the native export or ClaimReview holds them"),
        ("evidence", "the native export or ClaimReview holds them"),
        ("claim match", "the native export holds them"),
    ),
)
"""What the dataset holds: everything of a layer but the fact-checking records."""


def parse_split(value: str | tuple[float, ...] | None) -> tuple[float, float, float]:
    """Train, validation and test shares from ``"0.8,0.1,0.1"`` (each from 0 to 1,
    adding up to 1). :raises AnnotatorError: anything else."""
    if value is None:
        return DEFAULT_SPLIT
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        shares = tuple(float(part) for part in parts)
    except ValueError:
        shares = ()
    if len(shares) != 3 or any(not 0 <= s <= 1 for s in shares) or abs(sum(shares) - 1) > 1e-6:
        raise AnnotatorError(
            f"--split takes three shares that add up to 1, such as 0.8,0.1,0.1, not {value!r}"
        )
    return shares  # type: ignore[return-value]


def split_of(text_sha256: str, shares: tuple[float, float, float], seed: int) -> str:
    """The split of a document: a hash of its text's SHA-256 and ``seed``, read as a
    number from 0 to 1, against the cumulated shares."""
    digest = hashlib.sha256(f"{seed}:{text_sha256}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    if point < shares[0]:
        return "train"
    return "validation" if point < shares[0] + shares[1] else "test"


def license_id(value: str | None) -> str | None:
    """A licence identifier as the Hub writes them (``cc-by-4.0``, ``mit``, ``other``).
    :raises AnnotatorError: not an identifier."""
    if value is None:
        return None
    found = value.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9.+-]{0,63}", found):
        raise AnnotatorError(
            f"--license takes an identifier such as cc-by-4.0 or mit, not {value!r}"
        )
    return found


# -- the features -------------------------------------------------------------------------


def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _class_label(names: list[str]) -> dict[str, Any]:
    return {"names": names, "_type": "ClassLabel"}


def features(labels: list[str], relations: list[str]) -> dict[str, Any]:
    """The ``datasets.Features`` of a row, as ``Features.to_dict`` writes them (a list
    literal is a sequence; ``ClassLabel`` values are stored as int64)."""
    offsets = {"start": _value("int64"), "end": _value("int64")}
    row: dict[str, Any] = {
        "id": _value("string"),
        "document_id": _value("string"),
        "text": _value("string"),
        "title": _value("string"),
        "lang": _value("string"),
        "meta": _value("string"),
        "note": _value("string"),
        "annotator": _value("string"),
        "status": _value("string"),
        "answer": _value("string"),
        "tokens": [_value("string")],
        "whitespace": [_value("bool")],
        "spans": [
            {
                **offsets,
                "label": _class_label(labels),
                "text": _value("string"),
                "attributes": _value("string"),
                "note": _value("string"),
            }
        ],
        "relations": [
            {
                "head": _value("int64"),
                "child": _value("int64"),
                "label": _class_label(relations),
                "cue": [dict(offsets)],
                "stance": _value("string"),
                "quote": _value("string"),
                "attributes": _value("string"),
            }
        ],
    }
    for label in labels:
        row[f"tags_{label}"] = [_class_label(["O", f"B-{label}", f"I-{label}"])]
    row["categories"] = [{"label": _value("string"), "value": _value("float64")}]
    return row


def _arrow_type(feature: Any):
    import pyarrow as pa

    if isinstance(feature, list):
        return pa.list_(_arrow_type(feature[0]))
    kind = feature.get("_type")
    if kind == "ClassLabel":
        return pa.int64()
    if kind == "Value":
        return {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(),
                "float64": pa.float64()}[feature["dtype"]]  # fmt: skip
    return pa.struct([pa.field(name, _arrow_type(inner)) for name, inner in feature.items()])


def arrow_schema(row_features: dict[str, Any]):
    """The Parquet schema of ``row_features``, with them in its metadata (the key and
    form ``datasets`` reads, so the ``ClassLabel`` names come back)."""
    import pyarrow as pa

    schema = pa.schema([pa.field(name, _arrow_type(f)) for name, f in row_features.items()])
    metadata = {"info": {"features": row_features}}
    return schema.with_metadata({"huggingface": orjson.dumps(metadata).decode()})


def yaml_features(row_features: dict[str, Any]) -> list[dict[str, Any]]:
    """The features as the card's ``dataset_info`` lists them (the Hub's form)."""
    return [{"name": name, **_yaml_type(feature)} for name, feature in row_features.items()]


def _yaml_type(feature: Any) -> dict[str, Any]:
    if isinstance(feature, list):
        inner = feature[0]
        if isinstance(inner, dict) and "_type" not in inner:
            return {"list": yaml_features(inner)}
        return {"list": _yaml_type(inner)["dtype"]}
    if feature.get("_type") == "ClassLabel":
        names = {str(n): name for n, name in enumerate(feature["names"])}
        return {"dtype": {"class_label": {"names": names}}}
    if feature.get("_type") == "Value":
        return {"dtype": feature["dtype"]}
    return {"struct": yaml_features(feature)}


# -- rows --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Counts:
    """What the card reports: rows, articles and spans per split."""

    rows: Counter = field(default_factory=Counter)
    articles: Counter = field(default_factory=Counter)
    last_article: str = ""
    """The article of the row before: an article's layers come one after another, so
    articles are counted without keeping every one of them."""
    spans: dict[str, Counter] = field(default_factory=dict)
    annotators: Counter = field(default_factory=Counter)
    languages: set[str] = field(default_factory=set)
    bytes: Counter = field(default_factory=Counter)
    """Size of each split in Arrow's memory layout (what ``num_bytes`` means)."""


def _row(
    project: Project, layer: Layer, labels: list[str], relations: list[str], report: ExportReport
) -> dict[str, Any]:
    document = layer.document
    text = document.text
    offsets = project.token_offsets(document.id, document=document)
    tokens, whitespace = words_and_spaces(text, offsets, check=False)
    spans = sorted(layer.spans, key=lambda s: (s.start, -s.end, s.label, s.id))
    position = {span.id: n for n, span in enumerate(spans)}
    row: dict[str, Any] = {
        "id": f"{document.text_sha256[:16]}/{layer.annotator}",
        "document_id": document.text_sha256,
        "text": text,
        "title": document.title,
        "lang": document.lang,
        "meta": dumps_json(document.meta),
        "note": document.note,
        "annotator": layer.annotator,
        "status": layer.status,
        "answer": layer.answer,
        "tokens": tokens,
        "whitespace": whitespace,
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "label": labels.index(s.label),
                "text": text[s.start : s.end],
                "attributes": dumps_json(s.attributes),
                "note": s.note,
            }
            for s in spans
        ],
        "relations": [_relation(r, position, relations) for r in layer.relations],
    }
    for label in labels:
        row[f"tags_{label}"] = _tags(layer, spans, label, offsets, report)
    row["categories"] = [{"label": c.label, "value": c.value} for c in layer.categories]
    report.spans += len(spans)
    report.relations += len(layer.relations)
    return row


def _relation(relation, position: dict[int, int], relations: list[str]) -> dict[str, Any]:
    attributes = relation.attributes
    cue = attributes.get("cue") or []
    return {
        "head": position[relation.head_id],
        "child": position[relation.child_id],
        "label": relations.index(relation.label),
        "cue": [{"start": start, "end": end} for start, end in cue],
        "stance": attributes.get("stance"),
        "quote": attributes.get("quote"),
        "attributes": dumps_json(attributes),
    }


_OUTSIDE, _BEGIN, _INSIDE = 0, 1, 2


def _tags(layer: Layer, spans: list, label: str, offsets, report: ExportReport) -> list[int]:
    """BIO tags (0 O, 1 B, 2 I) of every token for one label. A span that does not
    align to tokens, or overlaps an earlier one of its label, stays in ``spans`` but not
    in the tags; the report says so."""
    tags = [_OUTSIDE] * len(offsets.starts)
    taken: list[tuple[int, int]] = []
    for span in (s for s in spans if s.label == label):
        bounds = offsets.token_bounds(span.start, span.end)
        where = (
            f"document {layer.document.id}, {layer.annotator}: {label} [{span.start}, {span.end})"
        )
        if bounds is None:
            report.notes.append(f"{where} does not align to tokens: in spans, not in tags_{label}")
            continue
        first, last = bounds
        if any(first <= end and start <= last for start, end in taken):
            report.notes.append(
                f"{where} overlaps another {label} span: in spans, not in tags_{label}"
            )
            continue
        taken.append((first, last))
        tags[first] = _BEGIN
        tags[first + 1 : last + 1] = [_INSIDE] * (last - first)
    return tags


# -- the export --------------------------------------------------------------------------


def export_hf(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    split: str | tuple[float, ...] | None = None,
    seed: int = 0,
    license: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write the dataset folder ``out`` (all or nothing): a Parquet file per split that
    has rows and the card ``README.md``. ``split``: train, validation and test shares
    (``"0.8,0.1,0.1"``); ``seed`` moves every document to a split of its own choosing;
    ``license`` (an identifier such as ``cc-by-4.0``) is remembered in the project.

    :raises AnnotatorError: a split or licence that is not one, or the folder cannot be
        written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    shares = parse_split(split)
    given = license_id(license)
    chosen = chosen or ExportFilter()
    labels = [n for n in project.schema.label_names if chosen.labels is None or n in chosen.labels]
    relations = [r.name for r in project.schema.relations]
    row_features = features(labels, relations)
    schema = arrow_schema(row_features)
    report = ExportReport(format="hf", path=str(out), holds=HOLDS)
    counts = _Counts()
    with atomic_folder(out) as folder, ExitStack() as files:
        writers: dict[str, Any] = {}
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}

        def flush(name: str) -> None:
            if name not in writers:
                handle = files.enter_context(folder.open(f"{name}.parquet"))
                writers[name] = files.enter_context(pq.ParquetWriter(handle, schema))
            table = pa.Table.from_pylist(pending[name], schema=schema)
            writers[name].write_table(table)
            counts.bytes[name] += table.nbytes
            pending[name].clear()

        for n, layer in enumerate(select_layers(project, chosen, report, tokens=True), 1):
            name = split_of(layer.document.text_sha256, shares, seed)
            row = _row(project, layer, labels, relations, report)
            _count(counts, name, row, labels)
            pending[name].append(row)
            if len(pending[name]) >= ROWS_PER_GROUP:
                flush(name)
            report.records = n
            if progress is not None:
                progress(n)
        for name in SPLITS:
            if pending[name]:
                flush(name)
        for writer in writers.values():
            writer.close()
        card = dataset_card(project, counts, row_features, labels, given, chosen)
        folder.write("README.md", card.encode("utf-8"))
    if given is not None:
        project.set_project_value(LICENSE_SETTING, given)
    stale = [n for n in SPLITS if n not in counts.rows and (Path(out) / f"{n}.parquet").exists()]
    for name in stale:
        report.notes.append(
            f"{name}.parquet is from an earlier export: this one has no {name} rows and its "
            "card does not list the file"
        )
    return report


def _count(counts: _Counts, split: str, row: dict[str, Any], labels: list[str]) -> None:
    counts.rows[split] += 1
    if row["document_id"] != counts.last_article:
        counts.articles[split] += 1
        counts.last_article = row["document_id"]
    spans = counts.spans.setdefault(split, Counter())
    for span in row["spans"]:
        spans[labels[span["label"]]] += 1
    counts.annotators[row["annotator"]] += 1
    counts.languages.add(row["lang"])


# -- the card ----------------------------------------------------------------------------


def _size_category(rows: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):  # fmt: skip
        if rows < limit:
            return name
    return "1M<n<10M"


def dataset_card(
    project: Project,
    counts: _Counts,
    row_features: dict[str, Any],
    labels: list[str],
    license: str | None,
    chosen: ExportFilter,
) -> str:
    """The ``README.md`` of the dataset: a YAML header in the form the Hub reads (its
    values written as JSON, which YAML reads as it is) and a body for people."""
    license = license or project.project_value(LICENSE_SETTING) or "unknown"
    splits = [name for name in SPLITS if counts.rows[name]]
    header = {
        "license": license,
        "language": sorted(counts.languages) or [project.default_lang()],
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "size_categories": [_size_category(sum(counts.rows.values()))],
        "pretty_name": _pretty_name(project),
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"{s}.parquet"} for s in splits],
            }
        ],
        "dataset_info": {
            "features": yaml_features(row_features),
            "splits": [
                {"name": s, "num_bytes": counts.bytes[s], "num_examples": counts.rows[s]}
                for s in splits
            ],
        },
    }
    lines = ["---"]
    lines += [f"{key}: {orjson.dumps(value).decode()}" for key, value in header.items()]
    lines += ["---", "", f"# {_pretty_name(project)}", ""]
    lines += _body(project, counts, labels, splits)
    lines += _agreement_lines(project, counts, chosen)
    return "\n".join(lines) + "\n"


def _pretty_name(project: Project) -> str:
    return f"{project.path.stem if project.path else 'Annotator'} (news annotations)"


def _body(project: Project, counts: _Counts, labels: list[str], splits: list[str]) -> list[str]:
    schema = project.schema
    lines = [
        "News articles annotated with Annotator: spans of text tagged with a label, and links "
        "between them. One row per article and annotator (the adjudicated layer is `gold`). "
        "Offsets are code points, half-open, into `text`; `tokens` with `whitespace` give the "
        "text back exactly, and each `tags_<label>` column holds that label's BIO tags over "
        "`tokens` (a span that overlaps another of its label, or does not align to tokens, "
        "is in `spans` only). `meta` and `attributes` are JSON objects written as text. "
        "Articles are split by a hash of their text, so an article is never in two splits.",
        "",
        "## Labels",
        "",
    ]
    for label in schema.labels:
        if label.name in labels:
            lines.append(f"- **{label.name}**: {label.description or '(no description)'}")
    lines += ["", "## Links", ""]
    for relation in schema.relations:
        described = relation.description or "(no description)"
        lines.append(f"- **{relation.name}** ({relation.head} → {relation.child}): {described}")
    lines += ["", "## Splits", "", "| split | rows | articles | " + " | ".join(labels) + " |"]
    lines.append("|---" * (3 + len(labels)) + "|")
    for name in splits:
        spans = counts.spans.get(name, Counter())
        cells = [str(counts.rows[name]), str(counts.articles[name])]
        cells += [str(spans[label]) for label in labels]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    empty = [name for name in SPLITS if name not in splits]
    if empty:
        which = " or ".join(empty)
        left = "it is" if len(empty) == 1 else "they are"
        lines += ["", f"No article fell in {which}, so {left} left out."]
    lines += ["", "## Annotators", ""]
    lines += [f"- {name}: {counted(n, 'row')}" for name, n in sorted(counts.annotators.items())]
    return [*lines, ""]


def _agreement_lines(project: Project, counts: _Counts, chosen: ExportFilter) -> list[str]:
    """Agreement between the annotators (not ``gold``), when there are two or more."""
    from annotator.core.project import GOLD
    from annotator.services.agreement import agreement

    names = sorted(name for name in counts.annotators if name != GOLD)
    if len(names) < 2:
        return []
    found = agreement(project, names, list(chosen.labels) if chosen.labels else None)
    pairs = found["pairs"]
    if not pairs:
        return ["## Agreement", "", "No article was annotated by two annotators.", ""]
    lines = [
        "## Agreement",
        "",
        "| annotators | articles | span F1 (exact) | span F1 (overlap) | Cohen's kappa (tokens) |",
        "|---|---|---|---|---|",
    ]
    for pair in pairs:
        lines.append(
            f"| {pair['a']} – {pair['b']} | {pair['documents']} | "
            f"{_figure(pair['exact']['overall']['f1'])} | "
            f"{_figure(pair['overlap']['overall']['f1'])} | "
            f"{_figure(pair['kappa']['overall'])} |"
        )
    alpha = found["all"]["alpha"]["overall"]
    lines += ["", f"Krippendorff's alpha over all annotators (tokens): {_figure(alpha)}", ""]
    return lines


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
