"""Agreement figures against independent reference implementations (scikit-learn,
krippendorff) and against small cases computed by hand."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.cli import cli
from annotator.core.project import Project
from annotator.services.agreement import (
    agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    overlap_matches,
)
from tests.conftest import add_document

binary = st.lists(st.integers(0, 1), min_size=2, max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_cohen_kappa_matches_scikit_learn(data):
    a = data.draw(binary)
    b = data.draw(st.lists(st.integers(0, 1), min_size=len(a), max_size=len(a)))
    mine = cohen_kappa(a, b)
    if mine is None:
        assert len(set(a) | set(b)) == 1  # undefined: one category only
        return
    assert mine == pytest.approx(cohen_kappa_score(a, b))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=3, max_size=3),
        min_size=2,
        max_size=40,
    )
)
def test_krippendorff_alpha_matches_the_krippendorff_package(units):
    values = [[v for v in unit if v is not None] for unit in units]
    mine = krippendorff_alpha(values)
    matrix = np.array([[np.nan if v is None else v for v in unit] for unit in units], float).T
    pairable = [v for v in values if len(v) >= 2]
    if mine is None or len({x for v in pairable for x in v}) < 2:
        return  # undefined (fewer than two values, or one category only)
    assert mine == pytest.approx(krippendorff.alpha(matrix, level_of_measurement="nominal"))


def test_fleiss_kappa_by_hand():
    # Fleiss (1971)-style toy: 4 items, 3 raters, 2 categories.
    counts = [[3, 0], [0, 3], [2, 1], [1, 2]]
    # P_i = [1, 1, 1/3, 1/3] -> P̄ = 2/3; p = [0.5, 0.5] -> P_e = 0.5; κ = (2/3 - 1/2) / (1/2)
    assert fleiss_kappa(counts) == pytest.approx(1 / 3)


def test_fleiss_kappa_equals_perfect_agreement():
    assert fleiss_kappa([[3, 0], [0, 3]]) == pytest.approx(1.0)


def test_cohen_kappa_by_hand():
    a = [1, 1, 0, 0, 0, 0]
    b = [1, 0, 0, 0, 0, 1]
    # p_o = 4/6; p_e = (2/6)(2/6) + (4/6)(4/6) = 20/36; κ = (24/36 - 20/36)/(16/36) = 0.25
    assert cohen_kappa(a, b) == pytest.approx(0.25)


def test_overlap_matching_is_one_to_one_and_largest_first():
    a = {(0, 10, "claim"), (20, 25, "claim")}
    b = {(5, 12, "claim"), (0, 4, "claim"), (21, 24, "hedge")}
    assert overlap_matches(a, b) == 1  # (0,10)~(5,12) or (0,4): one match; hedge ≠ claim


TEXT = "Kim said North Korea will send troops. Seoul denied it. Moscow was silent."


@pytest.fixture
def team(db_path):
    def spans(project, doc, items):
        for phrase, label in items:
            start = TEXT.find(phrase)
            project.add_span(doc, start, start + len(phrase), label)

    with Project.open(db_path, annotator="ana") as ana:
        doc = add_document(ana, TEXT, "t")
        quiet = add_document(ana, "Nothing to mark in this one.", "quiet")
        spans(
            ana,
            doc,
            [("Kim", "source"), ("North Korea will send troops", "claim"), ("Seoul", "source")],
        )
        ana.set_status(quiet, "done")  # annotated, nothing to mark
    with Project.open(db_path, annotator="ben") as ben:
        spans(
            ben, doc, [("Kim", "source"), ("North Korea will send", "claim"), ("Moscow", "source")]
        )
        ben.set_status(quiet, "done")
        b = ben.spans(doc)
        claim = next(s for s in b if s.label == "claim")
        kim = next(s for s in b if s.start == 0)
        ben.add_relation(claim.id, kim.id)
    with Project.open(db_path, annotator="cai") as cai:
        spans(cai, doc, [("Kim", "source")])
    with Project.open(db_path, annotator="ana") as project:
        yield project


def test_pair_figures_by_hand(team):
    report = agreement(team)
    pair = next(p for p in report["pairs"] if (p["a"], p["b"]) == ("ana", "ben"))
    assert pair["documents"] == 2  # the quiet document counts: both said "nothing"
    exact = pair["exact"]["overall"]
    assert (exact["tp"], exact["a"], exact["b"]) == (1, 3, 3)  # only "Kim" is identical
    assert exact["f1"] == pytest.approx(1 / 3)
    overlap = pair["overlap"]["overall"]
    assert overlap["tp"] == 2  # the claims overlap
    assert pair["exact"]["by_label"]["source"]["f1"] == pytest.approx(0.5)
    assert pair["links"] == {"tp": 0, "a": 0, "b": 1, "precision": 0.0, "recall": None, "f1": 0.0}


def test_token_kappa_agrees_with_scikit_learn_on_the_project(team):
    report = agreement(team, labels=["source", "claim"])
    pair = next(p for p in report["pairs"] if (p["a"], p["b"]) == ("ana", "ben"))
    doc = team.spacy_doc(1)
    words = [t for t in doc if not t.is_space]

    def vector(ranges):
        return [int(any(s < t.idx + len(t) and t.idx < e for s, e in ranges)) for t in words]

    def ranges(phrases):
        return [(TEXT.find(p), TEXT.find(p) + len(p)) for p in phrases]

    quiet = [0] * len([t for t in team.spacy_doc(2) if not t.is_space])
    ana_src = vector(ranges(["Kim", "Seoul"])) + quiet
    ben_src = vector(ranges(["Kim", "Moscow"])) + quiet
    assert pair["kappa"]["by_label"]["source"] == pytest.approx(cohen_kappa_score(ana_src, ben_src))
    ana_claim = vector(ranges(["North Korea will send troops"])) + quiet
    ben_claim = vector(ranges(["North Korea will send"])) + quiet
    assert pair["kappa"]["by_label"]["claim"] == pytest.approx(
        cohen_kappa_score(ana_claim, ben_claim)
    )
    assert pair["kappa"]["overall"] == pytest.approx(
        cohen_kappa_score(ana_src + ana_claim, ben_src + ben_claim)
    )
    matrix = np.array([ana_src + ana_claim, ben_src + ben_claim], float)
    assert pair["alpha"]["overall"] == pytest.approx(
        krippendorff.alpha(matrix, level_of_measurement="nominal")
    )


def test_three_annotators_fleiss_and_alpha_with_missing_data(team):
    report = agreement(team, labels=["source"])
    assert report["annotators"] == ["ana", "ben", "cai"]
    assert report["all"]["fleiss_kappa"]["documents"] == 1  # cai did not annotate "quiet"
    assert report["all"]["fleiss_kappa"]["overall"] is not None
    assert -1 <= report["all"]["alpha"]["overall"] <= 1


def test_annotator_with_no_spans_in_a_document(db_path):
    with Project.open(db_path, annotator="ana") as ana:
        doc = add_document(ana, TEXT, "t")
        ana.add_span(doc, 0, 3, "source")
    with Project.open(db_path, annotator="ben") as ben:
        ben.set_status(doc, "done")  # read it, found nothing
        report = agreement(ben)
    (pair,) = report["pairs"]
    assert pair["exact"]["overall"]["f1"] == 0.0
    assert pair["exact"]["overall"]["precision"] is None  # ben marked nothing
    assert pair["kappa"]["overall"] == pytest.approx(0.0)
    assert not math.isnan(pair["kappa"]["overall"])


def test_per_document_lists_the_most_contested_first(team):
    rows = agreement(team)["per_document"]
    assert [r["title"] for r in rows] == ["t", "quiet"]


def test_cli_agreement_table_and_json(team, db_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["agreement", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "ana – ben (2 documents)" in result.output
    assert "Fleiss' kappa" in result.output
    data = json.loads(runner.invoke(cli, ["agreement", "--db", str(db_path), "--json"]).output)
    assert {(p["a"], p["b"]) for p in data["pairs"]} == {
        ("ana", "ben"),
        ("ana", "cai"),
        ("ben", "cai"),
    }


def test_cli_agreement_with_one_annotator_says_whose_work_there_is(db_path):
    with Project.open(db_path, annotator="ana") as project:
        document = add_document(project, "The port will reopen on Monday, officials said.")
        project.add_span(document, 0, 31, "claim")
    result = CliRunner().invoke(cli, ["agreement", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "no document was annotated by two of these annotators (ana: 1 span in 1 document)"
    )
    data = json.loads(CliRunner().invoke(cli, ["agreement", "--db", str(db_path), "--json"]).output)
    assert data["annotated"] == {"ana": {"documents": 1, "spans": 1}}
