"""Every table a project file has is declared as user data, derived or system, and every
column of a user table is declared: a new table or column cannot slip past the native
export, merge and backup unnoticed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.store.inventory import REFERENCES, USER, USER_TABLES, kind_of
from annotator.store.rows import KEY_COLUMNS

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(params=["new", "upgraded"])
def any_project(request, tmp_path):
    """A new project, and one upgraded from the first released schema."""
    path = tmp_path / "p.db"
    if request.param == "upgraded":
        shutil.copy(FIXTURES / "schema_m001.db", path)
    with Project.open(path, annotator="alice") as project:
        yield project


def _tables(project: Project) -> list[str]:
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    return [row[0] for row in project.db.execute(sql)]


def _columns(project: Project, table: str) -> set[str]:
    return {row[1] for row in project.db.execute(f'PRAGMA table_info("{table}")')}


def test_inventory_declares_every_table(any_project):
    undeclared = [t for t in _tables(any_project) if kind_of(t) is None]
    assert undeclared == [], "declare these in annotator/store/inventory.py"


def test_inventory_declares_every_column_of_user_tables(any_project):
    for table in _tables(any_project):
        if kind_of(table) == USER:
            assert _columns(any_project, table) == USER_TABLES[table].columns, table


def test_inventory_lists_every_user_table_that_exists(any_project):
    assert set(USER_TABLES) <= set(_tables(any_project))


def test_inventory_declares_every_reference_by_id(any_project):
    """Foreign keys to local ids need translating between files; those to names (labels,
    annotators) mean the same everywhere."""
    for table in _tables(any_project):
        for row in any_project.db.execute(f'PRAGMA foreign_key_list("{table}")'):
            parent, column = row[2], row[3]
            if USER_TABLES[parent].own_id is not None:
                assert REFERENCES.get(table, {}).get(column) == parent, (table, column)
            else:
                assert column not in REFERENCES.get(table, {}), (table, column)


def test_inventory_knows_every_table_that_changes_record(any_project):
    assert set(KEY_COLUMNS) - set(USER_TABLES) <= {"document_uncertainty"}
    for name, spec in USER_TABLES.items():
        if spec.own_id and name in KEY_COLUMNS:
            assert KEY_COLUMNS[name] == (spec.own_id,)


@pytest.mark.parametrize("table", sorted(USER_TABLES))
def test_inventory_natural_keys_are_columns(table):
    spec = USER_TABLES[table]
    assert set(spec.natural_key) <= spec.columns
    for column, target in spec.references.items():
        assert USER_TABLES[target].own_id, (table, column)
