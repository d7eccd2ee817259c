"""Bulk writes: the page cache a sorting statement runs with."""

from __future__ import annotations

import pytest

from annotator.store.bulk import small_cache


def _cache_size(project) -> int:
    return project.db.execute("PRAGMA cache_size").fetchone()[0]


def test_small_cache_holds_the_cache_for_the_block_and_puts_it_back(project):
    before = _cache_size(project)
    with small_cache(project.db, kib=2048):
        assert _cache_size(project) == -2048
    assert _cache_size(project) == before != -2048


def test_small_cache_puts_the_cache_back_when_the_block_fails(project):
    before = _cache_size(project)
    with pytest.raises(ValueError), small_cache(project.db):
        raise ValueError("a statement failed")
    assert _cache_size(project) == before
