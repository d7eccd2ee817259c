"""The commands about the project itself: ``gui`` (the window), ``stats``, ``check``."""

from __future__ import annotations

import json
import sys
import time
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
def gui(db_path: Path, annotator: str | None) -> None:
    """Open the window (the default command)."""
    from annotator.gui.app import run

    db_path.parent.mkdir(parents=True, exist_ok=True)
    sys.exit(run(db_path, annotator=annotator))


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db_path: Path, annotator: str | None, as_json: bool) -> None:
    """Documents, spans per label, and per-annotator counts."""
    with open_project(db_path, annotator, create=False) as project:
        figures = project.stats()
        labels = project.schema.label_names
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))  # JSON escapes them
        return
    labels += sorted(set(figures["spans_by_label"]) - set(labels))
    echo(f"documents  {figures['documents']}")
    echo(f"spans      {figures['spans']}")
    for label in labels:
        echo(f"  {label:<9}{figures['spans_by_label'].get(label, 0)}")
    echo(f"relations  {figures['relations']}")
    if figures["categories"]:
        echo("categories (documents they apply to)")
        for label, count in figures["categories"].items():
            echo(f"  {label:<9}{count}")
    if not figures["annotators"]:
        return
    header = ["annotator", "documents", "spans", *labels, "done"]
    rows = [
        [
            name,
            entry.get("documents", 0),
            entry["spans"],
            *(entry["by_label"].get(label, 0) for label in labels),
            entry.get("status", {}).get("done", 0),
        ]
        for name, entry in figures["annotators"].items()
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--repair",
    is_flag=True,
    help="Remove tables, columns, views, indexes and triggers Annotator did not create "
    "(after copying the file), then check.",
)
def check(db_path: Path, annotator: str | None, as_json: bool, repair: bool) -> None:
    """Check the file: SQLite integrity, schema objects nobody should have added, every
    table and column, JSON columns, token arrays, every text's hash, every span's
    bounds, rows whose references dangle, copies kept by recoveries."""
    from annotator.store import open_database
    from annotator.store.check import check_database
    from annotator.store.check import repair as repair_file
    from annotator.store.recovery import copies_kept

    remember_project(db_path)
    if repair:
        open_database(db_path, create=False, foreign_objects_ok=True).close()  # checks the file
        copy, removed = repair_file(db_path, stamp=time.strftime("%Y%m%d-%H%M%S"))
        for line in removed:
            echo(line, err=True)
        if copy is not None:
            echo(f"the file as it was is kept as {copy}", err=True)
    db = open_database(db_path, create=False, readonly=True, foreign_objects_ok=True)
    for notice in getattr(db, "notices", []):
        echo(notice, err=True)
    try:  # not the project: it may be too damaged to open as one
        problems, counts = check_database(db)
    finally:
        db.close()
    copies = [str(copy) for copy in copies_kept(db_path)]
    report = {"ok": not problems, "problems": problems, **counts, "copies_kept": copies}
    if echo_report(report, as_json):
        sys.exit(1 if problems else 0)
    for problem in problems:
        echo(problem, err=True)
    for copy in copies:
        echo(f"kept beside it (as found before a recovery, restore or repair): {copy}", err=True)
    verdict = "problems found" if problems else "ok"
    echo(
        f"{verdict}: {counted(counts['documents'], 'document')}, "
        f"{counted(counts['spans'], 'span')}, "
        f"{counted(counts['relations'], 'link')} checked in {db_path}"
    )
    sys.exit(1 if problems else 0)
