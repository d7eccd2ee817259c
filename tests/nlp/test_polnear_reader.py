"""The PolNeAR reader of the attribution benchmark, on a brat pair written for the test
(the corpus itself is not in the repository), and the table's precision and recall."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annotator.text.attribution_eval import prf_table, score
from annotator.text.attribution_records import Attribution

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_polnear(*args):
    """The benchmark's reader (``benchmarks/polnear.py``, not a package module)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    from polnear import load_polnear as load

    return load(*args)


TEXT = "The mayor said the bridge would reopen in May. Critics doubt it."


def _corpus(tmp_path: Path) -> Path:
    dev = tmp_path / "data" / "dev"
    (dev / "text").mkdir(parents=True)
    (dev / "attributions").mkdir()
    (dev / "text" / "city_2016-01-01_bridge.txt").write_text(TEXT, encoding="utf-8")
    ann = (
        "T1\tSource 0 9\tThe mayor\n"
        "T2\tCue 10 14\tsaid\n"
        "T3\tContent 15 45\tthe bridge would reopen in May\n"
        "T4\tAttribution 10 14\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    (dev / "attributions" / "city_2016-01-01_bridge_aaaa.ann").write_text(ann, encoding="utf-8")
    (dev / "attributions" / "city_2016-01-01_bridge_bbbb.ann").write_text("", encoding="utf-8")
    return tmp_path


def test_polnear_reader_makes_one_structure_per_attribution_event(tmp_path):
    (article,) = load_polnear(_corpus(tmp_path), "dev")
    assert article.text == TEXT
    (structure,) = article.attributions  # the first annotator's file, not the empty one
    assert structure.texts(TEXT)["source"] == "The mayor"
    assert structure.texts(TEXT)["cue"] == "said"
    assert structure.texts(TEXT)["claim"] == "the bridge would reopen in May"


QUOTED = '"The bridge will reopen," the mayor said. "It is safe."'


def test_polnear_reader_joins_the_parts_of_a_discontinuous_content(tmp_path):
    folder = tmp_path / "data" / "train"
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "city_bridge.txt").write_text(QUOTED, encoding="utf-8")
    ann = (
        'T1\tContent 0 25;42 55\t"The bridge will reopen," "It is safe."\n'
        "T2\tSource 26 35\tthe mayor\n"
        "T3\tCue 36 40\tsaid\n"
        "T4\tAttribution 36 40\tsaid\n"
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2\n"
    )
    (folder / "attributions" / "city_bridge_aaaa.ann").write_text(ann, encoding="utf-8")
    (article,) = load_polnear(tmp_path, "train")
    (structure,) = article.attributions
    assert structure.texts(QUOTED)["source"] == "the mayor"
    assert structure.claim == (0, 55)  # both quotes, from the first to the last part


def test_as_polnear_joins_the_claims_of_one_cue_and_source():
    _load = load_polnear  # puts the benchmarks on the path
    from polnear import as_polnear

    said, mayor = ((36, 40),), (26, 35)
    first = Attribution(claim=(1, 24), source=mayor, cue=said, quote="direct")
    second = Attribution(claim=(43, 54), source=mayor, cue=said, quote="direct")
    other = Attribution(claim=(60, 70), source=(56, 59), cue=((71, 75),))
    joined = as_polnear([first, second, other])
    assert [s.claim for s in joined] == [(1, 54), (60, 70)]
    assert _load is not None


def test_polnear_reader_never_opens_the_test_split(tmp_path):
    with pytest.raises(SystemExit, match="test is not scored"):
        load_polnear(_corpus(tmp_path), "test")


def test_prf_table_counts_overlap_and_exact_matches(tmp_path):
    (article,) = load_polnear(_corpus(tmp_path), "dev")
    gold = article.attributions[0]
    near = Attribution(claim=(15, 40), source=(4, 9), cue=((10, 14),))  # overlaps, not exact
    lines = prf_table(score([(article, [near])]))
    rows = {line[:18].strip(): line[18:].split() for line in lines[1:]}
    assert rows["attribution"] == ["1.00", "1.00", "1.00", "0.00", "0.00", "0.00"]
    assert rows["cue"] == ["1.00"] * 6  # the same cue
    assert gold.claim != near.claim


def test_the_documented_polnear_benchmark_command_prints_its_table(tmp_path):
    """``python benchmarks/attribution.py --polnear PATH --split dev``, as the README
    gives it, on a corpus folder written for the test."""
    import subprocess

    corpus = _corpus(tmp_path)
    script = str(BENCHMARKS / "attribution.py")
    done = subprocess.run(
        [sys.executable, script, "--polnear", str(corpus), "--split", "dev"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith("PolNeAR dev: 1 articles, 1 gold attributions")
    assert [line.split()[0] for line in lines[2:]] == ["source", "cue", "content", "attribution"]


def test_as_polnear_puts_the_relative_pronoun_for_our_antecedent():
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    from polnear import as_polnear

    from annotator.text.attribution import extract_attributions

    text = "He met the mayor, who said the bridge was safe."
    (ours,) = extract_attributions(text)
    assert text[slice(*ours.source)] == "the mayor"
    (theirs,) = as_polnear([ours], text)
    assert text[slice(*theirs.source)] == "who"
    assert as_polnear([ours])[0].source == ours.source  # without the text: unchanged
