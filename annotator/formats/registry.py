"""Registries of pluggable parts, by name: what ``--format`` offers.

A registry maps a name to a ``"module:function"`` path, imported on first use, so that
listing the formats (``annotator export --help``) imports none of them. Parts from other
packages register through entry points (``[project.entry-points."annotator.writers"]``
in ``pyproject.toml``): the fact-checking exports of ``annotator.services`` do so, as a
plug-in would, because a format module never imports the layers above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from importlib import import_module
from typing import Any


class Registry(Mapping[str, Callable[..., Any]]):
    """Names → callables, loaded on first use (a ``Mapping``: ``list(registry)`` gives
    the names in the order they were registered, built-in ones first)."""

    def __init__(self, group: str, builtins: dict[str, str]):
        self.group = group
        self._paths = dict(builtins)
        self._loaded: dict[str, Callable[..., Any]] = {}

    @cached_property
    def _plugins(self) -> dict[str, str]:
        from importlib.metadata import entry_points  # 8 ms: when the names are first asked

        return {point.name: point.value for point in entry_points(group=self.group)}

    def _all(self) -> dict[str, str]:
        return {**self._paths, **{k: v for k, v in self._plugins.items() if k not in self._paths}}

    def declared(self, name: str) -> bool:
        """Whether ``name`` is built in or registered here: known without looking for
        plug-ins (which reads every installed package's entry points)."""
        return name in self._paths

    def register(self, name: str, path: str) -> None:
        """Add (or replace) ``name``, implemented by ``path`` (``"module:function"``)."""
        self._paths[name] = path
        self._loaded.pop(name, None)

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if name not in self._loaded:
            # plug-ins looked for only for a name not declared here; KeyError for an
            # unknown name, as a Mapping does
            path = self._paths[name] if name in self._paths else self._all()[name]
            module, _, attribute = path.partition(":")
            self._loaded[name] = getattr(import_module(module), attribute)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
