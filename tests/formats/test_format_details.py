"""Format-specific behaviour the round-trip tests do not reach."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.ingest import import_documents
from annotator.formats.export import ExportFilter
from annotator.formats.reader import detect_format, read_paths
from annotator.formats.writers import export
from annotator.model.errors import InputFileError
from annotator.model.imports import SchemaIn
from tests.conftest import add_document


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def _import(project, *paths, fmt="auto"):
    messages: list[str] = []
    schema = SchemaIn()
    records = list(read_paths(list(paths), fmt, messages, schema=schema))
    return import_documents(project, records, schema=schema), messages


def _only_document(project):
    (summary,) = project.documents()
    return project.document(summary.id), project.spans(summary.id, annotator=None)


# -- brat ------------------------------------------------------------------------------------

BRAT_TEXT = "Kim said North Korea, the regime, will probably deploy troops to Russia.\n"
BRAT_ANN = "\n".join(
    [
        "T1\tsource 0 3\tKim",
        "T2\tclaim 9 20;34 71\tNorth Korea will probably deploy troops to Russia",
        "T3\thedge 39 47\tprobably",
        "T4\tactor 65 71\tRussia",
        "E1\tDeploy:T2 Destination:T4 Agent2:T1",
        "R1\tattributed_to Arg1:T2 Arg2:T1",
        "A1\tcheckworthy T2",
        "A2\tspecificity T1 named_person",
        "#1\tAnnotatorNotes T3\tepistemic adverb",
        "N1\tReference T4 Wikipedia:123\tRussia",
    ]
)


def test_brat_discontinuous_span_is_imported_as_linked_parts(project, inbox):
    (inbox / "a.txt").write_text(BRAT_TEXT, "utf-8")
    (inbox / "a.ann").write_text(BRAT_ANN, "utf-8")
    report, messages = _import(project, inbox / "a.ann")
    document, spans = _only_document(project)
    parts = [(s.start, s.end) for s in spans if s.label == "claim"]
    assert parts == [(9, 20), (34, 71)]
    relations = {
        (
            r.label,
            document.text[project.span(r.head_id).start : project.span(r.head_id).end],
            document.text[project.span(r.child_id).start : project.span(r.child_id).end],
        )
        for r in project.relations(document.id, annotator=None)
    }
    assert ("continues", "will probably deploy troops to Russia", "North Korea") in relations
    assert ("Destination", "North Korea", "Russia") in relations
    assert ("Agent", "North Korea", "Kim") in relations  # role digits dropped
    assert ("attributed_to", "North Korea", "Kim") in relations
    by_label = {s.label: s for s in spans}
    assert by_label["source"].attributes == {"specificity": "named_person"}
    assert by_label["hedge"].note == "epistemic adverb"
    assert any("normalisation N1 not imported" in m for m in messages)
    assert "continues" in report.relation_types_added


def test_brat_export_rejoins_fragments(project, inbox, tmp_path):
    (inbox / "a.txt").write_text(BRAT_TEXT, "utf-8")
    (inbox / "a.ann").write_text(BRAT_ANN, "utf-8")
    _import(project, inbox / "a.ann")
    out = tmp_path / "out"
    export(project, "brat", out)
    (ann,) = out.glob("*.ann")
    assert "claim 9 20;34 71\tNorth Korea will probably deploy troops to Russia" in ann.read_text()
    assert (out / ann.name.replace(".ann", ".txt")).read_bytes() == BRAT_TEXT.encode()


def test_brat_bad_line_names_file_and_line(project, inbox):
    (inbox / "a.txt").write_text("Some text here.", "utf-8")
    (inbox / "a.ann").write_text(
        "T1\tclaim 0 4\tSome\nR1\tattributed_to Arg1:T1 Arg2:T9\n", "utf-8"
    )
    with pytest.raises(InputFileError, match=r"a\.ann:2: R1: refers to an unknown annotation"):
        _import(project, inbox / "a.ann")
    assert project.documents() == []


@pytest.mark.parametrize("title", ["../../escape", "/etc/passwd", "..", "a/b\\c", "CON", "\x00x"])
def test_brat_export_never_writes_outside_the_folder(project, tmp_path, title):
    from annotator.model.imports import DocumentIn

    import_documents(project, [DocumentIn(text="Some text.", title=title, where="t", statuses=[])])
    doc_id = project.documents()[0].id
    project.add_span(doc_id, 0, 4, "claim")
    out = tmp_path / "out"
    export(project, "brat", out)
    written = {
        p.resolve() for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".txt", ".ann")
    }
    assert written and all(p.parent == out.resolve() for p in written)


# -- spaCy --------------------------------------------------------------------------------------


def test_docbin_export_with_dev_split_ents_and_report(project, tmp_path):
    for n in range(10):
        doc_id = add_document(project, f"Kim said troops {n} will probably go.", f"d{n}")
        project.add_span(doc_id, 0, 3, "source")
        project.add_span(doc_id, 9, 16 + len(str(n)), "claim")  # "troops N"
        project.add_span(doc_id, 9, 15, "actor")  # nested in the claim: not an ent
        project.add_span(doc_id, 1, 3, "hedge")  # "im": not on token boundaries
    out = tmp_path / "corpus"
    report = export(project, "spacy", out, dev_fraction=0.3, ents=True)
    train = list(DocBin().from_disk(out / "train.spacy").get_docs(spacy.blank("en").vocab))
    dev = list(DocBin().from_disk(out / "dev.spacy").get_docs(spacy.blank("en").vocab))
    assert len(train) + len(dev) == 10 and train and dev
    doc = train[0]
    assert sorted(s.label_ for s in doc.spans["sc"]) == ["actor", "claim", "source"]
    assert sorted(e.label_ for e in doc.ents) == ["claim", "source"]
    assert doc.user_data["annotator"] == "alice"
    assert sum(lost.what == "span" for lost in report.lost) == 10
    assert all(lost.item[1] == "hedge" for lost in report.lost)


# -- CoNLL ---------------------------------------------------------------------------------------


def test_conll2003_file_uses_only_the_tag_column(project, inbox):
    path = inbox / "eng.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"
        "call NN I-NP O\n. . O O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n",
        "utf-8",
    )
    _import(project, path)
    document, spans = _only_document(project)
    assert document.text == "EU rejects German call .\nPeter Blackburn"
    assert {(document.text[s.start : s.end], s.label) for s in spans} == {
        ("EU", "ORG"),
        ("German", "MISC"),
        ("Peter Blackburn", "PER"),
    }


def test_conll_files_layout_writes_one_file_per_label(project, tmp_path):
    doc_id = add_document(project, "Kim said troops will probably go.", "d")
    project.add_span(doc_id, 0, 3, "source")
    project.add_span(doc_id, 21, 29, "hedge")  # "probably"
    export(project, "conll", tmp_path / "bio", layout="files")
    assert sorted(p.name for p in (tmp_path / "bio").iterdir()) == [
        "actor.conll",
        "claim.conll",
        "hedge.conll",
        "source.conll",
    ]
    assert "probably\tB-hedge" in (tmp_path / "bio" / "hedge.conll").read_text()


# -- Label Studio ------------------------------------------------------------------------------


def test_labelstudio_predictions_become_suggestions(project, inbox):
    task = {
        "data": {"text": "Kim said troops will go."},
        "annotations": [{"completed_by": 7, "result": []}],
        "predictions": [
            {
                "model_version": "ner-v1",
                "score": 0.8,
                "result": [
                    {
                        "id": "p1",
                        "type": "labels",
                        "from_name": "l",
                        "to_name": "t",
                        "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["source"]},
                    }
                ],
            }
        ],
    }
    (inbox / "t.json").write_text(json.dumps([task]), "utf-8")
    report, _ = _import(project, inbox / "t.json")
    _, spans = _only_document(project)
    assert spans == []
    rows = list(
        project.db.query('SELECT start, "end", label, source, score, status FROM suggestions')
    )
    assert rows == [
        {
            "start": 0,
            "end": 3,
            "label": "source",
            "source": "labelstudio:ner-v1",
            "score": 0.8,
            "status": "open",
        }
    ]
    assert report.suggestions_added == 1


def test_labelstudio_utf16_offsets_are_converted(project, inbox):
    text = "😀 Kim said 🇺🇦 troops will go."
    start16 = len(text[: text.find("troops")].encode("utf-16-le")) // 2
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "value": {
                            "start": start16,
                            "end": start16 + 6,
                            "text": "troops",
                            "labels": ["actor"],
                        },
                    }
                ]
            }
        ],
    }
    (inbox / "t.json").write_text(json.dumps(task), "utf-8")
    _, messages = _import(project, inbox / "t.json")
    document, (span,) = _only_document(project)
    assert document.text[span.start : span.end] == "troops"
    assert any("UTF-16" in m for m in messages)


def test_labelstudio_relation_direction_left_is_reversed(project, inbox):
    task = {
        "data": {"text": "Kim said troops will go."},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "value": {"start": 0, "end": 3, "labels": ["source"]},
                    },
                    {
                        "id": "b",
                        "type": "labels",
                        "value": {"start": 9, "end": 23, "labels": ["claim"]},
                    },
                    {
                        "type": "relation",
                        "from_id": "a",
                        "to_id": "b",
                        "direction": "left",
                        "labels": ["attributed_to"],
                    },
                ]
            }
        ],
    }
    (inbox / "t.json").write_text(json.dumps(task), "utf-8")
    _import(project, inbox / "t.json")
    document, _ = _only_document(project)
    (relation,) = project.relations(document.id, annotator=None)
    assert project.span(relation.head_id).label == "claim"


# -- doccano, CSV, HTML ------------------------------------------------------------------------


def test_doccano_text_under_data(project, inbox):
    path = inbox / "old.jsonl"
    path.write_text(json.dumps({"data": "Kim said so.", "label": [[0, 3, "source"]]}) + "\n")
    assert detect_format(path) == "doccano"
    _import(project, path)
    document, (span,) = _only_document(project)
    assert (document.text, span.label) == ("Kim said so.", "source")


def test_csv_import_and_span_export(project, inbox, tmp_path):
    path = inbox / "articles.csv"
    path.write_text(
        'title,body,outlet\nFirst,"Kim said, in Seoul, that troops went.",AFP\n', "utf-8"
    )
    _import(project, path)
    document, _ = _only_document(project)
    assert (document.title, document.text, document.meta) == (
        "First",
        "Kim said, in Seoul, that troops went.",
        {"outlet": "AFP"},
    )
    project.add_span(document.id, 0, 3, "source", attributes={"specificity": "named_person"})
    export(project, "csv", tmp_path / "spans.csv", chosen=ExportFilter())
    lines = (tmp_path / "spans.csv").read_text("utf-8").splitlines()
    assert lines[0].startswith("document_id,title,annotator,status,label,start,end,text")
    assert '"{""specificity"":""named_person""}"' in lines[1]


def test_csv_without_text_column_is_refused(project, inbox):
    path = inbox / "x.csv"
    path.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(InputFileError, match="has no text or content or body or article column"):
        _import(project, path)


HTML = """<!DOCTYPE html><html><head><title>Troops in Ukraine | Example News</title>
<meta name="author" content="Jane Reporter"><meta property="og:url" content="https://news.example/troops">
<meta property="article:published_time" content="2024-10-08"><script>alert(1)</script></head>
<body><nav>Home | World | Sport</nav><article><h1>Troops in Ukraine</h1>
<p>South Korea's defense minister stated on Tuesday that North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces.</p>
<p>Over the weekend, Ukrainian media reported a missile strike near Donetsk that resulted in the deaths of six officers, <b>according to</b> officials.</p>
<img src="http://tracker.example/pixel.png"></article><footer>© Example</footer></body></html>"""


def test_html_page_gives_article_text_and_metadata_offline(project, inbox):
    path = inbox / "page.html"
    path.write_text(HTML, "utf-8")
    assert detect_format(path) == "html"
    _import(project, path)
    document, _ = _only_document(project)
    assert "North Korean soldiers are probably engaged in combat" in document.text
    assert "according to officials" in document.text
    for markup in ("<", ">", "alert(1)", "Home | World"):
        assert markup not in document.text
    assert document.title.startswith("Troops in Ukraine")
    assert document.meta["author"] == "Jane Reporter"
    assert document.meta["published"] == "2024-10-08"
