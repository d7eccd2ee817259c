import pytest

from annotator.core.project import Project
from annotator.model.errors import ConflictError, DuplicateSpanError, NotFoundError, ValidationError
from annotator.model.records import dumps_json
from annotator.store import queries


def test_add_span_stores_offsets_and_annotator(project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge")
    (span,) = project.spans(sample_doc)
    assert (span.start, span.end, span.label, span.annotator) == (80, 88, "hedge", "alice")
    assert change.spans_added == [span]


def test_add_span_marks_document_in_progress(project, sample_doc):
    assert project.status(sample_doc) == "new"
    project.add_span(sample_doc, 80, 88, "hedge")
    assert project.status(sample_doc) == "in_progress"


def test_revert_first_span_restores_new_status(project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge")
    project.revert(change)
    assert project.spans(sample_doc) == []
    assert project.status(sample_doc) == "new"


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 3), (5, 5), (6, 5), (0, 10**6)],
    ids=["negative", "empty", "reversed", "past-end"],
)
def test_add_span_refuses_bad_offsets(project, sample_doc, start, end):
    with pytest.raises(ValidationError, match="outside the document"):
        project.add_span(sample_doc, start, end, "claim")
    assert project.spans(sample_doc) == []


def test_add_span_refuses_unknown_label(project, sample_doc):
    with pytest.raises(ValidationError, match="unknown label 'person'"):
        project.add_span(sample_doc, 0, 5, "person")


def test_add_span_refuses_duplicate(project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    with pytest.raises(DuplicateSpanError, match="already labelled 'hedge'"):
        project.add_span(sample_doc, 80, 88, "hedge")
    assert len(project.spans(sample_doc)) == 1


def test_same_offsets_with_other_label_is_allowed(project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    project.add_span(sample_doc, 80, 88, "claim")
    assert sorted(s.label for s in project.spans(sample_doc)) == ["claim", "hedge"]


def test_same_span_by_another_annotator_is_allowed(db_path, project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    with Project.open(db_path, annotator="bob") as bob:
        bob.add_span(sample_doc, 80, 88, "hedge")
        assert len(bob.spans(sample_doc, annotator=None)) == 2


def test_add_span_refuses_unknown_document(project):
    with pytest.raises(NotFoundError):
        project.add_span(999, 0, 1, "claim")


def test_add_span_refuses_unknown_attribute(project, sample_doc):
    with pytest.raises(ValidationError, match="no attribute 'colour'"):
        project.add_span(sample_doc, 0, 5, "claim", attributes={"colour": "red"})


def test_add_span_refuses_bad_attribute_value(project, sample_doc):
    with pytest.raises(ValidationError, match="claim_type"):
        project.add_span(sample_doc, 0, 5, "claim", attributes={"claim_type": "opinion"})


def test_delete_span_then_revert_restores_it_with_same_id(project, sample_doc):
    added = project.add_span(sample_doc, 80, 88, "hedge").spans_added[0]
    change = project.delete_span(added.id)
    assert project.spans(sample_doc) == []
    project.revert(change)
    assert project.spans(sample_doc) == [added]


def test_delete_span_removes_relations_and_revert_restores_them(project, sample_doc):
    claim = project.add_span(sample_doc, 54, 142, "claim").spans_added[0]
    hedge = project.add_span(sample_doc, 80, 88, "hedge").spans_added[0]
    project.db["relations"].insert(
        {
            "document_id": sample_doc,
            "head_id": hedge.id,
            "child_id": claim.id,
            "label": "hedges",
            "annotator": "alice",
            "attributes": "{}",
            "created": "t",
            "updated": "t",
        }
    )
    change = project.delete_span(claim.id)
    assert [r.label for r in change.relations_removed] == ["hedges"]
    assert project.relations(sample_doc) == []
    project.revert(change)
    assert [(r.head_id, r.child_id) for r in project.relations(sample_doc)] == [
        (hedge.id, claim.id)
    ]


def test_relabel_span_changes_label_and_keeps_offsets(project, sample_doc):
    span = project.add_span(sample_doc, 0, 30, "actor").spans_added[0]
    project.relabel_span(span.id, "source")
    (after,) = project.spans(sample_doc)
    assert (after.id, after.start, after.end, after.label) == (span.id, 0, 30, "source")


def test_relabel_span_drops_attributes_the_new_label_lacks(project, sample_doc):
    span = project.add_span(
        sample_doc, 0, 30, "source", attributes={"specificity": "named_role"}
    ).spans_added[0]
    project.relabel_span(span.id, "actor")
    assert project.span(span.id).attributes == {}


def test_relabel_onto_existing_span_is_refused(project, sample_doc):
    project.add_span(sample_doc, 0, 30, "source")
    actor = project.add_span(sample_doc, 0, 30, "actor").spans_added[0]
    with pytest.raises(DuplicateSpanError):
        project.relabel_span(actor.id, "source")


def test_reapply_after_revert_redoes_with_same_rows(project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge")
    project.revert(change)
    project.reapply(change)
    assert project.spans(sample_doc) == change.spans_added


def test_revert_refuses_when_row_changed_elsewhere(db_path, project, sample_doc):
    change = project.add_span(sample_doc, 0, 30, "source")
    span_id = change.spans_added[0].id
    with Project.open(db_path, annotator="alice") as other_window:
        other_window.relabel_span(span_id, "actor")
    with pytest.raises(ConflictError, match="changed elsewhere"):
        project.revert(change)
    assert project.span(span_id).label == "actor"


def test_every_edit_is_recorded_as_an_event(project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge")
    project.revert(change)
    ops = [e["op"] for e in project.db.query("SELECT op FROM events ORDER BY id")]
    assert ops == ["import", "add_span", "undo:add_span"]
    event = next(iter(project.db.query("SELECT * FROM events WHERE op = 'add_span'")))
    assert event["annotator"] == "alice"
    assert event["document_id"] == sample_doc
    assert '"label":"hedge"' in event["rows"]


def test_failed_edit_changes_nothing(project, sample_doc):
    before = next(iter(project.db.query("SELECT count(*) AS n FROM events")))["n"]
    with pytest.raises(ValidationError):
        project.add_span(sample_doc, 0, 10**6, "claim")
    after = next(iter(project.db.query("SELECT count(*) AS n FROM events")))["n"]
    assert before == after


def test_new_project_has_default_schema(project):
    assert project.schema.label_names == ["claim", "source", "actor", "hedge"]
    assert project.schema.label("hedge").keys == ("4", "h")
    assert [r.name for r in project.schema.relations] == [
        "attributed_to",
        "hedges",
        "involves",
        "same_claim",
        "same_as",
    ]


def test_stats_counts_per_label_and_annotator(db_path, project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    project.add_span(sample_doc, 54, 142, "claim")
    with Project.open(db_path, annotator="bob") as bob:
        bob.add_span(sample_doc, 80, 88, "hedge")
    figures = project.stats()
    assert figures["documents"] == 1
    assert figures["spans_by_label"] == {"claim": 1, "hedge": 2}
    assert figures["annotators"]["alice"]["spans"] == 2
    assert figures["annotators"]["bob"]["by_label"] == {"hedge": 1}


def test_dumps_json_is_canonical():
    assert dumps_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_document_summaries_report_status_and_counts(project, sample_doc):
    project.add_span(sample_doc, 80, 88, "hedge")
    (summary,) = queries.document_summaries(project.db, "alice")
    assert (summary.span_count, summary.status) == (1, "in_progress")
    (other,) = queries.document_summaries(project.db, "bob")
    assert (other.span_count, other.status) == (0, "new")
