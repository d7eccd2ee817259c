"""Similar claims across articles: claims sharing enough content words (Jaccard of their
word sets, stop words left out) are suggested as the same claim for a person to confirm
or reject; a rejected pair is not suggested again."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from annotator.core.project import Project
from annotator.model.records import Change
from annotator.store import queries
from annotator.text.words import WORDS

_STOP = """a an the and or but of to in on at by for with from as that this these those is are
was were be been being it its he she they them his her their we our you your i me my not no
has have had do does did will would can could may might should also said says say"""


STOP_WORDS = frozenset(_STOP.split())


def content_words(text: str) -> frozenset[str]:
    words = WORDS.findall(text.casefold())
    return frozenset(w for w in words if w not in STOP_WORDS and len(w) > 1)


def similar_claims(project: Project, threshold: float = 0.6) -> list[tuple[int, int, float]]:
    """``(main, other, similarity)`` for claims that look the same and are not matched yet
    (in any state: a rejected pair stays rejected). The earlier claim is the main one."""
    claims = queries.claim_texts(project.db)
    words = {span_id: content_words(text) for span_id, _, text in claims}
    index: dict[str, list[int]] = defaultdict(list)
    for span_id, _, _ in claims:
        for word in words[span_id]:
            index[word].append(span_id)
    known = queries.matched_pairs(project.db)
    pairs: dict[tuple[int, int], float] = {}
    for span_id, _, _ in claims:
        mine = words[span_id]
        if len(mine) < 2:
            continue
        counts: dict[int, int] = defaultdict(int)
        for word in mine:
            for other in index[word]:
                if other < span_id:
                    counts[other] += 1
        for other, common in counts.items():
            similarity = common / len(mine | words[other])
            if similarity >= threshold and (other, span_id) not in known:
                pairs[(other, span_id)] = similarity
    return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda p: -p[2])


def suggested_matches(project: Project) -> list[dict[str, Any]]:
    """Suggested matches waiting for a decision (``main_span_id``, ``other_span_id``,
    ``similarity``), most similar first."""
    return queries.suggested_matches(project.db)


def suggest_claim_matches(project: Project, threshold: float = 0.6) -> Change:
    """Store the similar claims as suggested matches (one undoable change; see
    :meth:`Project.suggest_claim_matches`)."""
    return project.suggest_claim_matches(threshold)
