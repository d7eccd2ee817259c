"""Model-assistance commands: ``patterns``, ``suggest``, ``train`` (registered on the
``annotator`` group in :mod:`annotator.cli`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from annotator.cli.options import (
    cli,
    common_options,
    echo,
    echo_report,
    open_project,
    status_option,
)
from annotator.model.words import counted


@cli.command()
@common_options
@click.option("--add", "add", nargs=2, metavar="LABEL PATTERN", help="Add a phrase pattern.")
@click.option(
    "--import",
    "import_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add the patterns of a Prodigy JSONL file.",
)
@click.option("--remove", nargs=2, metavar="LABEL PATTERN", help="Stop using a phrase pattern.")
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the patterns in use as Prodigy JSONL.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the patterns as JSON.")
def patterns(
    db_path: Path,
    annotator: str | None,
    add: tuple[str, str] | None,
    import_path: Path | None,
    remove: tuple[str, str] | None,
    export_path: Path | None,
    as_json: bool,
) -> None:
    """The patterns that drive suggestions (shipped ones and the project's own)."""
    from annotator.text.patterns import write_patterns

    changing = bool(add or import_path or remove)
    with open_project(db_path, annotator, create=changing) as project:
        if add:
            project.add_pattern(add[0], add[1])
            echo(f"added the {add[0]} pattern {add[1]!r}", err=True)
        if remove:
            project.remove_pattern(remove[0], remove[1])
            echo(f"removed the {remove[0]} pattern {remove[1]!r}", err=True)
        if import_path:
            change, skipped = project.import_patterns(import_path)
            echo(
                f"added {counted(len(change.rows), 'pattern')}; {skipped} already in use", err=True
            )
        used = project.patterns()
    if export_path:
        write_patterns(export_path, used)
        echo(f"wrote {counted(len(used), 'pattern')} to {export_path}", err=True)
        return
    if echo_report([p.to_json() | {"set": p.pattern_set} for p in used], as_json):
        return
    if not changing:
        for p in used:
            echo(f"{p.label:<8} {p.pattern_set:<10} {p.shown()}")


@cli.command()
@common_options
@click.option("--patterns/--no-patterns", "use_patterns", default=True, show_default=True)
@click.option(
    "--actors/--no-actors",
    default=True,
    show_default=True,
    help="Occurrences of actors annotated anywhere in the project (or --ner's entities).",
)
@click.option("--model", "model_path", help="A model folder (from `annotator train`).")
@click.option(
    "--ner",
    "ner_model",
    help="An installed spaCy pipeline whose entities (PERSON, ORG, GPE, NORP) are actors "
    "(remembered; --ner '' forgets it).",
)
@click.option(
    "--attribution/--no-attribution",
    default=True,
    show_default=True,
    help="Attribution structures in English documents: claims, sources, hedges and the "
    "links between them (cue, stance, quote).",
)
@click.option(
    "--attribution-only", is_flag=True, help="Only attribution structures (no patterns, actors)."
)
@click.option("--document", "document_ids", type=int, multiple=True, help="Only these documents.")
@status_option("Only documents with this status (for you).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def suggest(
    db_path: Path,
    annotator: str | None,
    use_patterns: bool,
    actors: bool,
    model_path: str | None,
    ner_model: str | None,
    attribution: bool,
    attribution_only: bool,
    document_ids: tuple[int, ...],
    statuses: tuple[str, ...],
    as_json: bool,
) -> None:
    """Store suggestions (never annotations) from patterns, the attribution rules and/or
    models over many documents; a model also scores how unsure it is about each document
    (triage)."""
    if attribution_only:
        if not attribution or model_path or ner_model:
            raise click.UsageError("--attribution-only goes with no other source")
        use_patterns = actors = False
    from tqdm import tqdm

    from annotator.services.model import ModelSuggester, load_pipeline, model_name
    from annotator.services.suggest import run_suggestions

    with open_project(db_path, annotator) as project:
        if ner_model is not None:
            project.set_project_value("ner_model", ner_model)
        ner_model = project.project_value("ner_model") or None
        labels = project.schema.label_names
        model = ner = None
        if model_path:
            model = ModelSuggester(
                load_pipeline(model_path),
                model_name(model_path),
                labels=labels,
                actors_from_entities=False,
            )
        if ner_model and actors:
            ner = ModelSuggester(load_pipeline(ner_model), model_name(ner_model), labels=["actor"])
        ids = list(document_ids) or [
            d.id for d in project.documents() if not statuses or d.status in statuses
        ]
        with tqdm(total=len(ids), unit="doc", desc="suggest", disable=None, leave=False) as bar:
            report = run_suggestions(
                project,
                document_ids=ids,
                patterns=use_patterns,
                actors=actors,
                model=model,
                ner=ner,
                attribution=attribution,
                progress=lambda n: bar.update(n - bar.n),
            )
    if echo_report(report.to_dict(), as_json):
        return
    found = ", ".join(f"{n} from {source}" for source, n in report.suggestions.most_common())
    links = ", ".join(f"{n} {label}" for label, n in report.links.most_common())
    echo(
        f"{counted(report.documents, 'document')} in {report.seconds:.1f} s: "
        f"{counted(sum(report.suggestions.values()), 'new suggestion')}"
        f"{': ' + found if found else ''}"
        + (
            f"; {counted(sum(report.links.values()), 'new suggested link')}: {links}"
            if links
            else ""
        )
    )


@cli.command()
@common_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The model folder (replaced when training succeeds).",
)
@click.option("--label", "labels", multiple=True, help="Only these labels.")
@click.option("--max-steps", default=600, show_default=True, help="Training updates.")
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--progress",
    "progress_format",
    type=click.Choice(["bar", "json"]),
    default="bar",
    help="json: one line per step on stdout (for the window).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def train(
    db_path: Path,
    annotator: str | None,
    output: Path,
    labels: tuple[str, ...],
    max_steps: int,
    seed: int,
    progress_format: str,
    as_json: bool,
) -> None:
    """Train a spaCy span categorizer from the project's annotations (CPU, held-out dev
    split) and report precision, recall and F1 per label on the dev split."""
    from tqdm import tqdm

    from annotator.services.training import train_spancat

    with (
        open_project(db_path, annotator) as project,
        tqdm(
            total=max_steps,
            unit="step",
            desc="train",
            disable=None if progress_format == "bar" else True,
            leave=False,
        ) as bar,
    ):

        def progress(step: int, total: int, score: float | None) -> bool:
            if progress_format == "json":
                line = {"step": step, "total": total, "dev_f1": score}
                sys.stdout.write(json.dumps(line) + "\n")
                sys.stdout.flush()
            else:
                bar.update(step - bar.n)
                if score is not None:
                    bar.set_postfix(dev_f1=f"{score:.3f}")
            return True

        report = train_spancat(
            project,
            output,
            labels=labels or None,
            max_steps=max_steps,
            seed=seed,
            progress=progress,
        )
        project.set_project_value("model_path", str(output.resolve()))  # the window's model
    if as_json or progress_format == "json":
        echo(json.dumps({"report": report.to_dict()}, ensure_ascii=False))
        return
    _print_training(report.to_dict())


def _print_training(report: dict[str, Any]) -> None:
    echo(f"{'label':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'dev spans':>9}")
    for label, s in report["labels"].items():
        echo(
            f"{label:<10} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
            f"{s['support']:>9}"
        )
    echo(f"{'all':<10} {report['precision']:>9.3f} {report['recall']:>7.3f} {report['f1']:>6.3f}")
    echo(
        f"memorising the training spans would score F1 {report['baseline_f1']:.3f}; "
        f"{report['train_documents']} train / {report['dev_documents']} dev examples, "
        f"{report['steps']} steps in {report['seconds']:.0f} s"
    )
    for note in report["notes"]:
        echo(note, err=True)
    echo(f"model saved in {report['model']}")
