"""The attribution modules import one way: records at the bottom, the facade on top, no
module reaching (at the top, inside a function or for type checking) one that reaches
back to it."""

from __future__ import annotations

from pathlib import Path

from tests.import_graph import imports_within, reachable

TEXT = Path(__file__).resolve().parents[2] / "annotator" / "text"
MODULES = sorted(p.stem for p in TEXT.glob("attribution*.py"))


def _imports(module: str) -> set[str]:
    return imports_within("text", module) & set(MODULES)


def _reachable(start: str) -> set[str]:
    return reachable("text", start) & set(MODULES)


def test_attribution_modules_import_each_other_without_a_cycle():
    assert len(MODULES) >= 8
    assert sorted(name for name in MODULES if name in _reachable(name)) == []


def test_attribution_records_are_at_the_bottom():
    assert _imports("attribution_records") == set()
    assert "attribution" not in set().union(*(_imports(m) for m in MODULES if m != "attribution"))
