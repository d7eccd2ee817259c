"""Every command of the window in one table: menus, shortcuts and the Help → Keyboard
shortcuts list are all generated from it, so they cannot disagree.

``scope`` says where a shortcut works: ``window`` anywhere in the window, ``annotate``
when the article or the span table has focus (single-key shortcuts must not fire while
typing in a filter box).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

from annotator.core.schema import Schema


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    text: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    scope: str = "window"
    help: str = ""


def _std(key: QKeySequence.StandardKey) -> tuple[str, ...]:
    return tuple(
        s.toString(QKeySequence.SequenceFormat.PortableText) for s in QKeySequence.keyBindings(key)
    )


def action_specs(schema: Schema) -> list[ActionSpec]:
    """The window's actions for a project with ``schema`` (label keys come from it)."""
    specs = [
        ActionSpec(
            "import_text", "&Import text files…", "&File", ("Ctrl+I",), help="Import .txt articles"
        ),
        ActionSpec(
            "export_prodigy",
            "&Export Prodigy JSONL…",
            "&File",
            ("Ctrl+E",),
            help="Export annotations as Prodigy JSONL",
        ),
        ActionSpec(
            "quit",
            "&Quit",
            "&File",
            _std(QKeySequence.StandardKey.Quit) or ("Ctrl+Q",),
            help="Quit (everything is already saved)",
        ),
        ActionSpec(
            "undo",
            "&Undo",
            "&Edit",
            _std(QKeySequence.StandardKey.Undo),
            help="Undo the last change",
        ),
        ActionSpec(
            "redo", "&Redo", "&Edit", ("Ctrl+Shift+Z", "Ctrl+Y"), help="Redo the change undone last"
        ),
        ActionSpec(
            "delete_span",
            "&Delete span",
            "&Edit",
            ("Delete", "Backspace"),
            "annotate",
            help="Delete the selected span and its links",
        ),
        ActionSpec(
            "find",
            "&Find in article…",
            "&Edit",
            _std(QKeySequence.StandardKey.Find),
            help="Find text in the article",
        ),
        ActionSpec(
            "next_span", "Next span", "&Go", ("Tab",), "annotate", help="Select the next span"
        ),
        ActionSpec(
            "previous_span",
            "Previous span",
            "&Go",
            ("Shift+Tab",),
            "annotate",
            help="Select the previous span",
        ),
        ActionSpec(
            "next_document",
            "&Next document",
            "&Go",
            ("Ctrl+PgDown", "Alt+Right"),
            help="Open the next document",
        ),
        ActionSpec(
            "previous_document",
            "&Previous document",
            "&Go",
            ("Ctrl+PgUp", "Alt+Left"),
            help="Open the previous document",
        ),
        ActionSpec("shortcuts", "&Keyboard shortcuts", "&Help", ("F1",), help="This list"),
        ActionSpec("about", "&About Annotator", "&Help", help="Versions and licence"),
    ]
    for label in schema.labels:
        specs.append(
            ActionSpec(
                f"label:{label.name}",
                label.name,
                "&Label",
                tuple(k.upper() if len(k) == 1 and k.isalpha() else k for k in label.keys),
                "annotate",
                help=f"Label the selection (or relabel the selected span) as {label.name}",
            )
        )
    return specs
