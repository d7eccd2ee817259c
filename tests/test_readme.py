"""The README documents what exists: its keyboard table lists every shortcut of the app."""

from pathlib import Path

from annotator.model.schema import default_schema

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_keyboard_table_matches_the_action_table(qapp):
    from annotator.gui.actions import action_specs
    from annotator.gui.dialogs import shortcut_rows

    for keys, command, where in shortcut_rows(action_specs(default_schema())):
        assert f"| `{keys}` | {command} | {where} |" in README


def test_readme_starts_with_the_two_commands():
    head = README[:300]
    assert "make run" in head and "make test" in head
