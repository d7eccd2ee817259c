"""The window's actions: the command table (``annotator.model.commands``) plus one action
per label, with the label's keys. Menus, shortcuts and the Help → Keyboard shortcuts list
are all generated from it, so they cannot disagree."""

from __future__ import annotations

from annotator.model.commands import COMMANDS, MENUS, SCOPES, ActionSpec
from annotator.model.schema import Schema

__all__ = ["MENUS", "SCOPES", "ActionSpec", "action_specs"]


def action_specs(schema: Schema) -> list[ActionSpec]:
    """The window's actions for a project with ``schema`` (label keys come from it)."""
    specs = [
        ActionSpec(name, text, menu, tuple(keys), scope, help_text)
        for name, text, menu, keys, scope, help_text in COMMANDS
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
