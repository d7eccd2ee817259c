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
