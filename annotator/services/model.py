"""Suggestions from a spaCy pipeline: a span categorizer trained here, or the named
entities of an installed pipeline (``en_core_web_sm``) for actors.

Pipelines are never downloaded: a name must be an installed package, a path must be a
folder holding a saved pipeline. The documents given to the pipeline are built from the
stored tokens in the pipeline's own vocabulary, so offsets are exactly the project's and
nothing is re-tokenised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.model.errors import AnnotatorError
from annotator.model.records import Suggestion

if TYPE_CHECKING:
    from spacy.language import Language

ACTOR_ENTITIES = ("PERSON", "ORG", "GPE", "NORP")
"""Named-entity labels suggested as actors."""
THRESHOLD = 0.5
SCORING_FLOOR = 0.1
"""Span scores down to this are read to judge how unsure the model is (for triage)."""


class ModelError(AnnotatorError):
    """A model that is missing, not a spaCy pipeline, or of no use for suggestions."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a pipeline proposes for one document, and how unsure it is (0 to 1)."""

    suggestions: list[Suggestion]
    uncertainty: float


def load_pipeline(name_or_path: str | Path) -> Language:
    """An installed pipeline package or a pipeline folder.

    :raises ModelError: no such package or folder, or a folder that is not a spaCy
        pipeline (no ``config.cfg``), or one spaCy cannot load.
    """
    import spacy
    from spacy.util import is_package

    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.exists():
        if not path.is_dir() or not (path / "config.cfg").is_file():
            raise ModelError(f"{path} is not a spaCy pipeline (no config.cfg in it)")
        target: str | Path = path
    elif is_package(text):
        target = text
    else:
        raise ModelError(
            f"no model {text!r}: neither a folder nor an installed spaCy pipeline "
            "(models are never downloaded; train one with `annotator train -o DIR`)"
        )
    try:
        return spacy.load(target)
    except Exception as exc:  # spaCy raises OSError, ValueError, config errors, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load the model {text}: {first}") from None


class ModelSuggester:
    """Runs a pipeline over documents and turns its output into suggestions.

    A ``spancat`` component gives spans of the schema's labels with their scores; an
    ``ner`` component gives actors (``ACTOR_ENTITIES``) when ``actors_from_entities``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        labels: Iterable[str] | None = None,
        actors_from_entities: bool = True,
    ):
        self.nlp = nlp
        self.source = f"model:{name}"
        self.labels = set(labels) if labels is not None else None
        self.spancat = next(
            (n for n, p in nlp.pipeline if type(p).__name__ == "SpanCategorizer"), None
        )
        self.ner = "ner" in nlp.pipe_names and actors_from_entities
        if self.spancat is None and not self.ner:
            raise ModelError(
                f"the model {name} has neither a span categorizer nor an entity recognizer"
            )
        if self.spancat is not None:
            self.spans_key = nlp.get_pipe(self.spancat).key
            nlp.get_pipe(self.spancat).cfg["threshold"] = SCORING_FLOOR
        self._disabled = [n for n in nlp.pipe_names if n in ("parser", "lemmatizer", "tagger")]

    def make_doc(self, words: list[str], spaces: list[bool]) -> Any:
        from spacy.tokens import Doc

        return Doc(self.nlp.vocab, words=words, spaces=spaces)

    def predict(self, docs: Iterable[Any], *, batch_size: int = 64) -> Iterator[Prediction]:
        """One :class:`Prediction` per doc, in order (``nlp.pipe`` with batching)."""
        with self.nlp.select_pipes(disable=self._disabled):
            for doc in self.nlp.pipe(docs, batch_size=batch_size):
                yield self._read(doc)

    def _read(self, doc: Any) -> Prediction:
        found: list[Suggestion] = []
        unsure = 0.0
        if self.spancat is not None:
            group = doc.spans.get(self.spans_key, [])
            scores = group.attrs.get("scores", []) if len(group) else []
            for span, score in zip(group, scores, strict=False):
                score = float(score)
                unsure = max(unsure, 1 - abs(2 * score - 1))
                if score >= THRESHOLD and (self.labels is None or span.label_ in self.labels):
                    found.append(
                        Suggestion(span.start_char, span.end_char, span.label_, self.source, score)
                    )
        if self.ner:
            for ent in doc.ents:
                if ent.label_ in ACTOR_ENTITIES:
                    found.append(Suggestion(ent.start_char, ent.end_char, "actor", self.source))
        return Prediction(found, round(unsure, 4))


def model_name(name_or_path: str | Path) -> str:
    """How a model is named in origins: a folder's name, or the package name."""
    path = Path(str(name_or_path)).expanduser()
    return path.name if path.exists() else str(name_or_path)
