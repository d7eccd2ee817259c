"""Training a spaCy span categorizer (``spancat``) from the project's annotations, on CPU.

The examples are the project's accepted annotation layers (a document's ``gold`` layer
replaces the others when it has one), as ``Doc`` objects on the stored tokens with the
spans in ``doc.spans["sc"]`` (spancat handles overlapping spans). Documents are split
into train and dev by a hash of their text, so a document and all its layers fall on one
side and the split does not change between runs.

The configuration is spaCy's own (``init_config(pipeline=["spancat"])``, efficiency)
with an n-gram range suggester sized to the annotations (1 token up to the 95th
percentile of span lengths, at most ``MAX_NGRAM``); training is spaCy's loop
(``init_nlp`` + ``train``). The best model on the dev split is kept, evaluated per label
(precision, recall, F1) next to a trivial baseline, and moved into place only when
training finished: a cancelled or failed run leaves no model behind.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.review_ops import GOLD
from annotator.files.safety import shown
from annotator.model.errors import AnnotatorError
from annotator.model.words import counted

if TYPE_CHECKING:
    from annotator.core.project import Project

SPANS_KEY = "sc"
MAX_NGRAM = 12
MIN_DOCUMENTS = 10
MIN_SPANS_PER_LABEL = 5
REPORT_FILE = "annotator-training.json"

Progress = Callable[[int, int, float | None], bool]
"""Called as ``progress(step, max_steps, dev_f1)``; returning ``False`` cancels."""


class TrainingError(AnnotatorError):
    """Training cannot start (too few annotations, a bad folder) or was cancelled."""


class TrainingCancelled(TrainingError):
    pass


@dataclass
class TrainingReport:
    """What a training run produced. Scores are on the dev split, 0 to 1."""

    model: str
    labels: dict[str, dict[str, float]] = field(default_factory=dict)
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    baseline_f1: float = 0.0
    """F1 of memorising the training spans' texts (see ``_baseline_f1``)."""
    train_documents: int = 0
    dev_documents: int = 0
    train_spans: int = 0
    dev_spans: int = 0
    max_ngram: int = 0
    steps: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def collect_examples(
    project: Project, *, labels: tuple[str, ...] | None = None
) -> tuple[list[Any], list[Any], list[str]]:
    """``(train docs, dev docs, notes)`` from the project's accepted layers."""
    from annotator.formats.export import ExportFilter, ExportReport, select_layers
    from annotator.formats.spacy_docbin import _is_dev, layer_to_doc

    report = ExportReport(format="spacy", path="")
    chosen = ExportFilter(labels=labels)
    by_document: dict[int, list[Any]] = {}
    for layer in select_layers(project, chosen):
        by_document.setdefault(layer.document.id, []).append(layer)
    train, dev = [], []
    for layers in by_document.values():
        gold = [layer for layer in layers if layer.annotator == GOLD]
        for layer in gold or layers:
            doc = layer_to_doc(project, layer, report, spans_key=SPANS_KEY, ents=False)
            doc.user_data = {}  # links and metadata are not training data here
            (dev if _is_dev(layer, 0.2) else train).append(doc)
    notes = (
        [f"{counted(len(report.lost), 'span')} not on token boundaries left out"]
        if report.lost
        else []
    )
    return train, dev, notes


def _check_enough(train: list[Any], dev: list[Any]) -> dict[str, int]:
    """Span counts per label in ``train``; raises when training would be meaningless."""
    with_spans = [d for d in train + dev if len(d.spans[SPANS_KEY])]
    if len(with_spans) < MIN_DOCUMENTS:
        raise TrainingError(
            f"too few annotated documents to train: {len(with_spans)} have spans, "
            f"at least {MIN_DOCUMENTS} are needed"
        )
    if not any(len(d.spans[SPANS_KEY]) for d in dev):
        raise TrainingError(
            "no annotated document fell into the dev split (a fifth of the documents, "
            "chosen by their text): annotate a few more documents"
        )
    counts = Counter(s.label_ for d in train for s in d.spans[SPANS_KEY])
    if not any(n >= MIN_SPANS_PER_LABEL for n in counts.values()):
        raise TrainingError(
            f"too few spans to train: every label has fewer than {MIN_SPANS_PER_LABEL} "
            "in the training split"
        )
    return counts


def _suggester_size(docs: list[Any]) -> int:
    lengths = sorted(len(s) for d in docs for s in d.spans[SPANS_KEY])
    if not lengths:
        return 1
    return max(1, min(MAX_NGRAM, lengths[math.ceil(0.95 * len(lengths)) - 1]))


def build_config(lang: str, *, train: Path, dev: Path, max_ngram: int, max_steps: int, seed: int):
    """spaCy's own spancat configuration with our corpora, suggester and logger."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["spancat"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train)
    config["paths"]["dev"] = str(dev)
    config["system"]["seed"] = seed
    config["components"]["spancat"]["spans_key"] = SPANS_KEY
    config["components"]["spancat"]["suggester"] = {
        "@misc": "spacy.ngram_range_suggester.v1",
        "min_size": 1,
        "max_size": max_ngram,
    }
    training = config["training"]
    training["max_steps"] = max_steps
    training["max_epochs"] = 0
    training["eval_frequency"] = max(20, max_steps // 10)
    training["patience"] = max_steps
    training["logger"] = {"@loggers": "annotator.progress.v1"}
    return config


_progress: Progress | None = None


def _register_logger() -> None:
    import spacy

    if "annotator.progress.v1" in spacy.registry.loggers.get_all():
        return

    @spacy.registry.loggers("annotator.progress.v1")
    def progress_logger():
        def setup(nlp, stdout=None, stderr=None):
            steps = 0

            def log_step(info: dict[str, Any] | None) -> None:
                # spaCy calls this after every update: ``info`` only after an evaluation
                nonlocal steps
                steps += 1
                if _progress is None:
                    return
                score = info["other_scores"].get(f"spans_{SPANS_KEY}_f") if info else None
                if not _progress(steps, _max_steps, score):
                    raise TrainingCancelled("training cancelled: no model was written")

            return log_step, lambda: None

        return setup


_max_steps = 0


def train_spancat(
    project: Project,
    output: str | Path,
    *,
    labels: tuple[str, ...] | None = None,
    max_steps: int = 600,
    seed: int = 0,
    progress: Progress | None = None,
) -> TrainingReport:
    """Train a span categorizer from the project's annotations into the folder ``output``
    (created; an existing model there is replaced only when training succeeds).

    :raises TrainingError: too few annotations, no dev examples, a folder that cannot be
        written, or cancelled through ``progress``; nothing is left in ``output`` then.
    """
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as spacy_train

    global _progress, _max_steps
    output = Path(output)
    _refuse_output(output)
    started = time.perf_counter()
    train_docs, dev_docs, notes = collect_examples(project, labels=labels)
    counts = _check_enough(train_docs, dev_docs)
    rare = sorted(label for label, n in counts.items() if n < MIN_SPANS_PER_LABEL)
    if rare:
        notes.append(f"few examples of {', '.join(rare)}: expect poor suggestions for them")
    max_ngram = _suggester_size(train_docs)
    longer = sum(len(s) > max_ngram for d in train_docs for s in d.spans[SPANS_KEY])
    if longer:
        notes.append(
            f"{counted(longer, 'span')} longer than {max_ngram} tokens cannot be suggested "
            "by this model"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{output.name}.training-", dir=output.parent))
    except OSError as exc:
        raise TrainingError(f"cannot write the model to {output}: {exc.strerror}") from None
    try:
        for name, docs in (("train", train_docs), ("dev", dev_docs)):
            DocBin(docs=docs).to_disk(work / f"{name}.spacy")
        lang = train_docs[0].lang_ if train_docs else project.default_lang
        config = build_config(
            lang,
            train=work / "train.spacy",
            dev=work / "dev.spacy",
            max_ngram=max_ngram,
            max_steps=max_steps,
            seed=seed,
        )
        _register_logger()
        _progress, _max_steps = progress, max_steps
        nlp = init_nlp(config)
        (work / "out").mkdir()
        spacy_train(nlp, work / "out", use_gpu=-1, stdout=_Silent(), stderr=_Silent())
        best = spacy.load(work / "out" / "model-best")
        examples = [Example(_retokenised(best, d), d) for d in dev_docs]
        scores = best.evaluate(examples)
        report = _report(scores, output, train_docs, dev_docs, max_ngram, max_steps, notes)
        report.baseline_f1 = _baseline_f1(train_docs, dev_docs)
        report.seconds = round(time.perf_counter() - started, 1)
        (work / "out" / "model-best" / REPORT_FILE).write_text(
            json.dumps(report.to_dict(), indent=2), encoding="utf-8"
        )
        if output.exists():
            shutil.rmtree(output)
        (work / "out" / "model-best").rename(output)
        return report
    finally:
        _progress = None
        shutil.rmtree(work, ignore_errors=True)


def _refuse_output(output: Path) -> None:
    """Training replaces ``output`` with the new model: only a missing or empty folder,
    or a model an earlier training wrote, may be replaced (never a folder of other
    files, a file, the project)."""
    if not output.exists() and not output.is_symlink():
        return
    if not output.is_dir() or output.is_symlink():
        raise TrainingError(f"{shown(output)} is not a folder; choose a new or empty folder")
    if any(output.iterdir()) and not (output / REPORT_FILE).is_file():
        raise TrainingError(
            f"{shown(output)} holds files that are not a model Annotator trained; "
            "choose a new or empty folder (it is never emptied)"
        )


def _retokenised(nlp, doc):
    """``doc``'s words in the model's vocab (evaluation must not re-tokenise)."""
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])


class _Silent:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def _report(scores, output, train_docs, dev_docs, max_ngram, steps, notes) -> TrainingReport:
    per_type = scores.get(f"spans_{SPANS_KEY}_per_type") or {}
    support = Counter(s.label_ for d in dev_docs for s in d.spans[SPANS_KEY])
    return TrainingReport(
        model=str(output),
        labels={
            label: {
                "precision": round(v["p"], 4),
                "recall": round(v["r"], 4),
                "f1": round(v["f"], 4),
                "support": support.get(label, 0),
            }
            for label, v in sorted(per_type.items())
        },
        precision=round(scores.get(f"spans_{SPANS_KEY}_p") or 0.0, 4),
        recall=round(scores.get(f"spans_{SPANS_KEY}_r") or 0.0, 4),
        f1=round(scores.get(f"spans_{SPANS_KEY}_f") or 0.0, 4),
        train_documents=len(train_docs),
        dev_documents=len(dev_docs),
        train_spans=sum(len(d.spans[SPANS_KEY]) for d in train_docs),
        dev_spans=sum(len(d.spans[SPANS_KEY]) for d in dev_docs),
        max_ngram=max_ngram,
        steps=steps,
        notes=notes,
    )


def _baseline_f1(train_docs: list[Any], dev_docs: list[Any]) -> float:
    """Micro F1 on dev of memorising: every token sequence annotated in training gets
    its most frequent label wherever it occurs. A model must beat it to have learned more
    than a word list (names it never saw, words whose role depends on the sentence)."""
    seen: dict[tuple[str, ...], Counter] = {}
    for doc in train_docs:
        for span in doc.spans[SPANS_KEY]:
            seen.setdefault(tuple(t.lower_ for t in span), Counter())[span.label_] += 1
    memory = {words: labels.most_common(1)[0][0] for words, labels in seen.items()}
    longest = max((len(words) for words in memory), default=0)
    gold, guess = set(), set()
    for i, doc in enumerate(dev_docs):
        gold |= {(i, s.start, s.end, s.label_) for s in doc.spans[SPANS_KEY]}
        lowered = [t.lower_ for t in doc]
        for start in range(len(doc)):
            for end in range(start + 1, min(len(doc), start + longest) + 1):
                label = memory.get(tuple(lowered[start:end]))
                if label:
                    guess.add((i, start, end, label))
    hits = len(gold & guess)
    if not hits:
        return 0.0
    precision, recall = hits / len(guess), hits / len(gold)
    return round(2 * precision * recall / (precision + recall), 4)


def read_report(model_dir: str | Path) -> dict[str, Any] | None:
    """The training report stored with a model trained here, if any."""
    path = Path(model_dir) / REPORT_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
