"""The guideline's worked example (the first sentence of the sample), annotated through the window by
keyboard only: the spans, the links, the cue and the stance."""

from PySide6.QtCore import Qt

from tests.gui.test_workbench import CLAIM, SOURCE, TEXT, choose, label, link_by_keyboard


def test_first_sentence_of_the_sample(qtbot, make_window):
    window = make_window()
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_C)
    source = label(qtbot, window, SOURCE, Qt.Key.Key_S)
    hedge = label(qtbot, window, "probably", Qt.Key.Key_H)
    soldiers = label(qtbot, window, "North Korean soldiers", Qt.Key.Key_A)
    forces = label(qtbot, window, "Russian forces", Qt.Key.Key_A)

    link_by_keyboard(qtbot, window, claim, source)
    stated = TEXT.find("stated")
    window.view.select(stated, stated + len("stated"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_U)
    choose(qtbot, window.inspector.relation_editors["stance"], "asserts")
    choose(qtbot, window.inspector.relation_editors["quote"], "indirect")
    link_by_keyboard(qtbot, window, hedge, claim)
    link_by_keyboard(qtbot, window, claim, soldiers)
    link_by_keyboard(qtbot, window, claim, forces)

    project = window.project
    spans = {(s.label, TEXT[s.start : s.end]) for s in project.spans(window.document_id)}
    assert spans == {
        ("claim", CLAIM),
        ("source", "South Korea’s defense minister"),
        ("hedge", "probably"),
        ("actor", "North Korean soldiers"),
        ("actor", "Russian forces"),
    }
    by_id = {s.id: TEXT[s.start : s.end] for s in project.spans(window.document_id)}
    relations = {
        (r.label, by_id[r.head_id], by_id[r.child_id])
        for r in project.relations(window.document_id)
    }
    assert relations == {
        ("attributed_to", CLAIM, "South Korea’s defense minister"),
        ("hedges", "probably", CLAIM),
        ("involves", CLAIM, "North Korean soldiers"),
        ("involves", CLAIM, "Russian forces"),
    }
    (attribution,) = [
        r for r in project.relations(window.document_id) if r.label == "attributed_to"
    ]
    assert attribution.attributes == {
        "cue": [[stated, stated + len("stated")]],
        "stance": "asserts",
        "quote": "indirect",
    }
    assert TEXT[stated : stated + 6] == "stated"
