"""The window's command table: every command with its menu, shortcuts, scope and help.

It lives here, without Qt, because it is also the truth about which keys commands use:
a label may not take one of them (:func:`command_of_key`, used by every path that adds
labels or keys). ``annotator.gui.actions`` builds the menus, shortcuts and the Help →
Keyboard shortcuts list from it.

``scope`` says where a shortcut works: ``window`` anywhere in the window, ``annotate``
when the article or the span or link list has focus (single-key shortcuts must not fire
while typing in a filter box or a note), ``article`` only in the article.
"""

from __future__ import annotations

from dataclasses import dataclass

MENUS = (
    "&File",
    "&Edit",
    "&View",
    "&Label",
    "&Suggest",
    "&Select",
    "&Go",
    "&Document",
    "&Tools",
    "&Settings",
    "&Help",
)
SCOPES = {
    "window": "anywhere",
    "annotate": "article, span and link lists",
    "article": "article",
    "review": "review list",
}


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    text: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    scope: str = "window"
    help: str = ""


# name, menu text, menu, shortcuts, scope, help
COMMANDS = [
    (
        "new_project",
        "&New project…",
        "&File",
        ["Ctrl+N"],
        "window",
        "Create a new, empty project file",
    ),
    ("open_project", "&Open project…", "&File", ["Ctrl+O"], "window", "Open another project file"),
    (
        "merge",
        "&Merge projects…",
        "&File",
        ["Ctrl+Shift+M"],
        "window",
        "Merge other annotators' project files (or native exports) into this project",
    ),
    (
        "import",
        "&Import…",
        "&File",
        ["Ctrl+I"],
        "window",
        "Import articles and annotations (text, HTML, Prodigy, doccano, Label Studio, brat, spaCy, "
        "CoNLL, CSV, native)",
    ),
    (
        "export",
        "&Export…",
        "&File",
        ["Ctrl+E"],
        "window",
        "Export annotations (native, Prodigy, spaCy, doccano, Label Studio, brat, CoNLL, CSV)",
    ),
    ("quit", "&Quit", "&File", ["Ctrl+Q"], "window", "Quit (everything is already saved)"),
    ("undo", "&Undo", "&Edit", ["Ctrl+Z"], "window", "Undo the last change"),
    ("redo", "&Redo", "&Edit", ["Ctrl+Shift+Z", "Ctrl+Y"], "window", "Redo"),
    (
        "delete_span",
        "&Delete span",
        "&Edit",
        ["Delete", "Backspace"],
        "annotate",
        "Delete the selected span and its links",
    ),
    (
        "link",
        "&Link to…",
        "&Edit",
        ["L"],
        "annotate",
        "Link the selected span to a source, hedge, actor or claim",
    ),
    (
        "set_cue",
        "Set &cue from selection",
        "&Edit",
        ["U"],
        "annotate",
        "Make the selected words the cue (reporting verb) of the selected link",
    ),
    (
        "add_cue",
        "&Add selection to cue",
        "&Edit",
        ["Shift+U"],
        "annotate",
        "Add the selected words to the cue (for split cues)",
    ),
    (
        "delete_link",
        "Remove lin&k",
        "&Edit",
        ["Shift+Delete"],
        "annotate",
        "Remove the selected link",
    ),
    ("find", "&Find in article", "&Edit", ["Ctrl+F"], "window", "Find text in the article"),
    ("find_next", "Find &next", "&Edit", ["F3"], "window", "Next match"),
    (
        "token_right",
        "Next token",
        "&Select",
        ["Right"],
        "article",
        "Move the caret to the next token",
    ),
    (
        "token_left",
        "Previous token",
        "&Select",
        ["Left"],
        "article",
        "Move the caret to the previous token",
    ),
    (
        "extend_right",
        "Extend by token",
        "&Select",
        ["Shift+Right"],
        "article",
        "Extend the selection to the end of the next token",
    ),
    (
        "extend_left",
        "Extend back by token",
        "&Select",
        ["Shift+Left"],
        "article",
        "Extend the selection to the start of the previous token",
    ),
    (
        "sentence_next",
        "Next sentence",
        "&Select",
        ["Ctrl+Down"],
        "article",
        "Move the caret to the next sentence",
    ),
    (
        "sentence_previous",
        "Previous sentence",
        "&Select",
        ["Ctrl+Up"],
        "article",
        "Move the caret to the start of the sentence (or the previous one)",
    ),
    (
        "extend_sentence",
        "Extend by sentence",
        "&Select",
        ["Ctrl+Shift+Down"],
        "article",
        "Extend the selection to the end of the next sentence",
    ),
    (
        "extend_sentence_back",
        "Extend back by sentence",
        "&Select",
        ["Ctrl+Shift+Up"],
        "article",
        "Extend the selection to the start of the previous sentence",
    ),
    (
        "select_sentence",
        "Select &sentence",
        "&Select",
        ["Ctrl+L"],
        "article",
        "Select the sentence holding the caret",
    ),
    ("next_span", "Next span", "&Go", ["Tab"], "annotate", "Select the next span"),
    (
        "previous_span",
        "Previous span",
        "&Go",
        ["Shift+Tab"],
        "annotate",
        "Select the previous span",
    ),
    (
        "inspector",
        "&Inspector",
        "&Go",
        ["I"],
        "annotate",
        "Edit the selected span's attributes and note",
    ),
    ("article", "&Article", "&Go", ["Ctrl+1"], "window", "Put the keyboard in the article"),
    (
        "next_document",
        "&Next document",
        "&Go",
        ["Ctrl+PgDown", "Alt+Right"],
        "window",
        "Open the next document in the list",
    ),
    (
        "previous_document",
        "&Previous document",
        "&Go",
        ["Ctrl+PgUp", "Alt+Left"],
        "window",
        "Open the previous document in the list",
    ),
    (
        "done_next",
        "Mark &done, next",
        "&Document",
        ["Ctrl+Return"],
        "window",
        "Mark this document done and open the next one",
    ),
    (
        "skip_next",
        "Mark &skipped, next",
        "&Document",
        ["Ctrl+Shift+Return"],
        "window",
        "Skip this document and open the next one",
    ),
    (
        "in_progress",
        "Mark &in progress",
        "&Document",
        ["Ctrl+Shift+P"],
        "window",
        "Reopen this document",
    ),
    (
        "details",
        "Article &details…",
        "&Document",
        ["Ctrl+Shift+D"],
        "window",
        "Edit title, outlet, author, URL and dates of the article",
    ),
    (
        "verify",
        "&Verify text",
        "&Document",
        [],
        "window",
        "Check that the stored text still matches its SHA-256",
    ),
    (
        "review",
        "&Review (adjudicate)",
        "&Tools",
        ["Ctrl+R"],
        "window",
        "Edit the gold layer: adopt annotators' versions, mark documents adjudicated",
    ),
    (
        "adopt",
        "Adopt into gold",
        "&Tools",
        ["Return", "G"],
        "review",
        "Take the selected proposal into the gold layer",
    ),
    (
        "reject",
        "Remove from gold",
        "&Tools",
        ["Delete"],
        "review",
        "Remove the selected proposal's gold version",
    ),
    (
        "claims",
        "&Claims…",
        "&Tools",
        ["Ctrl+Shift+C"],
        "window",
        "Every claim with its sources, hedges, actors and status; sources; duplicates",
    ),
    (
        "search",
        "&Search the project…",
        "&Tools",
        ["Ctrl+Shift+F"],
        "window",
        "Full-text search of articles, claims, verdicts, evidence and notes",
    ),
    (
        "accept_suggestion",
        "&Accept suggestion",
        "&Suggest",
        ["Return"],
        "article",
        "Accept the suggestion under the caret: it becomes a span (its origin says where from)",
    ),
    (
        "reject_suggestion",
        "&Reject suggestion",
        "&Suggest",
        ["X"],
        "article",
        "Reject the suggestion under the caret: it is not suggested here again",
    ),
    (
        "find_structures",
        "Find attribution &structures",
        "&Suggest",
        [],
        "window",
        "Run the attribution rules over English documents when they are shown, and suggest "
        "their claims, sources, cues, hedges and links",
    ),
    (
        "accept_structure",
        "Accept &structure",
        "&Suggest",
        ["Ctrl+Return"],
        "article",
        "With a suggestion selected (F8): accept its whole structure, the claim with its "
        "source, cue, stance, hedges and links, as one undo step (with none selected, "
        "Ctrl+Return marks the document done)",
    ),
    (
        "accept_all_suggestions",
        "Accept a&ll in this document",
        "&Suggest",
        ["Shift+Return"],
        "article",
        "Accept every suggestion shown in this document (one undo step)",
    ),
    (
        "next_suggestion",
        "&Next suggestion",
        "&Suggest",
        ["F8"],
        "annotate",
        "Select the next suggestion",
    ),
    (
        "previous_suggestion",
        "&Previous suggestion",
        "&Suggest",
        ["Shift+F8"],
        "annotate",
        "Select the previous suggestion",
    ),
    (
        "label_tags",
        "Label &tags",
        "&View",
        [],
        "window",
        "Show each span's label name above the line where it starts",
    ),
    ("show_document_list", "&Documents", "&View", [], "window", "Show or hide the document list"),
    ("show_span_list", "&Spans", "&View", [], "window", "Show or hide the list of spans"),
    ("show_link_list", "&Links", "&View", [], "window", "Show or hide the list of links"),
    ("show_inspector", "&Inspector", "&View", [], "window", "Show or hide the inspector"),
    (
        "show_suggestions",
        "&Show suggestions",
        "&Suggest",
        [],
        "window",
        "Show suggestions as dashed outlines",
    ),
    (
        "suggest_model",
        "Suggest with the &model",
        "&Suggest",
        ["Ctrl+Shift+G"],
        "window",
        "Run the trained model (and an installed entity pipeline) over this document",
    ),
    (
        "add_pattern",
        "Add &pattern from span",
        "&Suggest",
        ["Ctrl+Shift+K"],
        "annotate",
        "The selected span's text becomes a pattern suggesting its label",
    ),
    ("edit_patterns", "Pa&tterns…", "&Suggest", [], "window", "The patterns behind suggestions"),
    (
        "train",
        "&Train model…",
        "&Tools",
        [],
        "window",
        "Train a span categorizer from your annotations (CPU), with precision, recall and F1",
    ),
    (
        "agreement",
        "&Agreement…",
        "&Tools",
        ["Ctrl+Shift+A"],
        "window",
        "Agreement between annotators: span F1, kappa, alpha, per label and per document",
    ),
    (
        "edit_labels",
        "&Labels…",
        "&Settings",
        ["Ctrl+Shift+L"],
        "window",
        "Add labels or change their colour, keys and description",
    ),
    ("rename", "Your &name…", "&Settings", [], "window", "Change the name recorded on your work"),
    ("shortcuts", "&Keyboard shortcuts", "&Help", ["F1"], "window", "This list"),
    (
        "guideline",
        "Annotation &guideline",
        "&Help",
        ["Shift+F1"],
        "window",
        "What to mark, with the sample article's hard cases",
    ),
    ("about", "&About Annotator", "&Help", [], "window", "Versions and licence"),
]


def _normal(key: str) -> str:
    """A shortcut spelled one way: ``ctrl + z`` and ``Ctrl+Z`` are the same key."""
    spelled = "+".join(part.strip() for part in key.split("+")) if key != "+" else key
    return _SYNONYMS.get(spelled.upper(), spelled.upper())


_SYNONYMS = {"ENTER": "RETURN", "DEL": "DELETE", "ESC": "ESCAPE", "PGDN": "PGDOWN"}


def _command_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for _name, text, _menu, shortcuts, _scope, _help in COMMANDS:
        for shortcut in shortcuts:
            keys.setdefault(_normal(shortcut), text.replace("&", ""))
    return keys


COMMAND_KEYS = _command_keys()
"""Every shortcut of a command (spelled as :func:`_normal` does) → the command's name."""


def command_of_key(key: str) -> str | None:
    """The command that uses ``key`` as its shortcut (``None``: no command does)."""
    return COMMAND_KEYS.get(_normal(key))
