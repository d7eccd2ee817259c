"""What every command shares: the ``annotator`` group (one clear line for every user
error), ``--db`` and ``--annotator``, opening the project, and printing safely."""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click_default_group import DefaultGroup

from annotator import __version__
from annotator.model.errors import AnnotatorError, StoreError, printable

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


COMMANDS: dict[str, str] = {
    "gui": "project",
    "stats": "project",
    "check": "project",
    "import": "transfer",
    "export": "transfer",
    "merge": "transfer",
    "backup": "transfer",
    "restore": "transfer",
    "patterns": "assist",
    "suggest": "assist",
    "train": "assist",
    "claims": "factcheck",
    "search": "factcheck",
    "agreement": "teams",
    "install-desktop": "desktop",
}
"""Each command and the module of ``annotator.cli`` that defines it. A module is imported
when one of its commands runs (``--help`` imports them all to list them), so
``annotator --version`` imports none and a command only what it uses."""


class _Group(DefaultGroup):
    """Finds each command in its module when it is asked for (:data:`COMMANDS`), and
    turns user errors from any command into one clear line and exit code 1.

    Anything else that escapes a command is a bug in Annotator (a traceback), unless a
    project file the command opened turns out to be damaged (a dropped table or column,
    text that is not JSON in a JSON column): then that is the one line, with a pointer
    to ``annotator check``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `annotator --db FILE` (only the group's own options) opens the window too, as
        # `annotator` alone does.
        if args and _only_group_options(args):
            args = [*args, self.default_cmd_name]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # A name that is no command runs the default one with it as an argument.
        name = cmd_name if cmd_name in COMMANDS else self.default_cmd_name
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"annotator.cli.{COMMANDS[name]}")  # it registers
        return super().get_command(ctx, cmd_name)

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


def _only_group_options(args: list[str]) -> bool:
    """Whether ``args`` hold nothing but ``--db``, ``--annotator`` and their values (not
    ``--help`` or ``--version``, which answer without running a command)."""
    at = 0
    while at < len(args):
        if args[at] in ("--db", "--annotator"):
            at += 2
        elif args[at].startswith(("--db=", "--annotator=")):
            at += 1
        else:
            return False
    return at == len(args)


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


class ProjectPath(click.Path):
    """A project file's path: a database URL (``postgresql://…``) is refused before it is
    turned into a path (which would collapse ``//`` and create a folder ``postgresql:``)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            from annotator.files.safety import refuse_database_url

            try:
                refuse_database_url(value)
            except AnnotatorError as exc:
                self.fail(terminal_safe(str(exc)), param, ctx)
        return super().convert(value, param, ctx)


def project_path(db_path: Path | None) -> Path:
    """The project a command works on: its ``--db``, else ``$ANNOTATOR_DB`` (a URL there is
    refused too), else the default project in the user data folder."""
    if db_path is not None:
        return db_path
    from annotator.core.config import ENV_DB, default_db_path
    from annotator.files.safety import refuse_database_url

    refuse_database_url(os.environ.get(ENV_DB, ""))
    return default_db_path()


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` and ``--annotator`` on every command (a command's own value wins)."""

    @click.option(
        "--db",
        "db_path",
        type=ProjectPath(),
        help="Project database (default: $ANNOTATOR_DB or the user data folder).",
    )
    @click.option("--annotator", "annotator", help="Your name, recorded on every change.")
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, db_path: Path | None, annotator: str | None, **kw: Any) -> Any:
        root = ctx.find_root().params
        db_path = project_path(db_path or root.get("db_path"))
        annotator = annotator or root.get("annotator")
        if ctx.command.name not in _BULK:
            return ctx.invoke(func, db_path=db_path, annotator=annotator, **kw)
        from annotator.store.database import waiting_for_writers

        with waiting_for_writers(_say_waiting):
            return ctx.invoke(func, db_path=db_path, annotator=annotator, **kw)

    return wrapper


@click.group(cls=_Group, default="gui", default_if_no_args=True)
@click.option(
    "--db",
    "db_path",
    type=ProjectPath(),
    help="Project database (default: $ANNOTATOR_DB or the user data folder).",
)
@click.option("--annotator", "annotator", help="Your name, recorded on every change.")
@click.version_option(__version__, prog_name="annotator")
def cli(db_path: Path | None, annotator: str | None) -> None:
    """Annotate news articles: claims, sources, actors and hedges, offline."""


def remember_project(path: Path) -> None:
    """Note that the running command uses the project at ``path`` (see ``_Group``)."""
    context = click.get_current_context(silent=True)
    if context is not None and path not in (known := context.meta.setdefault(_PROJECTS, [])):
        known.append(path)


def open_project(
    db_path: Path, annotator: str | None, *, create: bool = True, reading: bool | None = None
):
    """The project for a command. Reading commands (``create=False``, unless ``reading``
    says otherwise) open it read-only: they never create, convert or grow a file."""
    from annotator.core.project import Project

    remember_project(db_path)
    if create:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        context = click.get_current_context(silent=True)
        if context is not None and not db_path.exists():
            context.meta.setdefault(_CREATED, []).append(db_path)
    reading = not create if reading is None else reading
    project = Project.open(
        db_path, annotator=annotator, create=create, allow_readonly=not create, readonly=reading
    )
    for notice in project.notices:
        echo(notice, err=True)
    return project


class RegistryChoice(click.Choice):
    """A choice among a registry's names (:class:`annotator.formats.registry.Registry`):
    a built-in name is taken as it is, so that a command run with one looks for no
    plug-ins; help and an unknown name list every name, plug-ins' too."""

    def __init__(self, registry: Any):
        self.registry = registry
        super().__init__((), case_sensitive=True)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self.registry)

    @choices.setter
    def choices(self, value: Any) -> None:  # click's __init__ sets it; the registry holds them
        pass

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and self.registry.declared(value):
            return value
        return super().convert(value, param, ctx)


class ProgressBar:
    """A tqdm bar on the terminal (none when output is not a terminal) that the core's
    callbacks drive: :meth:`total` once the count is known, :meth:`at` with the number
    done so far (the core reports totals, tqdm wants steps)."""

    def __init__(self, desc: str):
        self.bar = None
        # tqdm shows nothing off a terminal (disable=None); not importing it there saves
        # a piped or scripted command 8 ms (tqdm loads multiprocessing for its lock)
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit="doc", desc=desc, disable=None, leave=False)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def total(self, total: int) -> None:
        if self.bar is not None:
            self.bar.reset(total=total)

    def at(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)


def echo_report(report: dict[str, Any], as_json: bool) -> bool:
    """Print a report as JSON; returns whether it did."""
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))  # JSON escapes them
    return as_json


def status_option(help_text: str) -> Callable[..., Any]:
    """``--status`` (repeatable): documents with these statuses (``statuses``)."""
    from annotator.model.records import STATUSES

    return click.option(
        "--status", "statuses", multiple=True, type=click.Choice(STATUSES), help=help_text
    )
