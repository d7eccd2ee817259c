"""ClaimReview JSON-LD (schema.org) for claims with a verdict, and a CSV log for editors.

A ClaimReview holds: ``claimReviewed`` (the normalised claim, or the claim's text;
fact-check search engines ask for under 75 characters), ``reviewRating`` with its
``alternateName`` (the rating, or the status in words), ``itemReviewed``: a ``Claim``
with its ``author`` (the asserting source), ``datePublished`` and ``appearance`` (the
article, with its URL when known), the review's ``url``, ``author`` (the publishing
organisation) and ``datePublished``. :func:`validate` checks those rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson

from annotator.core.claim_ops import NORMALIZED_LIMIT
from annotator.core.project import Project
from annotator.files.output import atomic_output
from annotator.formats.csv_format import SpreadsheetWriter
from annotator.formats.export import ExportFilter, ExportReport
from annotator.model.errors import AnnotatorError
from annotator.services.claims import ClaimRow, claim_rows, describe_sources
from annotator.store import queries

STATUS_WORDS = {
    "verified": "True",
    "false": "False",
    "misleading": "Misleading",
    "inconclusive": "Unproven",
    "in_progress": "Under review",
    "unstarted": "Not reviewed",
}
PERSON_SPECIFICITY = ("named_person",)


def _absolute_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def claim_review(
    row: ClaimRow, *, publisher: str, review_url: str, reviewed_on: str
) -> dict[str, Any]:
    """The ClaimReview of one claim (see the module notes for the fields)."""
    asserting = next((s for s in row.sources if s["stance"] in ("asserts", "")), None)
    claim: dict[str, Any] = {"@type": "Claim"}
    if asserting is not None:
        kind = "Person" if asserting["specificity"] in PERSON_SPECIFICITY else "Organization"
        claim["author"] = {"@type": kind, "name": asserting["text"]}
    if row.published:
        claim["datePublished"] = row.published
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": row.title}
    if row.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": row.outlet}
    if row.url:
        appearance["url"] = row.url
    claim["appearance"] = appearance
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url,
        "datePublished": reviewed_on,
        "author": {"@type": "Organization", "name": publisher},
        "claimReviewed": row.normalized or row.text,
        "reviewBody": row.verdict,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": row.rating or STATUS_WORDS.get(row.status, row.status.capitalize()),
        },
        "itemReviewed": claim,
    }


def validate(review: dict[str, Any]) -> list[str]:
    """Where a ClaimReview breaks the field rules (empty when it keeps them)."""
    problems = []
    if review.get("@context") != "https://schema.org" or review.get("@type") != "ClaimReview":
        problems.append("not a schema.org ClaimReview")
    claimed = review.get("claimReviewed", "")
    if not claimed.strip():
        problems.append("claimReviewed is empty")
    elif len(claimed) >= NORMALIZED_LIMIT:
        problems.append(
            f"claimReviewed has {len(claimed)} characters (keep it under {NORMALIZED_LIMIT})"
        )
    rating = review.get("reviewRating", {})
    if rating.get("@type") != "Rating" or not str(rating.get("alternateName", "")).strip():
        problems.append("reviewRating needs an alternateName")
    if not _absolute_url(review.get("url", "")):
        problems.append("url must be the absolute http(s) address of the fact-check")
    item = review.get("itemReviewed", {})
    if item.get("@type") != "Claim":
        problems.append("itemReviewed must be a Claim")
    if "author" not in item:
        problems.append("itemReviewed has no author (no asserting source)")
    if "appearance" not in item:
        problems.append("itemReviewed has no appearance")
    elif "url" in item["appearance"] and not _absolute_url(item["appearance"]["url"]):
        problems.append("the appearance url is not an absolute http(s) address")
    author = review.get("author", {})
    if not str(author.get("name", "")).strip():
        problems.append("author (the publishing organisation) has no name")
    return problems


def reviewed_rows(project: Project) -> list[ClaimRow]:
    """Claims that have a verdict, one per record (matched claims share one)."""
    seen: set[int] = set()
    rows = []
    for row in claim_rows(project):
        main = row.shared_with or row.span_id
        if row.verdict.strip() and main not in seen:
            seen.add(main)
            rows.append(row)
    return rows


def export_claimreview(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    publisher: str | None = None,
    review_url: str | None = None,
    progress=None,
) -> ExportReport:
    """Write a JSON array of ClaimReview objects; each rule a review breaks is reported.

    ``review_url`` is the address of the fact-checks; ``{id}`` in it is replaced by the
    claim's id (``https://factcheck.example/claims/{id}``), else ``/ID`` is appended.
    """
    publisher = publisher or project.project_value("publisher")
    review_url = review_url or project.project_value("review_url")
    if not publisher or not review_url:
        raise AnnotatorError(
            "ClaimReview needs the publishing organisation and the address of the "
            "fact-checks: give --publisher and --review-url (they are remembered)"
        )
    report = ExportReport(format="claimreview", path=str(out))
    reviews = []
    urls = project_document_urls(project)
    for row in reviewed_rows(project):
        row.url = urls.get(row.document_id, "")
        main = row.shared_with or row.span_id
        url = (
            review_url.replace("{id}", str(main))
            if "{id}" in review_url
            else (f"{review_url.rstrip('/')}/{main}")
        )
        review = claim_review(
            row, publisher=publisher, review_url=url, reviewed_on=project.record_updated(main)[:10]
        )
        for problem in validate(review):
            report.notes.append(f"claim {main} ({row.title}): {problem}")
        reviews.append(review)
    with atomic_output(out) as handle:
        handle.write(orjson.dumps(reviews, option=orjson.OPT_INDENT_2))
    # Remembered once the export succeeded: a refused export leaves the project as it was.
    project.set_project_value("publisher", publisher)
    project.set_project_value("review_url", review_url)
    report.records = len(reviews)
    if progress is not None:
        progress(len(reviews))
    return report


def project_document_urls(project: Project) -> dict[int, str]:
    return queries.document_urls(project.db)


LOG_COLUMNS = (
    "claim_id",
    "article",
    "outlet",
    "published",
    "claim",
    "normalized",
    "sources",
    "hedges",
    "actors",
    "checkworthy",
    "status",
    "verdict",
    "rating",
    "assignee",
    "evidence",
    "annotator",
)


def export_claims_csv(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """The fact-check log: one row per claim, for editors and spreadsheets."""
    report = ExportReport(format="claims-csv", path=str(out))
    with atomic_output(out, "w") as handle:
        writer = SpreadsheetWriter(handle)  # formulas neutralised: editors open it
        writer.writerow(LOG_COLUMNS)
        for row in claim_rows(project):
            if chosen and chosen.annotators and row.annotator not in chosen.annotators:
                continue
            writer.writerow(
                [
                    row.span_id,
                    row.title,
                    row.outlet,
                    row.published,
                    row.text,
                    row.normalized,
                    describe_sources(row),
                    "; ".join(row.hedges),
                    "; ".join(row.actors),
                    "" if row.checkworthy is None else ("yes" if row.checkworthy else "no"),
                    row.status,
                    row.verdict,
                    row.rating,
                    row.assignee,
                    row.evidence,
                    row.annotator,
                ]
            )
            report.records += 1
            report.spans += 1
    if progress is not None:
        progress(report.records)
    return report
