"""The ``annotator`` command. ``annotator`` alone opens the window (the ``gui`` command).

Every command takes ``--db PATH`` (default ``$ANNOTATOR_DB`` or the user data folder)
and ``--annotator NAME``. Failures print one line on stderr and exit non-zero; a
traceback means a bug in Annotator, never bad input.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click_default_group import DefaultGroup

from annotator import __version__
from annotator.core.config import default_db_path
from annotator.core.errors import AnnotatorError


class _Group(DefaultGroup):
    """Turns user errors from any command into one clear line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from None


def _common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` and ``--annotator`` on every command (a command's own value wins)."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Project database (default: $ANNOTATOR_DB or the user data folder).",
    )
    @click.option("--annotator", "annotator", help="Your name, recorded on every change.")
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, db_path: Path | None, annotator: str | None, **kw: Any) -> Any:
        root = ctx.find_root().params
        db_path = db_path or root.get("db_path") or default_db_path()
        annotator = annotator or root.get("annotator")
        return ctx.invoke(func, db_path=db_path, annotator=annotator, **kw)

    return wrapper


@click.group(cls=_Group, default="gui", default_if_no_args=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project database (default: $ANNOTATOR_DB or the user data folder).",
)
@click.option("--annotator", "annotator", help="Your name, recorded on every change.")
@click.version_option(__version__, prog_name="annotator")
def cli(db_path: Path | None, annotator: str | None) -> None:
    """Annotate news articles: claims, sources, actors and hedges, offline."""


def _open_project(db_path: Path, annotator: str | None, *, create: bool = True):
    from annotator.core.project import Project

    if create:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    return Project.open(db_path, annotator=annotator, create=create)


@cli.command()
@_common_options
def gui(db_path: Path, annotator: str | None) -> None:
    """Open the window (the default command)."""
    from annotator.gui.app import run

    db_path.parent.mkdir(parents=True, exist_ok=True)
    sys.exit(run(db_path, annotator=annotator))


@cli.command(name="import")
@_common_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "text"]),
    help="Format of the files; auto decides per file.",
)
@click.option("--skip-invalid", is_flag=True, help="Import the good records and report the rest.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_(
    db_path: Path,
    annotator: str | None,
    paths: tuple[Path, ...],
    fmt: str,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import articles (files or folders). All or nothing unless --skip-invalid."""
    from tqdm import tqdm

    from annotator.core.ingest import import_documents
    from annotator.formats.reader import read_paths

    messages: list[str] = []
    skipped: list[str] | None = [] if skip_invalid else None
    records = list(read_paths(list(paths), fmt, messages, skipped=skipped))
    with (
        _open_project(db_path, annotator) as project,
        tqdm(total=len(records), unit="doc", desc="import", disable=None, leave=False) as bar,
    ):
        report = import_documents(
            project, records, skip_invalid=skip_invalid, progress=lambda n: bar.update(n - bar.n)
        )
    report.skipped[:0] = skipped or []
    report.notes[:0] = messages
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    for note in report.notes:
        click.echo(note, err=True)
    for line in report.skipped:
        click.echo(f"skipped {line}", err=True)
    click.echo(
        f"imported {report.documents_added} new document(s), "
        f"{report.documents_existing} already present, {report.spans_added} span(s) "
        f"into {db_path}"
    )


@cli.command()
@_common_options
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["prodigy"]),
    help="Output format.",
)
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--only-annotator", "only_annotators", multiple=True, help="Only these annotators.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["new", "in_progress", "done", "skipped"]),
    help="Only documents with this status.",
)
@click.option("--label", "labels", multiple=True, help="Only spans with this label.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def export(
    db_path: Path,
    annotator: str | None,
    fmt: str,
    out: Path,
    only_annotators: tuple[str, ...],
    statuses: tuple[str, ...],
    labels: tuple[str, ...],
    as_json: bool,
) -> None:
    """Export annotations to a training-data format."""
    from annotator.formats.prodigy import export_prodigy

    with _open_project(db_path, annotator, create=False) as project:
        report = export_prodigy(
            project,
            out,
            annotators=list(only_annotators) or None,
            statuses=list(statuses) or None,
            labels=list(labels) or None,
        )
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"wrote {report.records} record(s), {report.spans} span(s) to {out}")


@cli.command()
@_common_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db_path: Path, annotator: str | None, as_json: bool) -> None:
    """Documents, spans per label, and per-annotator counts."""
    with _open_project(db_path, annotator, create=False) as project:
        figures = project.stats()
        labels = project.schema.label_names
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    labels += sorted(set(figures["spans_by_label"]) - set(labels))
    click.echo(f"documents  {figures['documents']}")
    click.echo(f"spans      {figures['spans']}")
    for label in labels:
        click.echo(f"  {label:<9}{figures['spans_by_label'].get(label, 0)}")
    click.echo(f"relations  {figures['relations']}")
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
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
