"""The ``annotator`` command. ``annotator`` alone opens the window (the ``gui`` command).

Every command takes ``--db PATH`` (default ``$ANNOTATOR_DB`` or the user data folder)
and ``--annotator NAME``. Failures print one line on stderr and exit non-zero; a
traceback means a bug in Annotator, never bad input.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click_default_group import DefaultGroup

from annotator import __version__
from annotator.core.config import default_db_path
from annotator.formats.reader import FORMATS
from annotator.formats.writers import EXPORTERS as EXPORT_FORMATS
from annotator.model.errors import AnnotatorError, StoreError, printable
from annotator.store.database import waiting_for_writers

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(message: object) -> str:
    """Text that may hold names and titles from users' files, safe to print: control
    characters (a terminal's escape sequences) shown as ``\\xNN``, never obeyed; bytes of
    file names that are not UTF-8 as ``\\xNN`` too."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", printable(message))


def echo(message: object = "", *, err: bool = False) -> None:
    """``click.echo`` through :func:`terminal_safe`."""
    click.echo(terminal_safe(message), err=err)


_PROJECTS = "annotator.projects"
"""``ctx.meta`` key: the project files a command opened (looked at when it fails)."""


class _Group(DefaultGroup):
    """Turns user errors from any command into one clear line and exit code 1.

    Anything else that escapes a command is a bug in Annotator (a traceback), unless a
    project file the command opened turns out to be damaged (a dropped table or column,
    text that is not JSON in a JSON column): then that is the one line, with a pointer
    to ``annotator check``.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StoreError as exc:  # SQLite refused: perhaps because the file is damaged
            _discard_new_projects(ctx)
            raise click.ClickException(terminal_safe(_damage(ctx) or str(exc))) from None
        except AnnotatorError as exc:
            _discard_new_projects(ctx)
            raise click.ClickException(terminal_safe(str(exc))) from None
        except click.exceptions.Exit:
            raise
        except (click.exceptions.ClickException, click.exceptions.Abort, SystemExit) as exc:
            if not isinstance(exc, SystemExit) or exc.code:
                _discard_new_projects(ctx)
            raise
        except Exception:
            damage = _damage(ctx)
            if damage is None:
                raise
            raise click.ClickException(damage) from None


_CREATED = "annotator.created"
"""``ctx.meta`` key: project files the running command created."""


def _discard_new_projects(ctx: click.Context) -> None:
    """Remove project files a failed command created, while nothing is in them yet: a
    refused import or merge leaves no empty project behind."""
    from annotator.store.database import open_database
    from annotator.store.queries import is_untouched

    for path in ctx.meta.pop(_CREATED, []):
        try:
            db = open_database(path, create=False)
            try:
                empty = is_untouched(db)
            finally:
                db.close()
        except AnnotatorError:
            continue
        if empty:
            for name in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
                with contextlib.suppress(FileNotFoundError):
                    name.unlink()


_BULK = {"import", "merge", "suggest", "export", "patterns", "train"}
"""Commands whose writes wait as long as another process writes (they do not run while
a person waits on each edit, and failing after 10 s would throw the work away)."""


def _say_waiting(path: str) -> None:
    """Say once per project that a write waits for another process."""
    said = click.get_current_context().meta.setdefault("annotator.waiting", set())
    if path not in said:
        said.add(path)
        echo(f"waiting for another Annotator process writing to {printable(path)}…", err=True)


def _damage(ctx: click.Context) -> str | None:
    """How a project file the command opened is damaged (``None``: none is)."""
    from annotator.store.check import describe_damage

    for path in ctx.meta.get(_PROJECTS, []):
        damage = describe_damage(path)
        if damage is not None:
            return damage
    return None


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
        patient = ctx.command.name in _BULK
        with waiting_for_writers(_say_waiting) if patient else contextlib.nullcontext():
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


def _remember_project(path: Path) -> None:
    """Note that the running command uses the project at ``path`` (see ``_Group``)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta.setdefault(_PROJECTS, []).append(path)


def _open_project(db_path: Path, annotator: str | None, *, create: bool = True):
    """The project for a command; reading commands (``create=False``) also work on a
    read-only file."""
    from annotator.core.project import Project

    _remember_project(db_path)
    if create:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        context = click.get_current_context(silent=True)
        if context is not None and not db_path.exists():
            context.meta.setdefault(_CREATED, []).append(db_path)
    return Project.open(db_path, annotator=annotator, create=create, allow_readonly=not create)


@cli.command()
@_common_options
def gui(db_path: Path, annotator: str | None) -> None:
    """Open the window (the default command)."""
    from annotator.gui.app import run

    db_path.parent.mkdir(parents=True, exist_ok=True)
    sys.exit(run(db_path, annotator=annotator))


def _echo_report(report: dict[str, Any], as_json: bool) -> bool:
    """Print a report as JSON; returns whether it did."""
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))  # JSON escapes them
    return as_json


@cli.command(name="import")
@_common_options
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
    from tqdm import tqdm

    from annotator.core.ingest import import_documents
    from annotator.formats import reader
    from annotator.model.imports import SchemaIn

    messages: list[str] = []
    skipped: list[str] | None = [] if skip_invalid else None
    schema = SchemaIn()
    records = list(
        reader.read_paths(
            list(paths), fmt, messages, skipped=skipped, schema=schema, text_column=text_column
        )
    )
    with (
        _open_project(db_path, annotator) as project,
        tqdm(total=len(records), unit="doc", desc="import", disable=None, leave=False) as bar,
    ):
        report = import_documents(
            project,
            records,
            skip_invalid=skip_invalid,
            strict=strict,
            schema=schema,
            lang=lang,
            progress=lambda n: bar.update(n - bar.n),
        )
    report.skipped[:0] = skipped or []
    report.notes[:0] = messages
    nothing = not (report.documents_added or report.documents_existing)
    if _echo_report(report.to_dict(), as_json):
        sys.exit(1 if nothing else 0)
    for note in report.notes:
        echo(note, err=True)
    for line in report.skipped:
        echo(f"skipped {line}", err=True)
    if nothing:
        echo(f"nothing imported: no document in {', '.join(map(str, paths))}", err=True)
        sys.exit(1)
    if report.labels_added or report.relation_types_added:
        added = ", ".join(report.labels_added + report.relation_types_added)
        echo(f"added to the schema: {added}", err=True)
    echo(
        f"imported {report.documents_added} new document(s), "
        f"{report.documents_existing} already present, {report.spans_added} span(s), "
        f"{report.relations_added} link(s) into {db_path}"
    )
    if report.categories_added:
        echo(f"document categories: {report.categories_added}")
    if report.spans_duplicate or report.relations_duplicate:
        echo(
            f"duplicates stored once: {report.spans_duplicate} span(s), "
            f"{report.relations_duplicate} link(s)"
        )


@cli.command()
@_common_options
@click.option(
    "--format", "fmt", required=True, type=click.Choice(list(EXPORT_FORMATS)), help="Output format."
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output file (a folder for brat, spaCy with --dev-fraction, CoNLL --conll-layout files).",
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
    as_json: bool,
) -> None:
    """Export annotations. Anything the format cannot hold is reported, never dropped
    silently."""
    from tqdm import tqdm

    from annotator.formats.export import ExportFilter
    from annotator.formats.writers import export as run_export

    chosen = ExportFilter(
        annotators=only_annotators or None,
        statuses=statuses or None,
        labels=labels or None,
        include_rejected=include_rejected or fmt == "native",
    )
    options = {
        "spacy": {"spans_key": spans_key, "ents": ents, "dev_fraction": dev_fraction},
        "conll": {"layout": conll_layout, "comments": conll_comments},
        "claimreview": {"publisher": publisher, "review_url": review_url},
    }.get(fmt, {})
    with (
        _open_project(db_path, annotator, create=False) as project,
        tqdm(unit="doc", desc="export", disable=None, leave=False) as bar,
    ):
        _refuse_unknown(project, only_annotators, labels)
        report = run_export(
            project, fmt, out, chosen=chosen, progress=lambda n: bar.update(n - bar.n), **options
        )
    if _echo_report(report.to_dict(), as_json):
        return
    for problem in report.summary():  # --json lists every item
        echo(f"not exported exactly: {problem}", err=True)
    echo(
        f"wrote {report.records} record(s), {report.spans} span(s), "
        f"{report.relations} link(s) to {out}"
    )


def _refuse_unknown(project, annotators: tuple[str, ...], labels: tuple[str, ...]) -> None:
    """A filter naming an annotator or label the project does not have is a typo, not a
    request for an empty file."""
    from annotator.store import queries

    known = queries.annotator_names(project.db)
    for name in annotators:
        if name not in known:
            raise AnnotatorError(
                f"no annotator {name!r} in this project (it has: {', '.join(known) or 'none'})"
            )
    for label in labels:
        if not project.schema.has_label(label):
            names = ", ".join(project.schema.label_names)
            raise AnnotatorError(f"no label {label!r} in this project (it has: {names})")


@cli.command()
@_common_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db_path: Path, annotator: str | None, as_json: bool) -> None:
    """Documents, spans per label, and per-annotator counts."""
    with _open_project(db_path, annotator, create=False) as project:
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
@_common_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check(db_path: Path, annotator: str | None, as_json: bool) -> None:
    """Check the file: SQLite integrity, every table and column, JSON columns, token
    arrays, every text's hash, every span's bounds."""
    from annotator.store import open_database
    from annotator.store.check import check_database

    _remember_project(db_path)
    db = open_database(db_path, create=False, allow_readonly=True)  # not the project: it
    try:  # may be too damaged to open as one
        problems, counts = check_database(db)
    finally:
        db.close()
    if _echo_report({"ok": not problems, "problems": problems, **counts}, as_json):
        sys.exit(1 if problems else 0)
    for problem in problems:
        echo(problem, err=True)
    verdict = "problems found" if problems else "ok"
    echo(
        f"{verdict}: {counts['documents']} document(s), {counts['spans']} span(s), "
        f"{counts['relations']} link(s) checked in {db_path}"
    )
    sys.exit(1 if problems else 0)


@cli.command()
@_common_options
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
def backup(db_path: Path, annotator: str | None, out: Path) -> None:
    """A consistent copy of the project, even while windows are writing to it."""
    from annotator.store import backup_database

    with _open_project(db_path, annotator, create=False) as project:
        backup_database(project.db, out)
    echo(f"backed up {db_path} to {out}")


@cli.command()
@_common_options
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
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
        _remember_project(source)
    with _open_project(out, annotator) as target:
        report = merge_into(target, list(sources))
    if _echo_report(report.to_dict(), as_json):
        return
    for line in report.schema_differences + report.notes:
        echo(line, err=True)
    echo(
        f"merged {len(sources)} source(s) into {out}: {report.documents_added} new "
        f"document(s), {report.documents_matched} matched, {report.spans_added} span(s) "
        f"added ({report.spans_already_there} already there, {report.spans_updated} updated), "
        f"{report.relations_added} link(s), {report.claim_records_added} claim record(s) "
        f"({report.claim_records_updated} updated), {report.evidence_added} evidence item(s), "
        f"{report.claim_matches_added} claim match(es), {report.events_added} history event(s)"
    )
    if report.deleted:
        removed = ", ".join(f"{n} {table}" for table, n in sorted(report.deleted.items()))
        echo(f"deleted as the sources did since: {removed}")


def _part(figures: dict[str, Any], name: str) -> Any:
    return figures["overall"] if name == "overall" else figures["by_label"][name]


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{round(value, 2) + 0.0:5.2f}"  # no "-0.00"


@cli.command()
@_common_options
@click.option("--between", "annotators", multiple=True, help="Only these annotators.")
@click.option("--label", "labels", multiple=True, help="Only these labels.")
@click.option(
    "--documents",
    "show_documents",
    default=10,
    show_default=True,
    help="How many of the most contested documents to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
def agreement(
    db_path: Path,
    annotator: str | None,
    annotators: tuple[str, ...],
    labels: tuple[str, ...],
    show_documents: int,
    as_json: bool,
) -> None:
    """Inter-annotator agreement: span F1 (exact, overlap), token kappa and alpha, link F1."""
    from annotator.services.agreement import agreement as compute

    with _open_project(db_path, annotator, create=False) as project:
        _refuse_unknown(project, annotators, labels)
        report = compute(project, list(annotators) or None, list(labels) or None)
    if _echo_report(report, as_json):
        return
    if not report["pairs"]:
        echo("no document was annotated by two of these annotators")
        return
    echo(f"annotators: {', '.join(report['annotators'])} ({report['documents']} documents)")
    header = f"{'':24}{'exact F1':>9}{'overlap F1':>11}{'kappa':>7}{'alpha':>7}{'links F1':>9}"
    for pair in report["pairs"]:
        echo(f"\n{pair['a']} – {pair['b']} ({pair['documents']} documents)")
        echo(header)
        for name in ["overall", *report["labels"]]:
            links = _fmt(pair["links"]["f1"]) if name == "overall" else ""
            exact = _fmt(_part(pair["exact"], name)["f1"])
            overlap = _fmt(_part(pair["overlap"], name)["f1"])
            kappa = _fmt(_part(pair["kappa"], name))
            alpha = _fmt(_part(pair["alpha"], name))
            echo(f"  {name:<22}{exact:>9}{overlap:>11}{kappa:>7}{alpha:>7}{links:>9}")
    everyone = report["all"]
    echo(
        f"\nall annotators: Fleiss' kappa {_fmt(everyone['fleiss_kappa']['overall']).strip()} "
        f"({everyone['fleiss_kappa']['documents']} documents annotated by all), "
        f"Krippendorff's alpha {_fmt(everyone['alpha']['overall']).strip()}"
    )
    echo("\nmost contested documents (mean exact F1 over pairs):")
    for row in report["per_document"][:show_documents]:
        echo(f"  {_fmt(row['f1_exact'])}  {row['title']} (document {row['document_id']})")


@cli.command()
@_common_options
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

    with _open_project(db_path, annotator, create=False) as project:
        rows = [
            r
            for r in claim_rows(project, annotator=by_annotator)
            if (status is None or r.status == status) and (not vague or r.vague)
        ]
    if _echo_report([r.to_dict() for r in rows], as_json):
        return
    for row in rows:
        hedged = f" hedged by {', '.join(row.hedges)}" if row.hedges else ""
        echo(f"[{row.status}] {row.text}")
        echo(
            f"    {describe_sources(row) or 'no source'}{hedged}; "
            f"{row.title} {row.published}".rstrip()
        )
    echo(f"{len(rows)} claim(s)")


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
@_common_options
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
    from annotator.services.search import search as run_search

    with _open_project(db_path, annotator, create=False) as project:
        hits = run_search(
            project,
            query,
            kinds=kinds or None,
            status=status,
            outlet=outlet,
            published_from=published_from,
            published_to=published_to,
            limit=limit,
        )
    if _echo_report([h.to_dict() for h in hits], as_json):
        return
    for hit in hits:
        echo(f"{hit.kind:<8} {hit.title} (document {hit.document_id})")
        echo(f"         {' '.join(hit.snippet.split())}")
    echo(f"{len(hits)} hit(s)")


def _add_assist_commands() -> None:
    from annotator.cli_assist import patterns, suggest, train

    for command in (patterns, suggest, train):
        cli.add_command(command)


_add_assist_commands()


def _stop(signum: int, _frame: object) -> None:
    """SIGTERM stops a command like Ctrl+C: what it was writing is undone, temporary files
    removed (the transaction and ``atomic_output`` clean up on the way out)."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 still prints
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
