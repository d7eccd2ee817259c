"""``annotator install-desktop``: list Annotator in the desktop's applications menu."""

from __future__ import annotations

import click

from annotator.cli.options import cli, echo


@cli.command("install-desktop")
@click.option(
    "--user",
    is_flag=True,
    help="For yourself only: into $XDG_DATA_HOME (~/.local/share), no root needed. "
    "Without it, for everyone: into /usr/local/share.",
)
@click.option("--uninstall", is_flag=True, help="Remove what an earlier install wrote.")
def install_desktop(user: bool, uninstall: bool) -> None:
    """Add Annotator (its icon, desktop entry and AppStream metainfo) to the desktop's
    applications menu, started with this installation of Annotator."""
    from annotator.services import desktop

    if uninstall:
        removed = desktop.uninstall_desktop(user=user)
        for path in removed:
            echo(f"removed {path}")
        where = desktop.data_folder(user=user)
        echo(
            f"Annotator is no longer listed in {where}."
            if removed
            else f"nothing to remove in {where}"
        )
        return
    for path in desktop.install_desktop(user=user):
        echo(f"wrote {path}")
    echo(f"Annotator is in the applications menu, started with: {desktop.command_line()}")
