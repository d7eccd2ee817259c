"""Quality of the attribution extractor on the project's test set and the sample article.

The test set is ``tests/fixtures/attribution``: ``dev/`` (the articles the rules were
developed on), ``heldout/`` (articles written before the rules and evaluated once, at
the end) and ``sample.json`` (the bundled sample article's worked example). For each it
prints claim and source F1 (exact and overlap matching), cue exact F1, ``attributed_to``
link F1 (claim and source both overlapping), stance and quote-kind accuracy on matched
links, hedge F1 and ``same_as`` F1, with no installed pipeline; the dev figures are
shown next to the targets the rules were developed towards.

Run: ``python benchmarks/attribution.py [--set dev|heldout|sample|all] [--details]``
or ``--speed``
(``--details`` lists each article's misses and false alarms, for working on the rules).

``--polnear PATH [--split train|dev]`` scores the same extractor on PolNeAR (real news;
the corpus is not in this repository, see ``polnear.py``): precision, recall and F1 of
sources, cues, contents and attributions, by overlap and exactly, and the speed. Only
the figures are printed, never an article (dev is for scoring, not for reading).

``--speed [--articles 1000] [--runs 3]`` times the extractor on generated articles of
5 KB (paragraphs of the test set's articles, drawn at random) next to its floor, spaCy's
tokenizer alone on the same texts, interleaved, the median of the runs; then the time
per KB on articles of 5, 20 and 80 KB, which stays flat while extraction is linear in
the article's length.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOLD = ROOT / "tests" / "fixtures" / "attribution"
SETS = {"dev": "dev", "heldout": "heldout", "sample": "sample.json"}


def load_set(name: str):
    from annotator.text.attribution_gold import load_gold, load_gold_folder

    path = GOLD / SETS[name]
    return [load_gold(path)] if path.suffix == ".json" else load_gold_folder(path)


def evaluate(name: str):
    """``(scores, [(article, predicted)], seconds)`` for one set."""
    from annotator.text.attribution import extract_attributions
    from annotator.text.attribution_eval import score

    articles = load_set(name)
    started = time.perf_counter()
    pairs = [(a, extract_attributions(a.text, a.lang)) for a in articles]
    seconds = time.perf_counter() - started
    return score(pairs), pairs, seconds


def polnear(path: str, split: str, limit: int | None) -> list[str]:
    """The PolNeAR table of one split, and the speed."""
    from polnear import as_polnear, load_polnear

    from annotator.text.attribution import extract_attributions
    from annotator.text.attribution_eval import prf_table, score

    articles = load_polnear(path, split, limit)
    extract_attributions("Warm up, she said.")  # spaCy and the rule data, once
    started = time.perf_counter()
    pairs = [(a, extract_attributions(a.text, "en")) for a in articles]
    seconds = time.perf_counter() - started
    pairs = [(a, as_polnear(found, a.text)) for a, found in pairs]
    scores = score(pairs)
    characters = sum(len(a.text) for a in articles)
    lines = [
        f"PolNeAR {split}: {len(articles)} articles, "
        f"{sum(len(a.attributions) for a in articles)} gold attributions, "
        f"{sum(len(p) for _, p in pairs)} found; {len(articles) / seconds:.1f} articles/s "
        f"({characters / seconds / 1000:.0f} KB/s)",
        *prf_table(scores),
    ]
    print("\n".join(lines), flush=True)
    return lines


def news_articles(count: int, size: int, seed: int = 7) -> list[str]:
    """``count`` articles of about ``size`` characters: paragraphs of the test set's
    articles (news copy with attributions), drawn at random."""
    import random

    rng = random.Random(seed)
    paragraphs = [
        p for name in ("dev", "heldout") for a in load_set(name) for p in a.text.split("\n") if p
    ]
    articles = []
    for _ in range(count):
        parts, length = [], 0
        while length < size:
            parts.append(rng.choice(paragraphs))
            length += len(parts[-1]) + 1
        articles.append("\n".join(parts))
    return articles


def speed(runs: int = 3, articles: int = 1000) -> list[str]:
    """Extraction of ``articles`` articles of 5 KB against the bare tokenizer, and the
    cost per KB as articles grow (``articles`` × 400 characters at each size)."""
    import resource
    import statistics

    from annotator.text.attribution import extract_attributions
    from annotator.text.tokens import tokenize

    def timed(fn, texts) -> float:
        started = time.perf_counter()
        for text in texts:
            fn(text)
        return time.perf_counter() - started

    def extract(text):
        return extract_attributions(text, "en")

    def floor(text):
        return tokenize(text, "en")

    extract("Warm up, she said.")
    texts = news_articles(articles, 5000)
    ours, bare = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        ours.append(timed(extract, texts))
        bare.append(timed(floor, texts))
    measured, tokens = statistics.median(ours), statistics.median(bare)
    lines = [
        f"{articles:,} articles of 5 KB: {measured:.1f} s ({articles / measured:.0f} "
        f"articles/s); floor (spaCy tokenizer alone) {tokens:.1f} s; "
        f"ratio {measured / tokens:.1f}x",
    ]
    for size in (5_000, 20_000, 80_000):
        texts = news_articles(max(1, articles * 400 // size), size, seed=size)
        seconds = statistics.median(timed(extract, texts) for _ in range(runs))
        kilobytes = sum(len(t) for t in texts) / 1000
        lines.append(f"articles of {size // 1000} KB: {seconds / kilobytes * 1000:.1f} ms per KB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak memory of the process: {peak:.0f} MB")
    print("\n".join(lines), flush=True)
    return lines


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--polnear", metavar="PATH", help="the PolNeAR checkout to score on")
    parser.add_argument("--split", choices=["train", "dev"], default="dev")
    parser.add_argument("--limit", type=int, help="only the first N articles of the split")
    parser.add_argument("--speed", action="store_true", help="time extraction and its growth")
    parser.add_argument("--articles", type=int, default=1000, help="articles timed by --speed")
    parser.add_argument("--runs", type=int, default=3, help="runs of --speed (the median)")
    args = parser.parse_args()
    if args.speed:
        return speed(args.runs, args.articles)
    if args.polnear:
        return polnear(args.polnear, args.split, args.limit)

    from annotator.text.attribution_eval import TARGETS

    names = list(SETS) if args.set == "all" else [args.set]
    results = {}
    for name in names:
        scores, pairs, seconds = evaluate(name)
        results[name] = scores.figures()
        structures = sum(len(a.attributions) for a, _ in pairs)
        print(
            f"{name}: {len(pairs)} articles, {structures} gold structures, "
            f"{sum(len(p) for _, p in pairs)} found in {seconds:.2f} s",
            flush=True,
        )
        if args.details:
            for article, predicted in pairs:
                print_details(article, predicted)
    lines = [f"{'figure':<20}" + "".join(f"{n:>10}" for n in names) + f"{'target':>10}"]
    for figure in next(iter(results.values())):
        row = f"{figure:<20}" + "".join(f"{results[n][figure]:>10.3f}" for n in names)
        target = TARGETS.get(figure)
        lines.append(row + (f"{'≥ ' + format(target, '.2f'):>10}" if target else ""))
    print("\n".join(lines), flush=True)
    return lines


def print_details(article, predicted) -> None:
    """Misses (gold only) and false alarms (found only) of one article, as text."""
    text = article.text
    gold_rows = {_row(text, s) for s in article.attributions}
    found_rows = {_row(text, s) for s in predicted}
    print(f"--- {article.id}")
    for row in sorted(gold_rows - found_rows):
        print(f"  missed  {row}")
    for row in sorted(found_rows - gold_rows):
        print(f"  found   {row}")


def _row(text: str, s) -> str:
    d = s.texts(text)
    return (
        f"C={d['claim']!r} S={d['source']!r} cue={d['cue']!r} {d['stance']} {d['quote']} "
        f"H={d['hedges']}"
    )


if __name__ == "__main__":
    main()
