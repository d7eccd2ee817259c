"""The commands that move data in and out: ``import``, ``export``, ``backup``, ``merge``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from annotator.cli.options import (
    ProgressBar,
    ProjectPath,
    RegistryChoice,
    cli,
    common_options,
    echo,
    echo_report,
    open_project,
    remember_project,
    status_option,
)
from annotator.formats.names import IMPORT_FORMATS as FORMATS
from annotator.formats.writers import EXPORTERS as EXPORT_FORMATS
from annotator.model.words import counted


@cli.command(name="import")
@common_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(FORMATS),
    help="Format of the files; auto decides per file from its content.",
)
@click.option("--skip-invalid", is_flag=True, help="Import the good records and report the rest.")
@click.option("--strict", is_flag=True, help="Refuse labels the project does not have yet.")
@click.option("--lang", help="Language of documents that do not say (default: the project's).")
@click.option("--text-column", help="CSV: the column holding the article text.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_(
    db_path: Path,
    annotator: str | None,
    paths: tuple[Path, ...],
    fmt: str,
    skip_invalid: bool,
    strict: bool,
    lang: str | None,
    text_column: str | None,
    as_json: bool,
) -> None:
    """Import articles and annotations (files or folders). All or nothing unless
    --skip-invalid; labels the project lacks are added (refused with --strict)."""
    from annotator.services.transfer import (
        import_lines,
        import_paths,
        imported_nothing,
        schema_line,
    )

    with (
        open_project(db_path, annotator) as project,
        ProgressBar("import") as bar,
    ):
        report = import_paths(
            project,
            list(paths),
            fmt=fmt,
            skip_invalid=skip_invalid,
            strict=strict,
            lang=lang,
            text_column=text_column,
            on_read=bar.total,
            progress=bar.at,
        )
    nothing = imported_nothing(report)
    if echo_report(report.to_dict(), as_json):
        sys.exit(1 if nothing else 0)
    for note in report.notes:
        echo(note, err=True)
    for line in report.skipped:
        echo(f"skipped {line}", err=True)
    if added := schema_line(report):
        echo(added, err=True)
    for line in import_lines(report, list(paths), db_path):
        echo(line, err=nothing)
    if nothing:
        sys.exit(1)


@cli.command()
@common_options
@click.option(
    "--format", "fmt", required=True, type=RegistryChoice(EXPORT_FORMATS), help="Output format."
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output file, - for standard output (a folder for brat, hf, spaCy with "
    "--dev-fraction, CoNLL --conll-layout files).",
)
@click.option("--only-annotator", "only_annotators", multiple=True, help="Only these annotators.")
@status_option("Only documents with this status.")
@click.option("--label", "labels", multiple=True, help="Only spans with this label.")
@click.option(
    "--include-rejected", is_flag=True, help="Also layers answered reject/ignore (Prodigy)."
)
@click.option("--spans-key", default="sc", show_default=True, help="spaCy: the doc.spans key.")
@click.option("--ents", is_flag=True, help="spaCy: also fill doc.ents (non-overlapping spans).")
@click.option(
    "--dev-fraction",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    help="spaCy: share of documents in dev.spacy (OUT becomes a folder).",
)
@click.option(
    "--conll-layout",
    type=click.Choice(["columns", "files"]),
    default="columns",
    show_default=True,
    help="CoNLL: one column per label, or one file per label (OUT becomes a folder).",
)
@click.option(
    "--conll-comments",
    is_flag=True,
    help="CoNLL: '# columns/document/annotator' lines instead of -DOCSTART- (spaCy reads "
    "them as tokens).",
)
@click.option("--publisher", help="ClaimReview: the fact-checking organisation (remembered).")
@click.option(
    "--review-url",
    help="ClaimReview: address of the fact-checks, {id} for the claim (remembered).",
)
@click.option(
    "--split",
    help="hf: train, validation and test shares of the articles [default: 0.8,0.1,0.1].",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="hf: which articles go to which split."
)
@click.option(
    "--license", "license_id", help="hf: the data's licence, such as cc-by-4.0 (remembered)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def export(
    db_path: Path,
    annotator: str | None,
    fmt: str,
    out: Path,
    only_annotators: tuple[str, ...],
    statuses: tuple[str, ...],
    labels: tuple[str, ...],
    include_rejected: bool,
    spans_key: str,
    ents: bool,
    dev_fraction: float,
    conll_layout: str,
    conll_comments: bool,
    publisher: str | None,
    review_url: str | None,
    split: str | None,
    seed: int,
    license_id: str | None,
    as_json: bool,
) -> None:
    """Export annotations. Anything the format cannot hold is reported, never dropped
    silently."""
    from annotator.files.output import is_stdout
    from annotator.formats.export import ExportFilter
    from annotator.services.transfer import export_lines, export_project, format_options

    chosen = ExportFilter(
        annotators=only_annotators or None,
        statuses=statuses or None,
        labels=labels or None,
        include_rejected=include_rejected or fmt == "native",
    )
    options = format_options(
        fmt,
        spans_key=spans_key,
        ents=ents,
        dev_fraction=dev_fraction,
        layout=conll_layout,
        comments=conll_comments,
        publisher=publisher,
        review_url=review_url,
        split=split,
        seed=seed,
        license=license_id,
    )
    to_stdout = is_stdout(out)
    with (
        # ClaimReview remembers its publisher and address, hf a licence given to it.
        open_project(
            db_path,
            annotator,
            create=False,
            reading=fmt != "claimreview" and not (fmt == "hf" and license_id),
        ) as project,
        ProgressBar("export") as bar,
    ):
        report = export_project(project, fmt, out, chosen=chosen, progress=bar.at, **options)
    if as_json and to_stdout:  # standard output holds the export itself
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), err=True)
        return
    if echo_report(report.to_dict(), as_json):
        return
    wrote, *problems = export_lines(report, out)
    for problem in problems:  # --json lists every item
        echo(problem, err=True)
    echo(wrote, err=to_stdout)


@cli.command()
@common_options
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT even if it is no backup of this project.")
def backup(db_path: Path, annotator: str | None, out: Path, force: bool) -> None:
    """A consistent copy of the project, even while windows are writing to it. An
    existing OUT is replaced only if it is an earlier backup of this project (or with
    --force)."""
    from annotator.store import backup_database

    with open_project(db_path, annotator, create=False) as project:
        backup_database(project.db, out, force=force)
    echo(f"backed up {db_path} to {out}")


@cli.command()
@common_options
@click.argument("backup_path", metavar="BACKUP", type=ProjectPath())
def restore(db_path: Path, annotator: str | None, backup_path: Path) -> None:
    """Put BACKUP in place of the project. The project as it was (and any log beside it)
    is kept as <name>.before-restore-<time>.db; refused while the project is open in a
    window or another command."""
    from annotator.store.restore import restore_backup

    remember_project(db_path)
    kept = restore_backup(backup_path, db_path)
    if kept is not None:
        echo(f"kept the project as it was in {kept}", err=True)
    echo(f"restored {backup_path} into {db_path}")


@cli.command()
@common_options
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=ProjectPath(),
    help="The project to merge into (created if missing).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def merge(
    db_path: Path, annotator: str | None, sources: tuple[Path, ...], out: Path, as_json: bool
) -> None:
    """Merge annotators' projects (or native JSONL exports) into OUT. Documents are
    matched by text; every annotator's work is kept; merging twice changes nothing."""
    from annotator.services.merge import check_source, merge_into

    for source in sources:
        check_source(source)
        remember_project(source)
    with open_project(out, annotator) as target, ProgressBar("merge") as bar:
        report = merge_into(target, list(sources), on_total=bar.total, progress=bar.at)
    if echo_report(report.to_dict(), as_json):
        return
    for line in report.schema_differences + report.notes:
        echo(line, err=True)
    echo(
        f"merged {counted(len(sources), 'source')} into {out}: "
        f"{counted(report.documents_added, 'new document')}, "
        f"{report.documents_matched} matched, {counted(report.spans_added, 'span')} added "
        f"({report.spans_already_there} already there, {report.spans_updated} updated), "
        f"{counted(report.relations_added, 'link')}, "
        f"{counted(report.claim_records_added, 'claim record')} "
        f"({report.claim_records_updated} updated), "
        f"{counted(report.evidence_added, 'evidence item')}, "
        f"{counted(report.claim_matches_added, 'claim match', 'claim matches')}, "
        f"{counted(report.events_added, 'history event')}"
    )
    if report.deleted:
        removed = ", ".join(f"{n} {table}" for table, n in sorted(report.deleted.items()))
        echo(f"deleted as the sources did since: {removed}")
