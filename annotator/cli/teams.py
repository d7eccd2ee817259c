"""``annotator agreement``: inter-annotator agreement on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from annotator.cli.options import (
    cli,
    common_options,
    echo,
    echo_report,
    open_project,
)


def _part(figures: dict[str, Any], name: str) -> Any:
    return figures["overall"] if name == "overall" else figures["by_label"][name]


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{round(value, 2) + 0.0:5.2f}"  # no "-0.00"


@cli.command()
@common_options
@click.option("--between", "annotators", multiple=True, help="Only these annotators.")
@click.option("--label", "labels", multiple=True, help="Only these labels.")
@click.option(
    "--documents",
    "show_documents",
    default=10,
    show_default=True,
    help="How many of the most contested documents to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
def agreement(
    db_path: Path,
    annotator: str | None,
    annotators: tuple[str, ...],
    labels: tuple[str, ...],
    show_documents: int,
    as_json: bool,
) -> None:
    """Inter-annotator agreement: span F1 (exact, overlap), token kappa and alpha, link F1."""
    from annotator.services.agreement import agreement as compute
    from annotator.services.agreement import annotated_summary

    with open_project(db_path, annotator, create=False) as project:
        project.require_names(annotators=annotators, labels=labels)
        report = compute(project, list(annotators) or None, list(labels) or None)
    if echo_report(report, as_json):
        return
    if not report["pairs"]:
        work = annotated_summary(report)
        echo(
            "no document was annotated by two of these annotators"
            + (f" ({work})" if work else " (nothing is annotated yet)")
        )
        return
    echo(f"annotators: {', '.join(report['annotators'])} ({report['documents']} documents)")
    header = f"{'':24}{'exact F1':>9}{'overlap F1':>11}{'kappa':>7}{'alpha':>7}{'links F1':>9}"
    for pair in report["pairs"]:
        echo(f"\n{pair['a']} – {pair['b']} ({pair['documents']} documents)")
        echo(header)
        for name in ["overall", *report["labels"]]:
            links = _fmt(pair["links"]["f1"]) if name == "overall" else ""
            exact = _fmt(_part(pair["exact"], name)["f1"])
            overlap = _fmt(_part(pair["overlap"], name)["f1"])
            kappa = _fmt(_part(pair["kappa"], name))
            alpha = _fmt(_part(pair["alpha"], name))
            echo(f"  {name:<22}{exact:>9}{overlap:>11}{kappa:>7}{alpha:>7}{links:>9}")
    everyone = report["all"]
    echo(
        f"\nall annotators: Fleiss' kappa {_fmt(everyone['fleiss_kappa']['overall']).strip()} "
        f"({everyone['fleiss_kappa']['documents']} documents annotated by all), "
        f"Krippendorff's alpha {_fmt(everyone['alpha']['overall']).strip()}"
    )
    echo("\nmost contested documents (mean exact F1 over pairs):")
    for row in report["per_document"][:show_documents]:
        echo(f"  {_fmt(row['f1_exact'])}  {row['title']} (document {row['document_id']})")
