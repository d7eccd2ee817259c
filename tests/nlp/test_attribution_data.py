"""The attribution extractor's data: the test set and its figures, the gold format, the
scoring, rule data a user extends, and the optional dependency parse."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import orjson
import pytest

from annotator.model.errors import InputFileError
from annotator.shipped import attribution_folder
from annotator.text.attribution import Attribution, extract_attributions, load_resources
from annotator.text.attribution_eval import TARGETS, match_overlapping, score
from annotator.text.attribution_gold import load_gold, load_gold_folder, parse_gold

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "attribution"


@pytest.fixture(scope="module")
def dev_figures():
    articles = load_gold_folder(GOLD / "dev")
    return score((a, extract_attributions(a.text, a.lang)) for a in articles).figures()


def test_attribution_test_set_has_ten_articles_with_every_shape():
    articles = load_gold_folder(GOLD / "dev")
    assert len(articles) >= 10
    assert len({a.style for a in articles}) >= 8
    rules = {s.rule for a in articles for s in extract_attributions(a.text)}
    for shape in (
        "source-cue-that-claim",
        "claim-source-cue",
        "claim-cue-source",
        "according-source-claim",
        "quote-source-cue",
        "quote-cue-source",
        "source-cue-quote",
        "quote-continued",
        "source-cue-object-that-claim",
        "it-is-believed-that",
        "is-said-to",
        "denial-of-previous-claim",
    ):
        assert shape in rules


@pytest.mark.parametrize("figure", sorted(TARGETS))
def test_attribution_figures_on_the_test_set_meet_the_targets(dev_figures, figure):
    assert dev_figures[figure] >= TARGETS[figure]


@pytest.mark.parametrize("figure", sorted(TARGETS))
def test_attribution_figures_on_the_sample_meet_the_targets(figure):
    sample = load_gold(GOLD / "sample.json")
    figures = score([(sample, extract_attributions(sample.text))]).figures()
    assert figures[figure] >= TARGETS[figure]


def test_attribution_gold_sample_encodes_the_worked_example():
    sample = load_gold(GOLD / "sample.json")
    text = sample.text
    first = sample.attributions[0].texts(text)
    assert first["claim"].startswith("North Korean soldiers are probably engaged")
    assert (first["source"], first["cue"], first["hedges"]) == (
        "South Korea’s defense minister",
        "stated",
        ["probably"],
    )
    missiles = [s for s in sample.attributions if text[slice(*s.claim)].startswith("Russian")]
    assert [(s.stance, s.texts(text)["cue"]) for s in missiles] == [
        ("asserts", "have stated"),
        ("denies", "have dismissed"),
    ]


def _gold(**item):
    data = {"paragraphs": ["Kim said the plan had failed. Kim said it again."]}
    data["attributions"] = [{"claim": "[the plan had failed]", "source": "[Kim] said the"} | item]
    return data


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"cue": "said"}, "'said' must occur exactly once"),
        ({"cue": "Kim [said] the", "stance": "agrees"}, "unknown stance 'agrees'"),
        ({"cue": "Kim [said] the", "quote": "partly"}, "unknown quote kind 'partly'"),
        ({"cue": "Kim [said] the", "hedges": ["perhaps"]}, "'perhaps' must occur"),
    ],
)
def test_attribution_gold_refs_must_be_unambiguous(item, message):
    with pytest.raises(ValueError, match=message):
        parse_gold(_gold(**item))


def test_attribution_gold_brackets_give_offsets_and_discontinuous_cues():
    gold = parse_gold(
        {
            "paragraphs": ["Officials have long warned that the dam may fail."],
            "attributions": [
                {
                    "claim": "the dam may fail",
                    "source": "Officials",
                    "cue": "[have] long [warned]",
                    "hedges": ["may"],
                }
            ],
        }
    )
    (structure,) = gold.attributions
    assert structure.texts(gold.text)["cue"] == "have … warned"
    assert structure.hedges == ((gold.text.index("may"), gold.text.index("may") + 3),)


def test_attribution_gold_file_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(orjson.dumps(_gold(cue="said")))
    with pytest.raises(InputFileError, match=r"bad\.json.*attribution 1"):
        load_gold(path)


def test_attribution_scoring_exact_and_overlap():
    gold = parse_gold(_gold(cue="Kim [said] the"))
    (g,) = gold.attributions
    shifted = Attribution((g.claim[0] + 4, g.claim[1]), g.source, g.cue, stance="denies")
    figures = score([(gold, [shifted])]).figures()
    assert figures["claim exact F1"] == 0.0
    assert figures["claim overlap F1"] == 1.0
    assert figures["link F1"] == 1.0
    assert figures["stance accuracy"] == 0.0
    assert score([(gold, list(gold.attributions))]).figures()["claim exact F1"] == 1.0


def test_attribution_overlap_matching_is_one_to_one():
    pairs = match_overlapping({(0, 10), (12, 20)}, {(0, 20)})
    assert len(pairs) == 1


def test_attribution_a_link_needs_both_ends_to_overlap():
    gold = parse_gold(_gold(cue="Kim [said] the"))
    (g,) = gold.attributions
    wrong_source = Attribution(g.claim, (g.claim[1] + 1, g.claim[1] + 3), g.cue)
    assert score([(gold, [wrong_source])]).figures()["link F1"] == 0.0


def _copy_resources(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shipped = attribution_folder()
    with resources.as_file(shipped) as source:
        shutil.copytree(source, folder)
    return folder


def test_attribution_rule_data_can_be_extended(tmp_path):
    folder = _copy_resources(tmp_path)
    text = "The farmer grumbled that prices were far too low."
    assert extract_attributions(text, resources=load_resources(str(folder))) == []
    with (folder / "cues.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"lemma": "grumble", "forms": ["grumbled"], "stance": "asserts"}\n')
    (found,) = extract_attributions(text, resources=load_resources(str(folder)))
    assert found.texts(text)["claim"] == "prices were far too low"


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("cues.jsonl", '{"lemma": "x"}', "cues.jsonl:{next}: not a cue entry"),
        ("cues.jsonl", '{"lemma": "x", "forms": ["x"], "stance": "maybe"}', "unknown stance"),
        ("patterns.jsonl", '{"label": "CUE", "pattern": [{"LOWR": "x"}]}', "patterns.jsonl:{next}"),
    ],
)
def test_attribution_bad_rule_data_is_one_clear_error(tmp_path, name, line, message):
    folder = _copy_resources(tmp_path)
    shipped_lines = len((folder / name).read_text(encoding="utf-8").splitlines())
    message = message.format(next=shipped_lines + 1)  # the line appended below
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(InputFileError, match=message):
        load_resources(str(folder))


def test_attribution_missing_rule_file_is_one_clear_error(tmp_path):
    folder = _copy_resources(tmp_path)
    (folder / "rules.json").unlink()
    with pytest.raises(InputFileError, match=r"rules\.json: cannot read"):
        load_resources(str(folder))


# -- the dependency parse -------------------------------------------------------------

PARSED = "The minister and her deputy said that taxes would rise."
# heads and labels as an English parser gives them (the stand-in below sets them)
HEADS = [1, 5, 1, 4, 1, 5, 9, 9, 9, 5, 5]
DEPS = ["det", "nsubj", "cc", "poss", "conj", "ROOT", "mark", "nsubj", "aux", "ccomp", "punct"]


def _stand_in_parser():
    """A pipeline whose only component sets a fixed dependency parse: no trained
    model is installed here, and none is downloaded."""
    import spacy
    from spacy.language import Language

    name = "attribution_test_parser"
    if name not in Language.factories:

        @Language.component(name)
        def parse(doc):
            if doc.text == PARSED:
                for token, head, dep in zip(doc, HEADS, DEPS, strict=True):
                    token.head = doc[head]
                    token.dep_ = dep
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe(name)
    return nlp


def test_attribution_without_a_parser_uses_tokens_and_punctuation():
    (found,) = extract_attributions(PARSED)
    assert found.texts(PARSED)["source"] == "her deputy"


def test_attribution_uses_the_parse_of_a_given_pipeline():
    (found,) = extract_attributions(PARSED, nlp=_stand_in_parser())
    assert found.texts(PARSED)["source"] == "The minister and her deputy"
    assert found.texts(PARSED)["claim"] == "taxes would rise"


def test_attribution_a_pipeline_without_a_parser_changes_nothing():
    import spacy

    text = load_gold(GOLD / "sample.json").text
    assert extract_attributions(text, nlp=spacy.blank("en")) == extract_attributions(text)


def test_attribution_installed_pipelines_are_optional():
    import spacy

    installed = spacy.util.get_installed_models()
    if not installed:
        pytest.skip("no spaCy pipeline is installed (none is downloaded by the tests)")
    nlp = spacy.load(installed[0])
    text = "The minister said that taxes would rise."
    (found,) = extract_attributions(text, nlp=nlp)
    assert found.texts(text)["claim"] == "taxes would rise"
