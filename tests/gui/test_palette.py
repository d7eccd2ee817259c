"""The shipped label colours are told apart by everyone: every pair at least 20 apart
(CIEDE2000) with normal vision and under simulated protanopia, deuteranopia and
tritanopia (Machado et al. 2009, severity 1.0), each far enough from the light and the
dark background to be seen, the article text readable on each tint (WCAG AA, 4.5:1), and
an underline style per label besides its colour."""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from annotator.gui.article_view import CURRENT_ALPHA, ArticleView
from annotator.model.schema import default_schema

VISIONS = (None, "protan", "deutan", "tritan")
BACKGROUNDS = {"light": ("#FFFFFF", "#000000"), "dark": ("#1E1E1E", "#E6E6E6")}
COLOURS = {label.name: label.colour for label in default_schema().labels}


def _seen(colour: str, vision: str | None) -> Color:
    shown = Color(colour)
    return shown if vision is None else shown.filter(vision, 1, method="machado")


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(COLOURS, 2)))
def test_palette_labels_are_apart_for_every_vision(a, b, vision):
    distance = _seen(COLOURS[a], vision).delta_e(_seen(COLOURS[b], vision), method="2000")
    assert distance >= 20, f"{a} and {b}: {distance:.1f} apart ({vision or 'normal'})"


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("palette", BACKGROUNDS)
@pytest.mark.parametrize("label", COLOURS)
def test_palette_labels_stand_out_from_the_background(label, palette, vision):
    background, _ = BACKGROUNDS[palette]
    distance = _seen(COLOURS[label], vision).delta_e(_seen(background, vision), method="2000")
    assert distance >= 20, f"{label} on {palette}: {distance:.1f} ({vision or 'normal'})"


@pytest.mark.parametrize("palette", BACKGROUNDS)
@pytest.mark.parametrize("label", COLOURS)
def test_palette_text_is_readable_on_every_tint(label, palette):
    background, text = BACKGROUNDS[palette]
    tint = Color(background).mix(Color(COLOURS[label]), CURRENT_ALPHA / 255, space="srgb")
    assert Color(text).contrast(tint, method="wcag21") >= 4.5


def test_palette_each_label_has_its_own_underline(qapp):
    view = ArticleView()
    view.set_colours(COLOURS)
    styles = [view.bar_style(label) for label in COLOURS]
    assert len(set(styles)) == len(styles)
