import pytest

from annotator.core.project import Project
from annotator.model.errors import ValidationError
from annotator.model.words import counted

CLAIM = "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"


@pytest.fixture
def spans(project, sample_doc):
    text = project.document(sample_doc).text

    def add(phrase, label, occurrence=0):
        start = text.find(phrase)
        for _ in range(occurrence):
            start = text.find(phrase, start + 1)
        return project.add_span(sample_doc, start, start + len(phrase), label).spans_added[0]

    return {
        "claim": add(CLAIM, "claim"),
        "source": add("South Korea’s defense minister", "source"),
        "hedge": add("probably", "hedge"),
        "actor": add("Russian forces", "actor"),
        "claim2": add("some have already died", "claim"),
    }


@pytest.mark.parametrize(
    ("head", "child", "expected"),
    [
        ("claim", "source", ("attributed_to", "claim", "source")),
        ("source", "claim", ("attributed_to", "claim", "source")),
        ("hedge", "claim", ("hedges", "hedge", "claim")),
        ("claim", "hedge", ("hedges", "hedge", "claim")),
        ("claim", "actor", ("involves", "claim", "actor")),
        ("claim", "claim2", ("same_claim", "claim", "claim2")),
    ],
)
def test_relation_type_follows_from_labels(project, spans, head, child, expected):
    change = project.add_relation(spans[head].id, spans[child].id)
    (relation,) = change.relations_added
    by_id = {s.id: name for name, s in spans.items()}
    assert (relation.label, by_id[relation.head_id], by_id[relation.child_id]) == expected


def test_pair_not_in_schema_is_refused(project, spans):
    with pytest.raises(ValidationError, match="allows no link between a hedge and a actor"):
        project.add_relation(spans["hedge"].id, spans["actor"].id)
    assert project.relations(spans["hedge"].document_id) == []


def test_explicit_label_must_fit_the_pair(project, spans):
    with pytest.raises(ValidationError, match="no 'involves' link"):
        project.add_relation(spans["claim"].id, spans["source"].id, "involves")


def test_self_link_is_refused(project, spans):
    with pytest.raises(ValidationError, match="itself"):
        project.add_relation(spans["claim"].id, spans["claim"].id)


def test_duplicate_link_is_refused(project, spans):
    project.add_relation(spans["claim"].id, spans["source"].id)
    with pytest.raises(ValidationError, match="already linked"):
        project.add_relation(spans["source"].id, spans["claim"].id)


def test_link_across_documents_is_refused(project, spans):
    from tests.conftest import add_document

    other = add_document(project, "The ministry said so.", "other")
    source = project.add_span(other, 0, 12, "source").spans_added[0]
    with pytest.raises(ValidationError, match="same document"):
        project.add_relation(spans["claim"].id, source.id)


def test_attributed_to_stores_cue_and_stance(project, spans, sample_doc):
    text = project.document(sample_doc).text
    cue = [[text.find("stated"), text.find("stated") + len("stated")]]
    change = project.add_relation(
        spans["claim"].id, spans["source"].id, attributes={"stance": "asserts", "cue": cue}
    )
    relation = project.relation(change.relations_added[0].id)
    assert relation.attributes == {"cue": cue, "stance": "asserts"}


def test_bad_stance_is_refused(project, spans):
    with pytest.raises(ValidationError, match="stance"):
        project.add_relation(spans["claim"].id, spans["source"].id, attributes={"stance": "likes"})


def test_set_relation_attributes_and_revert(project, spans):
    relation = project.add_relation(spans["claim"].id, spans["source"].id).relations_added[0]
    change = project.set_relation_attributes(relation.id, {"stance": "denies", "quote": "direct"})
    assert project.relation(relation.id).attributes == {"quote": "direct", "stance": "denies"}
    project.revert(change)
    assert project.relation(relation.id).attributes == {}


def test_cue_outside_text_is_refused(project, spans):
    relation = project.add_relation(spans["claim"].id, spans["source"].id).relations_added[0]
    with pytest.raises(ValidationError, match="outside"):
        project.set_relation_attributes(relation.id, {"cue": [[0, 10**6]]})


def test_delete_relation_and_revert(project, spans):
    relation = project.add_relation(spans["hedge"].id, spans["claim"].id).relations_added[0]
    change = project.delete_relation(relation.id)
    assert project.relations(relation.document_id) == []
    project.revert(change)
    assert project.relations(relation.document_id) == [relation]


def test_link_options_are_nearest_first_and_skip_existing(project, spans):
    project.add_relation(spans["hedge"].id, spans["claim"].id)
    options = project.link_options(spans["claim"].id)
    names = {s.id: n for n, s in spans.items()}
    # the actor lies inside the claim (distance 0), the source 24 characters before it
    assert [(names[o.span.id], o.relation) for o in options] == [
        ("actor", "involves"),
        ("source", "attributed_to"),
        ("claim2", "same_claim"),
    ]


def test_other_annotators_spans_are_not_link_options(db_path, project, spans, sample_doc):
    with Project.open(db_path, annotator="bob") as bob:
        bob.add_span(sample_doc, 0, 30, "source")
    assert all(o.span.annotator == "alice" for o in project.link_options(spans["claim"].id))


@pytest.mark.parametrize(
    ("span", "label", "removed"),
    [
        ("claim", "actor", {"attributed_to", "hedges", "involves"}),
        ("claim", "source", {"attributed_to", "hedges", "involves"}),
        ("source", "actor", {"attributed_to"}),
        ("hedge", "claim", {"hedges"}),
        ("actor", "source", {"involves"}),
    ],
)
def test_relabel_removes_the_links_the_new_label_cannot_have(project, spans, span, label, removed):
    claim = spans["claim"].id
    project.add_relation(claim, spans["source"].id)
    project.add_relation(spans["hedge"].id, claim)
    project.add_relation(claim, spans["actor"].id)
    before = {r.label for r in project.relations(spans["claim"].document_id)}
    change = project.relabel_span(spans[span].id, label)
    assert {r.label for r in change.relations_removed} == removed
    article = "an" if label == "actor" else "a"
    assert (
        f"removing {counted(len(removed), 'link')} {article} {label} cannot have"
        in change.description
    )
    after = {r.label for r in project.relations(spans["claim"].document_id)}
    assert after == before - removed
    project.revert(change)
    assert {r.label for r in project.relations(spans["claim"].document_id)} == before
    assert project.span(spans[span].id).label == spans[span].label


def test_relabel_keeps_links_the_new_label_may_have(project, spans):
    project.add_relation(spans["claim"].id, spans["claim2"].id)  # same_claim
    change = project.relabel_span(spans["hedge"].id, "actor")
    assert change.relations_removed == [] and "removing" not in change.description


def test_check_reports_a_link_whose_ends_break_the_schema(project, spans):
    from annotator.store.check import check_database

    project.add_relation(spans["claim"].id, spans["source"].id)
    project.db.execute("UPDATE spans SET label = 'actor' WHERE id = ?", [spans["claim"].id])
    problems, _ = check_database(project.db)
    assert any("(attributed_to) goes from actor to source" in p for p in problems)
