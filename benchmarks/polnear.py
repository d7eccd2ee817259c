"""PolNeAR (Political News Attribution Relations, 2016 US election coverage) as gold
attribution structures, for ``attribution.py --polnear``.

The corpus is not in this repository (it states no licence): pass the folder of its
GitHub checkout (``networkdynamics/PolNeAR``; the folder holding ``data/``). Its brat
files are read by Annotator's own brat reader: an ``Attribution`` event becomes links
from its trigger to its ``Source``, ``Cue`` and ``Content``; each event is one structure
(the content is our claim). Articles annotated by several people are read from the
first annotator's file (in name order), as the corpus's authors score them.

Only ``train`` (to develop on) and ``dev`` (to score, without reading its articles) are
offered: the corpus asks that ``test`` be used once, for a final figure.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from annotator.formats.brat import CONTINUES, read_brat
from annotator.model.imports import DocumentIn
from annotator.text.attribution_gold import GoldArticle
from annotator.text.attribution_records import Attribution

SPLITS = ("train", "dev")


def corpus_folder(path: str | Path, split: str) -> Path:
    """The ``data/<split>`` folder of the corpus at ``path`` (its checkout or ``data/``)."""
    if split not in SPLITS:
        raise SystemExit(f"PolNeAR split must be one of {', '.join(SPLITS)} (test is not scored)")
    root = Path(path)
    for folder in (root / "data" / split, root / split):
        if (folder / "text").is_dir() and (folder / "attributions").is_dir():
            return folder
    raise SystemExit(f"{root}: no PolNeAR data/{split}/text and data/{split}/attributions here")


def load_polnear(path: str | Path, split: str, limit: int | None = None) -> list[GoldArticle]:
    """The articles of one split with their first annotator's structures."""
    folder = corpus_folder(path, split)
    articles = []
    with tempfile.TemporaryDirectory() as staging:
        for text_file in sorted((folder / "text").glob("*.txt"))[:limit]:
            annotations = sorted((folder / "attributions").glob(f"{text_file.stem}_*.ann"))
            if not annotations:
                continue
            # the brat reader pairs name.txt with name.ann: stage the pair side by side
            pair = Path(staging) / text_file.stem
            pair.with_suffix(".txt").write_bytes(text_file.read_bytes())
            pair.with_suffix(".ann").write_bytes(annotations[0].read_bytes())
            messages: list[str] = []
            record = next(read_brat(pair.with_suffix(".ann"), messages))
            articles.append(_article(text_file.stem, record))
    return articles


def _article(name: str, record: DocumentIn) -> GoldArticle:
    # a discontinuous span ("A," Elias said, "B.") is read as its first fragment, to
    # which the later fragments are linked: an argument is all of them
    fragments: dict[int, list[tuple[int, int]]] = {}
    for relation in record.relations:
        if relation.label == CONTINUES:
            part = record.spans[relation.head]
            fragments.setdefault(relation.child, []).append((part.start, part.end))
    roles: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for relation in record.relations:
        trigger = record.spans[relation.head]
        if trigger.label != "Attribution":
            continue
        argument = record.spans[relation.child]
        parts = [(argument.start, argument.end), *fragments.get(relation.child, [])]
        roles.setdefault(relation.head, {}).setdefault(relation.label, []).extend(parts)
    structures = []
    for found in roles.values():
        if not found.get("Content") or not found.get("Cue"):
            continue
        content = found["Content"]
        claim = (min(s for s, _ in content), max(e for _, e in content))
        sources = found.get("Source")
        source = (min(s for s, _ in sources), max(e for _, e in sources)) if sources else None
        cue = tuple(sorted(found["Cue"]))
        structures.append(Attribution(claim=claim, source=source, cue=cue))
    structures.sort(key=lambda s: s.cue)
    return GoldArticle(
        id=name,
        style="polnear",
        title=name,
        lang="en",
        text=record.text,
        attributions=tuple(structures),
    )


def as_polnear(structures: list[Attribution], text: str = "") -> list[Attribution]:
    """Structures counted as PolNeAR counts them: one attribution per cue and source.
    Ours split a content quoted in parts ("A," Elias said. "B.") into a claim per part,
    each linked to the same source by the same cue; PolNeAR annotates one discontinuous
    content, scored here from its first to its last part, so ours are joined likewise.
    In a relative clause ("the mayor, who said …") PolNeAR's source is the pronoun and
    ours its antecedent (the guideline's source is who claims): given the ``text``, the
    pronoun stands in for ours."""
    joined: dict[tuple, Attribution] = {}
    for structure in structures:
        if text and structure.rule.startswith("relative-") and structure.source:
            structure = replace(structure, source=_pronoun(text, structure))
        key = (structure.cue, structure.source)
        if key in joined:
            first = joined[key]
            start = min(first.claim[0], structure.claim[0])
            structure = replace(first, claim=(start, max(first.claim[1], structure.claim[1])))
        joined[key] = structure
    return list(joined.values())


def _pronoun(text: str, structure: Attribution) -> tuple[int, int]:
    """The relative pronoun between a structure's source and its cue."""
    between = text[structure.source[1] : structure.cue[0][0]]
    found = list(re.finditer(r"\b(?:who|which)\b", between, flags=re.IGNORECASE))
    if not found:
        return structure.source
    offset = structure.source[1]
    return (offset + found[-1].start(), offset + found[-1].end())
