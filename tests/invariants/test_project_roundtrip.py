"""The invariant behind every way out of a project and back, tested as a property.

A Hypothesis state machine builds random projects through the core operations (spans,
links, cues, attributes, notes, statuses, suggestions accepted and rejected, claim records,
evidence, matches, patterns, schema growth, settings, the gold layer, undo and redo) and
then checks, whatever it built:

- native export → import into an empty project → export gives the same bytes, and the
  same user state (every user table in portable form: ``annotator.store.portable``);
- merging the project into an empty one gives the same user state, and merging it again
  changes nothing;
- merging its native export into an empty project gives the same user state;
- a backup opens to the same user state.

The user state is built from the inventory, not from the exporter, so a table or column
the native format forgets fails here.
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from annotator.core.ingest import import_documents
from annotator.core.project import GOLD, Project
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.changes import KINDS
from annotator.model.errors import AnnotatorError
from annotator.model.imports import DocumentIn, SchemaIn
from annotator.model.records import Change, Suggestion
from annotator.services.merge import merge_into
from annotator.store import backup_database
from annotator.store.inventory import PROJECT_LOCAL, PROJECT_SETTINGS, USER_TABLES
from annotator.store.portable import user_state

WORDS = st.sampled_from(
    [
        "officials",
        "said",
        "probably",
        "may",
        "the",
        "minister",
        "stated",
        "that",
        "troops",
        "🇺🇦",
        "東京",
        "cafe\u0301",
        "“quoted”",
        "\u00a0",
        "\r\n",
        "line\u2028sep",
        "<b>x</b>",
    ]
)
ATTRIBUTION = " The minister said that troops will probably arrive."
"""A sentence the attribution rules find a structure in (claim, source, cue, hedge)."""
TEXTS = st.lists(WORDS, min_size=4, max_size=14).map(" ".join) | st.lists(
    WORDS, min_size=2, max_size=8
).map(lambda words: " ".join(words) + ATTRIBUTION)
SHORT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
ANNOTATORS = ("alice", "bob")
LABELS = ("claim", "source", "actor", "hedge")
ATTRIBUTES = {
    "claim": st.fixed_dictionaries(
        {},
        optional={
            "checkworthy": st.booleans(),
            "claim_type": st.sampled_from(["quantity", "causal", "other"]),
        },
    ),
    "source": st.fixed_dictionaries(
        {}, optional={"specificity": st.sampled_from(["named_person", "vague"])}
    ),
    "actor": st.fixed_dictionaries({}, optional={"role": st.sampled_from(["agent", "patient"])}),
    "hedge": st.fixed_dictionaries({}, optional={"strength": st.sampled_from(["possible"])}),
}


def _tables(db) -> dict[str, list[tuple]]:
    """Every user table's rows as stored (ids included: a relabelled span changes only
    its own row, although references by natural key to it change too)."""
    return {
        name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        for name in USER_TABLES
    }


class ProjectMachine(RuleBasedStateMachine):
    spans = Bundle("spans")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="roundtrip-"))
        self.project = Project.open(self.folder / "a.db", annotator="alice")
        self.documents: list[int] = []
        self.undo: list = []
        self.redo: list = []
        self.names = itertools.count()

    def _do(self, operation, *args, **kwargs):
        """Run an operation; refusals are fine (they must change nothing). What it
        changed in the user tables must be named by its change summary."""
        before = _tables(self.project.db)
        try:
            change = operation(*args, **kwargs)
        except AnnotatorError:
            assert _tables(self.project.db) == before
            return None
        after = _tables(self.project.db)
        # The history and the list of who has worked here are written by the write path
        # for every change, not by the operation.
        bookkeeping = {"events", "annotators"}
        changed = {t for t in before if t not in bookkeeping and before[t] != after[t]}
        if isinstance(change, Change):
            named = change.summary.kinds
            assert {KINDS[table] for table in changed} <= named, (change.op, changed, named)
        if change is not None and getattr(change, "rows", None):
            self.undo.append(change)
            self.redo.clear()
        return change

    @initialize(texts=st.lists(TEXTS, min_size=1, max_size=3, unique=True))
    def import_documents(self, texts):
        records = [
            DocumentIn(text=t, title=f"doc {n}", where=f"doc {n}", meta={"outlet": "Desk"})
            for n, t in enumerate(texts)
        ]
        import_documents(self.project, records)
        self.documents = [d.id for d in self.project.documents()]

    # -- spans and links ----------------------------------------------------------------

    @rule(target=spans, data=st.data(), label=st.sampled_from(LABELS))
    def add_span(self, data, label):
        document = data.draw(st.sampled_from(self.documents))
        length = len(self.project.document(document).text)
        start = data.draw(st.integers(0, length - 1))
        end = data.draw(st.integers(start + 1, min(length, start + 30)))
        attributes = data.draw(ATTRIBUTES[label])
        note = data.draw(st.sampled_from(["", "check", "<i>n</i>"]))
        change = self._do(
            self.project.add_span, document, start, end, label, attributes=attributes, note=note
        )
        return change.spans_added[0].id if change else -1

    @rule(target=spans, data=st.data(), stance=st.sampled_from(["asserts", "denies"]))
    def add_attribution(self, data, stance):
        """A claim, its source and a hedge inside it, linked as the guideline says."""
        document = data.draw(st.sampled_from(self.documents))
        length = len(self.project.document(document).text)
        cut = data.draw(st.integers(2, length - 2))
        claim = self._do(self.project.add_span, document, 0, cut, "claim")
        source = self._do(self.project.add_span, document, cut + 1, length, "source")
        hedge = self._do(self.project.add_span, document, 0, 1, "hedge")
        ids = [c.spans_added[0].id for c in (claim, source, hedge) if c is not None]
        if claim and source:
            link = self._do(self.project.add_relation, ids[0], ids[1])
            if link and link.relations_added:
                self._do(
                    self.project.set_relation_attributes,
                    link.relations_added[0].id,
                    {"stance": stance, "cue": [[cut, cut + 1]], "quote": "indirect"},
                )
        if claim and hedge:
            self._do(self.project.add_relation, ids[-1], ids[0])
        return multiple(*ids)

    @rule(span=consumes(spans))
    def delete_span(self, span):
        self._do(self.project.delete_span, span)

    @rule(span=spans, label=st.sampled_from(LABELS))
    def relabel(self, span, label):
        self._do(self.project.relabel_span, span, label)

    @rule(span=spans, note=SHORT)
    def note(self, span, note):
        self._do(self.project.set_span_note, span, note)

    @rule(span=spans, data=st.data())
    def attributes(self, span, data):
        with contextlib.suppress(AnnotatorError):
            label = self.project.span(span).label
            self._do(self.project.set_span_attributes, span, data.draw(ATTRIBUTES[label]))

    @rule(head=spans, child=spans, stance=st.sampled_from(["asserts", "denies"]))
    def link(self, head, child, stance):
        change = self._do(self.project.add_relation, head, child)
        if change and change.relations_added:
            relation = change.relations_added[0]
            with contextlib.suppress(AnnotatorError):
                span = self.project.span(relation.child_id)
                cue = [[span.start, span.end]]
                self._do(
                    self.project.set_relation_attributes,
                    relation.id,
                    {"stance": stance, "cue": cue} if relation.label == "attributed_to" else {},
                )

    @rule(data=st.data())
    def unlink(self, data):
        relations = [r for d in self.documents for r in self.project.relations(d, annotator=None)]
        if relations:
            self._do(self.project.delete_relation, data.draw(st.sampled_from(relations)).id)

    # -- documents ----------------------------------------------------------------------

    @rule(data=st.data(), status=st.sampled_from(["in_progress", "done", "skipped"]))
    def status(self, data, status):
        self._do(self.project.set_status, data.draw(st.sampled_from(self.documents)), status)

    @rule(data=st.data(), note=SHORT)
    def document_note(self, data, note):
        self._do(self.project.set_document_note, data.draw(st.sampled_from(self.documents)), note)

    @rule(data=st.data(), author=SHORT.filter(str.strip))
    def document_meta(self, data, author):
        document = data.draw(st.sampled_from(self.documents))
        self._do(self.project.set_document_meta, document, author=author, published="2024-10-30")

    @rule(
        data=st.data(),
        label=st.sampled_from(["politics", "war", "<i>c</i>"]),
        value=st.one_of(st.none(), st.sampled_from([0.0, 1.0]), st.floats(0, 1)),
    )
    def category(self, data, label, value):
        document = data.draw(st.sampled_from(self.documents))
        self._do(self.project.set_category, document, label, value)

    @rule(who=st.sampled_from([*ANNOTATORS, GOLD]))
    def switch_layer(self, who):
        if who == GOLD:
            self.project.layer = GOLD
        else:
            self.project.set_annotator(who)
            self.project.layer = who

    @precondition(lambda self: self.project.layer == GOLD)
    @rule(span=spans)
    def adopt(self, span):
        self._do(self.project.adopt, [span])

    # -- suggestions and patterns -------------------------------------------------------

    @rule(data=st.data(), accept=st.booleans())
    def decide_suggestion(self, data, accept):
        document = data.draw(st.sampled_from(self.documents))
        found = self.project.suggestions(document)
        if found:
            chosen = data.draw(st.sampled_from(found))
            operation = self.project.accept_suggestion if accept else self.project.reject_suggestion
            self._do(operation, document, chosen)

    @rule(data=st.data())
    def store_attribution_structures(self, data):
        from annotator.text.attribution import extract_attributions, to_layers

        document = data.draw(st.sampled_from(self.documents))
        text = self.project.document(document).text
        self._do(self.project.store_structures, {document: to_layers(extract_attributions(text))})

    @rule(data=st.data())
    def accept_structure(self, data):
        document = data.draw(st.sampled_from(self.documents))
        linked = {end for k in self.project.suggested_links(document) for end in (k.head, k.child)}
        found = [s for s in self.project.suggestions(document) if s.place in linked]
        if found:
            self._do(self.project.accept_structure, document, data.draw(st.sampled_from(found)))

    @rule(data=st.data(), score=st.floats(0, 1))
    def store_model_suggestion(self, data, score):
        document = data.draw(st.sampled_from(self.documents))
        length = len(self.project.document(document).text)
        start = data.draw(st.integers(0, length - 1))
        found = [Suggestion(start, min(length, start + 3), "actor", "model:test", score)]
        self._do(self.project.store_suggestions, document, found, replace_sources=("model:test",))

    @rule(phrase=st.sampled_from(["the minister", "troops", "officials said"]))
    def add_pattern(self, phrase):
        self._do(self.project.add_pattern, "actor", phrase)

    @rule(pattern=st.sampled_from(["probably", "may", "the minister"]))
    def remove_pattern(self, pattern):
        label = "actor" if pattern == "the minister" else "hedge"
        self._do(self.project.remove_pattern, label, pattern)

    # -- fact-checking ------------------------------------------------------------------

    def _claims(self) -> list[int]:
        return [
            r["id"] for r in self.project.db.query("SELECT id FROM spans WHERE label = 'claim'")
        ]

    @precondition(lambda self: self._claims())
    @rule(
        data=st.data(),
        status=st.sampled_from(["in_progress", "false", "verified", "disputed"]),
        verdict=SHORT,
    )
    def claim_record(self, data, status, verdict):
        if status == "disputed":
            self.project.add_claim_status("disputed")
        self._do(
            self.project.set_claim_record,
            data.draw(st.sampled_from(self._claims())),
            status=status,
            verdict=verdict,
            normalized="Troops are in combat",
            rating="False",
            assignee="carol",
        )

    @precondition(lambda self: self._claims())
    @rule(data=st.data(), stance=st.sampled_from(["supports", "refutes", "context"]), quote=SHORT)
    def evidence(self, data, stance, quote):
        self._do(
            self.project.add_evidence,
            data.draw(st.sampled_from(self._claims())),
            "https://example.org/e",
            stance=stance,
            quote=quote,
            retrieved="2024-11-01",
        )

    @rule(data=st.data())
    def remove_evidence(self, data):
        rows = list(self.project.db.query("SELECT id FROM evidence"))
        if rows:
            self._do(self.project.delete_evidence, data.draw(st.sampled_from(rows))["id"])

    @precondition(lambda self: len(self._claims()) > 1)
    @rule(data=st.data(), state=st.sampled_from(["suggested", "confirmed", "rejected"]))
    def match(self, data, state):
        main, other = data.draw(
            st.lists(st.sampled_from(self._claims()), min_size=2, max_size=2, unique=True)
        )
        self._do(self.project.set_match, main, other, state, 0.9)

    # -- schema and settings ------------------------------------------------------------

    @rule(colour=st.sampled_from(["#112233", "#AABBCC"]), key=st.sampled_from(["q", "w", "9"]))
    def add_label(self, colour, key):
        name = f"extra{next(self.names)}"
        self._do(self.project.add_label, name, colour, keys=(key,), description="<b>new</b>")

    @rule(label=st.sampled_from(LABELS), colour=st.sampled_from(["#123456", "#654321"]))
    def recolour(self, label, colour):
        self._do(self.project.update_label, label, colour=colour, description="changed")

    @rule(
        key=st.sampled_from(["publisher", "review_url", "ner_model"]),
        value=SHORT.filter(str.strip),
    )
    def setting(self, key, value):
        self.project.set_project_value(key, value)

    # -- undo and redo ------------------------------------------------------------------

    @precondition(lambda self: self.undo)
    @rule()
    def undo_last(self):
        change = self.undo.pop()
        with contextlib.suppress(AnnotatorError):
            self.project.revert(change)
            self.redo.append(change)

    @precondition(lambda self: self.redo)
    @rule()
    def redo_last(self):
        change = self.redo.pop()
        with contextlib.suppress(AnnotatorError):
            self.undo.append(self.project.reapply(change))

    @invariant()
    def every_link_obeys_the_schema(self):
        from annotator.store.check import _LINKS_AGAINST_SCHEMA

        assert self.project.db.execute(_LINKS_AGAINST_SCHEMA).fetchall() == []

    @invariant()
    def project_keys_are_declared(self):
        keys = {row["key"] for row in self.project.db.query("SELECT key FROM project")}
        assert keys <= set(PROJECT_SETTINGS) | set(PROJECT_LOCAL)

    # -- the round trips ----------------------------------------------------------------

    def teardown(self):
        try:
            self._check_round_trips()
        finally:
            self.project.close()

    def _check_round_trips(self):
        source = self.project
        expected = user_state(source.db, source.uuid)
        first = self.folder / "first.jsonl"
        export(source, "native", first)

        with Project.open(self.folder / "imported.db", annotator="importer") as imported:
            schema = SchemaIn()
            records = list(read_paths([first], "auto", [], schema=schema))
            import_documents(imported, records, schema=schema)
            assert user_state(imported.db, imported.uuid) == expected
            second = self.folder / "second.jsonl"
            export(imported, "native", second)
        assert second.read_bytes() == first.read_bytes()

        with Project.open(self.folder / "merged.db", annotator="lead") as merged:
            merge_into(merged, [source.path])
            assert user_state(merged.db, merged.uuid) == expected
            changes = merged.db.conn.total_changes
            again = merge_into(merged, [source.path])
            assert merged.db.conn.total_changes == changes, again
            assert user_state(merged.db, merged.uuid) == expected

        with Project.open(self.folder / "from-jsonl.db", annotator="lead") as merged:
            merge_into(merged, [first])
            assert user_state(merged.db, merged.uuid) == expected

        backup_database(source.db, self.folder / "backup.db")
        with Project.open(self.folder / "backup.db", annotator="x") as copy:
            assert user_state(copy.db, source.uuid) == expected


ProjectMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_project_round_trips = pytest.mark.slow(ProjectMachine.TestCase)
