"""The fact-checker's commands: ``claims`` and ``search``."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.options import (
    cli,
    common_options,
    echo,
    echo_report,
    open_project,
    remember_project,
)
from annotator.model.words import counted


@cli.command()
@common_options
@click.option("--status", help="Only claims with this status.")
@click.option("--vague", is_flag=True, help="Only claims resting on vague sources (or none).")
@click.option("--by", "by_annotator", help="Only this annotator's claims.")
@click.option("--json", "as_json", is_flag=True, help="Print the claims as JSON.")
def claims(
    db_path: Path,
    annotator: str | None,
    status: str | None,
    vague: bool,
    by_annotator: str | None,
    as_json: bool,
) -> None:
    """Every claim with its sources (and their stance), hedges, actors and status."""
    from annotator.services.claims import claim_rows, describe_sources

    with open_project(db_path, annotator, create=False) as project:
        rows = [
            r
            for r in claim_rows(project, annotator=by_annotator)
            if (status is None or r.status == status) and (not vague or r.vague)
        ]
    if echo_report([r.to_dict() for r in rows], as_json):
        return
    for row in rows:
        hedged = f" hedged by {', '.join(row.hedges)}" if row.hedges else ""
        echo(f"[{row.status}] {row.text}")
        echo(
            f"    {describe_sources(row) or 'no source'}{hedged}; "
            f"{row.title} {row.published}".rstrip()
        )
    echo(f"{counted(len(rows), 'claim')}")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A date of the form YYYY, YYYY-MM or YYYY-MM-DD that exists in the calendar."""
    import datetime

    if value is None:
        return None
    padded = value + {4: "-01-01", 7: "-01"}.get(len(value), "")
    try:
        datetime.date.fromisoformat(padded)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-10-30") from None
    return value


@cli.command()
@common_options
@click.argument("query")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["article", "title", "claim", "note", "document_note"]),
)
@click.option("--status", help="Only claims with this status.")
@click.option("--outlet", help="Only articles of this outlet.")
@click.option(
    "--from", "published_from", callback=_date, help="Published on or after (YYYY-MM-DD)."
)
@click.option("--to", "published_to", callback=_date, help="Published on or before (YYYY-MM-DD).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(
    db_path: Path,
    annotator: str | None,
    query: str,
    kinds: tuple[str, ...],
    status: str | None,
    outlet: str | None,
    published_from: str | None,
    published_to: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search of articles, claims, records, evidence and notes (FTS5 syntax:
    words, "a phrase", prefix*, OR, NOT)."""
    from annotator.services.search import search_database
    from annotator.store.reading import plain_reading

    filters = {
        "kinds": kinds or None,
        "status": status,
        "outlet": outlet,
        "published_from": published_from,
        "published_to": published_to,
        "limit": limit,
    }
    remember_project(db_path)
    with plain_reading(db_path) as conn:  # a current project: sqlite3 alone, at once
        if conn is not None:
            hits = search_database(conn, query, **filters)
    if conn is None:  # anything else: opened the usual way, which says what is wrong
        with open_project(db_path, annotator, create=False) as project:
            hits = search_database(project.db, query, **filters)
    if echo_report([h.to_dict() for h in hits], as_json):
        return
    for hit in hits:
        echo(f"{hit.kind:<8} {hit.title} (document {hit.document_id})")
        echo(f"         {' '.join(hit.snippet.split())}")
    echo(f"{counted(len(hits), 'hit')}")
