import pytest

from annotator.model.errors import ValidationError
from annotator.model.schema import AttributeDef, default_schema

HEDGE_DEFAULT = default_schema().label("hedge").colour  # the shipped colour


def test_set_status_and_revert(project, sample_doc):
    change = project.set_status(sample_doc, "done")
    assert project.status(sample_doc) == "done"
    project.revert(change)
    assert project.status(sample_doc) == "new"


def test_unknown_status_is_refused(project, sample_doc):
    with pytest.raises(ValidationError, match="unknown status"):
        project.set_status(sample_doc, "finished")


def test_progress_counts_statuses(project, sample_doc):
    from tests.conftest import add_document

    add_document(project, "Second article.", "two")
    project.set_status(sample_doc, "done")
    assert project.progress() == {"new": 1, "in_progress": 0, "done": 1, "skipped": 0, "total": 2}


def test_document_note_and_revert(project, sample_doc):
    change = project.set_document_note(sample_doc, "check the AFP original")
    assert project.document(sample_doc).note == "check the AFP original"
    project.revert(change)
    assert project.document(sample_doc).note == ""


def test_span_attributes_set_remove_and_revert(project, sample_doc):
    span = project.add_span(sample_doc, 54, 142, "claim").spans_added[0]
    project.set_span_attributes(span.id, {"checkworthy": True, "claim_type": "other"})
    removal = project.set_span_attributes(span.id, {"claim_type": None})
    assert project.span(span.id).attributes == {"checkworthy": True}
    project.revert(removal)
    assert project.span(span.id).attributes == {"checkworthy": True, "claim_type": "other"}


def test_span_note_revert(project, sample_doc):
    span = project.add_span(sample_doc, 80, 88, "hedge").spans_added[0]
    change = project.set_span_note(span.id, "epistemic adverb")
    assert project.span(span.id).note == "epistemic adverb"
    project.revert(change)
    assert project.span(span.id).note == ""


def test_add_label_and_use_it(project, sample_doc):
    project.add_label(
        "quote",
        "#76B7B2",
        keys=("5", "q"),
        description="Direct quotation",
        attributes=(AttributeDef("speaker_named", "bool"),),
    )
    assert project.schema.label("quote").keys == ("5", "q")
    project.add_span(sample_doc, 0, 5, "quote", attributes={"speaker_named": True})
    assert [s.label for s in project.spans(sample_doc)] == ["quote"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "claim", "colour": "#000000"}, "already has a label"),
        ({"name": "../x", "colour": "#000000"}, "path separator"),
        ({"name": "quote", "colour": "red"}, "#RRGGBB"),
        ({"name": "quote", "colour": "#000000", "keys": ("c",)}, "already used by label 'claim'"),
        ({"name": "quote", "colour": "#000000", "keys": ("l",)}, "used by the command Link"),
        ({"name": "quote", "colour": "#000000", "keys": ("ctrl",)}, "one letter or digit"),
    ],
)
def test_bad_label_is_refused(project, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        project.add_label(**kwargs)
    assert project.schema.label_names == ["claim", "source", "actor", "hedge"]


def test_update_label_colour_and_revert(project):
    change = project.update_label("hedge", colour="#AA0000", keys=("4", "h", "w"))
    assert project.schema.label("hedge").colour == "#AA0000"
    assert project.schema.label("hedge").keys == ("4", "h", "w")
    project.revert(change)
    assert project.schema.label("hedge").colour == HEDGE_DEFAULT


def test_set_category_sets_changes_removes_and_undoes(project, sample_doc):
    project.set_category(sample_doc, "politics", 1.0)
    project.set_category(sample_doc, "politics", 0.25)
    (row,) = project.db.query("SELECT annotator, label, value FROM document_categories")
    assert row == {"annotator": "alice", "label": "politics", "value": 0.25}
    project.set_category(sample_doc, "politics", None)
    assert project.db["document_categories"].count == 0
    with pytest.raises(ValidationError):
        project.set_category(sample_doc, "politics", 1.5)
    change = project.set_category(sample_doc, "war", 1.0)
    project.revert(change)
    assert project.db["document_categories"].count == 0
