"""Every command of the window in one table: menus, shortcuts and the Help → Keyboard
shortcuts list are all generated from it, so they cannot disagree.

``scope`` says where a shortcut works: ``window`` anywhere in the window, ``annotate``
when the article or the span or link list has focus (single-key shortcuts must not fire
while typing in a filter box or a note), ``article`` only in the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

from annotator.core.schema import APP_KEYS, Schema

MENUS = ("&File", "&Edit", "&Label", "&Select", "&Go", "&Document", "&Settings", "&Help")
SCOPES = {"window": "anywhere", "annotate": "article, span and link lists", "article": "article"}


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    text: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    scope: str = "window"
    help: str = ""


def _std(key: QKeySequence.StandardKey, fallback: str) -> tuple[str, ...]:
    bindings = QKeySequence.keyBindings(key)
    found = tuple(s.toString(QKeySequence.SequenceFormat.PortableText) for s in bindings)
    return found or (fallback,)


def _key(letter: str) -> str:
    assert letter in APP_KEYS  # labels may not take these keys (core.schema.APP_KEYS)
    return letter.upper()


def _spec(name, text, menu, shortcuts=(), scope="window", help=""):
    return ActionSpec(name, text, menu, tuple(shortcuts), scope, help)


def action_specs(schema: Schema) -> list[ActionSpec]:
    """The window's actions for a project with ``schema`` (label keys come from it)."""
    std = QKeySequence.StandardKey
    specs = [
        _spec(
            "import_text", "&Import text files…", "&File", ["Ctrl+I"], help="Import .txt articles"
        ),
        _spec(
            "export_prodigy",
            "&Export Prodigy JSONL…",
            "&File",
            ["Ctrl+E"],
            help="Export annotations as Prodigy JSONL",
        ),
        _spec("quit", "&Quit", "&File", _std(std.Quit, "Ctrl+Q"), help="Quit (all is saved)"),
        _spec("undo", "&Undo", "&Edit", _std(std.Undo, "Ctrl+Z"), help="Undo the last change"),
        _spec("redo", "&Redo", "&Edit", ["Ctrl+Shift+Z", "Ctrl+Y"], help="Redo"),
        _spec(
            "delete_span",
            "&Delete span",
            "&Edit",
            ["Delete", "Backspace"],
            "annotate",
            help="Delete the selected span and its links",
        ),
        _spec(
            "link",
            "&Link to…",
            "&Edit",
            [_key("l")],
            "annotate",
            help="Link the selected span to a source, hedge, actor or claim",
        ),
        _spec(
            "set_cue",
            "Set &cue from selection",
            "&Edit",
            [_key("u")],
            "annotate",
            help="Make the selected words the cue (reporting verb) of the selected link",
        ),
        _spec(
            "add_cue",
            "&Add selection to cue",
            "&Edit",
            ["Shift+U"],
            "annotate",
            help="Add the selected words to the cue (for split cues)",
        ),
        _spec(
            "delete_link",
            "Remove lin&k",
            "&Edit",
            ["Shift+Delete"],
            "annotate",
            help="Remove the selected link",
        ),
        _spec(
            "find",
            "&Find in article",
            "&Edit",
            _std(std.Find, "Ctrl+F"),
            help="Find text in the article",
        ),
        _spec("find_next", "Find &next", "&Edit", ["F3"], help="Next match"),
        _spec(
            "token_right",
            "Next token",
            "&Select",
            ["Right"],
            "article",
            help="Move the caret to the next token",
        ),
        _spec(
            "token_left",
            "Previous token",
            "&Select",
            ["Left"],
            "article",
            help="Move the caret to the previous token",
        ),
        _spec(
            "extend_right",
            "Extend by token",
            "&Select",
            ["Shift+Right"],
            "article",
            help="Extend the selection to the end of the next token",
        ),
        _spec(
            "extend_left",
            "Extend back by token",
            "&Select",
            ["Shift+Left"],
            "article",
            help="Extend the selection to the start of the previous token",
        ),
        _spec(
            "sentence_next",
            "Next sentence",
            "&Select",
            ["Ctrl+Down"],
            "article",
            help="Move the caret to the next sentence",
        ),
        _spec(
            "sentence_previous",
            "Previous sentence",
            "&Select",
            ["Ctrl+Up"],
            "article",
            help="Move the caret to the start of the sentence (or the previous one)",
        ),
        _spec(
            "extend_sentence",
            "Extend by sentence",
            "&Select",
            ["Ctrl+Shift+Down"],
            "article",
            help="Extend the selection to the end of the next sentence",
        ),
        _spec(
            "select_sentence",
            "Select &sentence",
            "&Select",
            ["Ctrl+L"],
            "article",
            help="Select the sentence holding the caret",
        ),
        _spec("next_span", "Next span", "&Go", ["Tab"], "annotate", help="Select the next span"),
        _spec(
            "previous_span",
            "Previous span",
            "&Go",
            ["Shift+Tab"],
            "annotate",
            help="Select the previous span",
        ),
        _spec(
            "inspector",
            "&Inspector",
            "&Go",
            [_key("i")],
            "annotate",
            help="Edit the selected span's attributes and note",
        ),
        _spec("article", "&Article", "&Go", ["Ctrl+1"], help="Put the keyboard in the article"),
        _spec(
            "next_document",
            "&Next document",
            "&Go",
            ["Ctrl+PgDown", "Alt+Right"],
            help="Open the next document in the list",
        ),
        _spec(
            "previous_document",
            "&Previous document",
            "&Go",
            ["Ctrl+PgUp", "Alt+Left"],
            help="Open the previous document in the list",
        ),
        _spec(
            "done_next",
            "Mark &done, next",
            "&Document",
            ["Ctrl+Return"],
            help="Mark this document done and open the next one",
        ),
        _spec(
            "skip_next",
            "Mark &skipped, next",
            "&Document",
            ["Ctrl+Shift+Return"],
            help="Skip this document and open the next one",
        ),
        _spec(
            "in_progress",
            "Mark &in progress",
            "&Document",
            ["Ctrl+Shift+P"],
            help="Reopen this document",
        ),
        _spec(
            "labels",
            "&Labels…",
            "&Settings",
            ["Ctrl+Shift+L"],
            help="Add labels or change their colour, keys and description",
        ),
        _spec("rename", "Your &name…", "&Settings", help="Change the name recorded on your work"),
        _spec("shortcuts", "&Keyboard shortcuts", "&Help", ["F1"], help="This list"),
        _spec(
            "guideline",
            "Annotation &guideline",
            "&Help",
            ["Shift+F1"],
            help="What to mark, with the sample article's hard cases",
        ),
        _spec("about", "&About Annotator", "&Help", help="Versions and licence"),
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
