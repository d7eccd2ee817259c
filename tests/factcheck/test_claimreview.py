"""ClaimReview JSON-LD and the CSV fact-check log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.formats.writers import export
from annotator.model.errors import AnnotatorError
from annotator.services.claimreview import export_claimreview, validate
from annotator.services.claims import claim_rows
from tests.factcheck.conftest import MISSILES


@pytest.fixture
def reviewed(annotated):
    annotated.set_document_meta(
        1, url="https://afp.example/nk-troops", published="2024-10-08", outlet="AFP"
    )
    first, missiles = claim_rows(annotated)[:2]
    annotated.set_claim_record(
        first.span_id,
        status="verified",
        verdict="Both ministries confirm it.",
        normalized="North Korean soldiers fight in Ukraine",
    )
    annotated.set_claim_record(
        missiles.span_id,
        status="false",
        rating="Unsupported",
        verdict="No debris evidence.",
        normalized="Russian forces are firing North Korean missiles at Ukraine, say unnamed specialists",
    )
    return annotated


def test_claimreview_fields(reviewed, tmp_path):
    out = tmp_path / "reviews.json"
    report = export_claimreview(
        reviewed, out, publisher="Desk Fact Check", review_url="https://desk.example/checks/{id}"
    )
    reviews = json.loads(out.read_text())
    assert report.records == 2
    first = reviews[0]
    assert first["@context"] == "https://schema.org" and first["@type"] == "ClaimReview"
    assert first["claimReviewed"] == "North Korean soldiers fight in Ukraine"
    assert first["reviewRating"] == {"@type": "Rating", "alternateName": "True"}
    assert first["author"] == {"@type": "Organization", "name": "Desk Fact Check"}
    assert first["url"].startswith("https://desk.example/checks/")
    item = first["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "South Korea’s defense minister"}
    assert item["datePublished"] == "2024-10-08"
    assert item["appearance"]["url"] == "https://afp.example/nk-troops"
    assert validate(first) == []
    second = reviews[1]
    assert second["reviewRating"]["alternateName"] == "Unsupported"
    assert second["itemReviewed"]["author"]["name"] == "Specialists"  # the asserting source
    assert any("characters (keep it under 75)" in n for n in report.notes)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.update(claimReviewed=""), "claimReviewed is empty"),
        (lambda r: r["reviewRating"].pop("alternateName"), "alternateName"),
        (lambda r: r.update(url="/relative/path"), "absolute http(s) address"),
        (lambda r: r["itemReviewed"].pop("author"), "no author"),
        (lambda r: r["itemReviewed"].update({"@type": "Thing"}), "must be a Claim"),
    ],
)
def test_validate_catches_each_rule(reviewed, tmp_path, change, problem):
    out = tmp_path / "r.json"
    export_claimreview(reviewed, out, publisher="P", review_url="https://x.example/c")
    review = json.loads(out.read_text())[0]
    change(review)
    assert any(problem in p for p in validate(review))


def test_claims_without_verdict_are_not_reviews(annotated, tmp_path):
    export_claimreview(
        annotated, tmp_path / "r.json", publisher="P", review_url="https://x.example"
    )
    assert json.loads((tmp_path / "r.json").read_text()) == []


def test_publisher_and_address_are_required_then_remembered(reviewed, tmp_path):
    with pytest.raises(AnnotatorError, match="--publisher and --review-url"):
        export_claimreview(reviewed, tmp_path / "r.json")
    export_claimreview(reviewed, tmp_path / "r.json", publisher="P", review_url="https://x.example")
    assert export_claimreview(reviewed, tmp_path / "again.json").records == 2


def test_claims_csv_log(reviewed, tmp_path):
    export(reviewed, "claims-csv", tmp_path / "log.csv")
    rows = list(csv.DictReader((tmp_path / "log.csv").open(encoding="utf-8")))
    missiles = next(r for r in rows if r["claim"] == MISSILES)
    assert missiles["sources"] == "asserts: Specialists; denies: both Moscow and Pyongyang"
    first = next(r for r in rows if r["claim"].startswith("North Korean soldiers"))
    assert (first["hedges"], first["actors"]) == ("probably", "North Korean soldiers")
    assert (missiles["status"], missiles["rating"], missiles["outlet"]) == (
        "false",
        "Unsupported",
        "AFP",
    )


def test_cli_claims_lists_stances(annotated, db_path):
    result = CliRunner().invoke(cli, ["claims", "--db", str(db_path)])
    assert "asserts: Specialists; denies: both Moscow and Pyongyang" in result.output
    data = json.loads(
        CliRunner().invoke(cli, ["claims", "--vague", "--json", "--db", str(db_path)]).output
    )
    assert len(data) == 1 and data[0]["sources"] == []


def _readme_command(start: str) -> list[str]:
    """The README's command line beginning with ``start``, continuation lines joined and
    the trailing comment dropped, split as a shell would."""
    import shlex

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    begin = readme.index(start)
    lines = []
    for line in readme[begin:].split("\n"):
        lines.append(line.rstrip().removesuffix("\\"))
        if not line.rstrip().endswith("\\"):
            break
    return shlex.split(" ".join(lines), comments=True)


def test_readme_claimreview_command_runs_as_written(reviewed, db_path, tmp_path, monkeypatch):
    reviewed.close()
    argv = _readme_command("annotator export --format claimreview")
    assert argv[:2] == ["annotator", "export"] and "--publisher" in argv
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*argv[1:], "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / argv[argv.index("-o") + 1]
    reviews = json.loads(out.read_text("utf-8"))
    assert len(reviews) == 2
    assert reviews[0]["author"]["name"] == argv[argv.index("--publisher") + 1]
    assert reviews[0]["url"].startswith("https://desk.example/checks/")
    again = CliRunner().invoke(  # both remembered in the project
        cli, ["export", "--format", "claimreview", "-o", "again.json", "--db", str(db_path)]
    )
    assert again.exit_code == 0, again.output
