from __future__ import annotations

import pytest

from annotator.core.samples import sample_text

TEXT = sample_text()
MISSILES = "Russian forces are using North Korean missiles in Ukraine"


def add(project, phrase, label, nth=0, **kw):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.find(phrase, start + 1)
    assert start >= 0, phrase
    return project.add_span(1, start, start + len(phrase), label, **kw).spans_added[0]


def cue(phrase):
    start = TEXT.find(phrase)
    return [[start, start + len(phrase)]]


@pytest.fixture
def annotated(project, sample_doc):
    """The sample annotated as in the guideline's worked example (its sentences)."""
    claim = add(
        project,
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces",
        "claim",
        attributes={"checkworthy": True},
    )
    minister = add(
        project,
        "South Korea’s defense minister",
        "source",
        attributes={"specificity": "named_role"},
    )
    hedge = add(project, "probably", "hedge")
    project.add_relation(
        claim.id, minister.id, attributes={"cue": cue("stated"), "stance": "asserts"}
    )
    project.add_relation(hedge.id, claim.id)
    project.add_relation(claim.id, add(project, "North Korean soldiers", "actor").id)
    missiles = add(project, MISSILES, "claim", attributes={"checkworthy": True})
    specialists = add(project, "Specialists", "source", attributes={"specificity": "vague"})
    capitals = add(
        project, "both Moscow and Pyongyang", "source", attributes={"specificity": "named_org"}
    )
    project.add_relation(
        missiles.id, specialists.id, attributes={"cue": cue("have stated"), "stance": "asserts"}
    )
    project.add_relation(
        missiles.id, capitals.id, attributes={"cue": cue("have dismissed"), "stance": "denies"}
    )
    add(
        project,
        "North Korea’s recent increase in testing and producing artillery and cruise "
        "missiles may be aimed at facilitating shipments to Russia",
        "claim",
    )
    return project
