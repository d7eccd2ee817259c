"""Training a span categorizer from a generated project, loading it back, and its
suggestions; the messages for too few annotations and bad model folders."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project
from annotator.services.model import ModelError, ModelSuggester, load_pipeline
from annotator.services.suggest import run_suggestions
from annotator.services.training import TrainingError, read_report, train_spancat
from tests.nlp.planted import planted_project

STEPS = 150


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A planted project of 300 short documents and a model trained on it."""
    folder = tmp_path_factory.mktemp("trained")
    with Project.open(folder / "planted.db", annotator="alice") as project:
        planted_project(project, 300)
        report = train_spancat(project, folder / "model", max_steps=STEPS)
    return folder, report


pytestmark = pytest.mark.slow


def test_training_beats_memorising_the_training_spans(trained):
    _, report = trained
    assert report.f1 >= 0.8
    assert report.f1 > report.baseline_f1 + 0.15
    assert set(report.labels) == {"actor", "hedge", "source"}
    assert all(scores["support"] > 0 for scores in report.labels.values())
    assert report.dev_documents > 30 and report.train_documents > 150


def test_the_model_folder_holds_a_pipeline_and_its_report(trained):
    folder, report = trained
    assert read_report(folder / "model")["f1"] == report.f1
    nlp = load_pipeline(folder / "model")
    assert "spancat" in nlp.pipe_names


def test_model_suggestions_are_stored_with_scores_and_uncertainty(trained, tmp_path):
    folder, _ = trained
    with Project.open(tmp_path / "fresh.db", annotator="alice") as project:
        planted_project(project, 20, seed=99)  # alice's spans; bob has annotated nothing
        project.set_annotator("bob")
        suggester = ModelSuggester(load_pipeline(folder / "model"), "model")
        report = run_suggestions(
            project, model=suggester, patterns=False, actors=False, attribution=False
        )
        assert report.documents == 20 and report.suggestions["model:model"] > 40
        document = project.documents()[0].id
        found = project.suggestions(document, live=False)
        assert found and all(s.source == "model:model" and s.score >= 0.5 for s in found)
        planted = {(s.start, s.end, s.label) for s in project.spans(document, annotator="alice")}
        hits = planted & {(s.start, s.end, s.label) for s in found}
        assert len(hits) >= 0.8 * len(planted)
        assert set(project.uncertainties()) == {d.id for d in project.documents()}


def test_too_few_annotations_is_a_clear_message(project, sample_doc, tmp_path):
    with pytest.raises(TrainingError, match="too few annotated documents"):
        train_spancat(project, tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_cancelling_leaves_no_model_and_no_temporary_folder(tmp_path):
    with Project.open(tmp_path / "p.db", annotator="alice") as project:
        planted_project(project, 60)
        with pytest.raises(TrainingError, match="cancelled"):
            train_spancat(project, tmp_path / "model", max_steps=100, progress=lambda *_: False)
    assert not (tmp_path / "model").exists()
    assert not list(tmp_path.glob(".model.training-*"))


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda path: None, "neither a folder nor an installed spaCy pipeline"),
        (lambda path: path.mkdir(), "not a spaCy pipeline"),
        (lambda path: path.write_text("x"), "not a spaCy pipeline"),
        (
            lambda path: (path.mkdir(), (path / "config.cfg").write_text("[nlp]\nlang = 1")),
            "cannot load the model",
        ),
    ],
)
def test_bad_model_folders_are_refused(tmp_path, make, problem):
    path = tmp_path / "model"
    make(path)
    with pytest.raises(ModelError, match=problem):
        load_pipeline(path)


def test_an_installed_entity_pipeline_suggests_actors(tmp_path):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    person = [{"ORTH": "Kim"}, {"ORTH": "Yong-hyun"}]
    ruler.add_patterns([{"label": "PERSON", "pattern": person}])
    ruler.add_patterns([{"label": "DATE", "pattern": "Tuesday"}])
    nlp.to_disk(tmp_path / "ents")
    suggester = ModelSuggester(load_pipeline(tmp_path / "ents"), "ents", labels=["actor"])
    doc = suggester.make_doc(["Kim", "Yong-hyun", "spoke", "on", "Tuesday"], [True] * 5)
    (prediction,) = suggester.predict([doc])
    assert [(s.start, s.end, s.label, s.source) for s in prediction.suggestions] == [
        (0, 13, "actor", "model:ents")
    ]


def test_cli_train_then_suggest(trained, tmp_path):
    folder, _ = trained
    db = tmp_path / "cli.db"
    with Project.open(db, annotator="alice") as project:
        planted_project(project, 120, seed=5)
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["train", "--db", str(db), "-o", str(tmp_path / "m"), "--max-steps", "60", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["report"]
    assert set(report["labels"]) == {"actor", "hedge", "source"}
    result = runner.invoke(
        cli,
        ["suggest", "--db", str(db), "--model", str(folder / "model"), "--document", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 1
    result = runner.invoke(cli, ["suggest", "--db", str(db), "--model", str(tmp_path / "none")])
    assert result.exit_code == 1 and "neither a folder" in result.output


@pytest.mark.parametrize("kind", ["folder with files", "file", "link"])
def test_training_never_replaces_a_folder_of_other_files(project, tmp_path, kind):
    """Training replaces its output folder with the model: a folder of the user's files
    (or a file, or a link) is refused before any work, and left as it was."""
    output = tmp_path / "Documents"
    if kind == "folder with files":
        output.mkdir()
        (output / "thesis.txt").write_text("years of work", "utf-8")
    elif kind == "file":
        output.write_text("years of work", "utf-8")
    else:
        (tmp_path / "real").mkdir()
        output.symlink_to(tmp_path / "real")
    with pytest.raises(TrainingError, match="choose a new or empty folder"):
        train_spancat(project, output)
    if kind == "folder with files":
        assert (output / "thesis.txt").read_text("utf-8") == "years of work"
    elif kind == "file":
        assert output.read_text("utf-8") == "years of work"
    else:
        assert output.is_symlink()
