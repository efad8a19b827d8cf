"""Calibrate the surprisal rule (TQ304) per language on the clean articles of corpora/.

For each language, scores the clean articles with the model, takes every word's excess surprisal
(surprisal minus half its wordfreq prior, as TQ304 computes it) and sets the threshold just above
the second largest excess seen on clean text: the clean articles of a language draw at most one
(minor) TQ304 finding, and the rule keeps some reach. Writes
tqcheck/data/<lang>/lm.toml (one table per model name) unless --dry-run is given.

    python bench/calibrate_surprisal.py [--model NAME] [--dry-run]
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.context import CheckContext  # noqa: E402
from tqcheck.document import load_text  # noqa: E402
from tqcheck.languages import SUPPORTED  # noqa: E402
from tqcheck.lm import load_scorer  # noqa: E402
from tqcheck.rules.model import DEFAULT_PRIOR_WEIGHT, candidate_words  # noqa: E402

MARGIN = 0.5  # nats above the second largest excess on clean text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    scorer = load_scorer(args.model)
    for lang in SUPPORTED:
        excesses: list[tuple[float, str]] = []
        folder = ROOT / "corpora" / "dev" / lang
        articles = sorted(
            {*folder.glob("clean-*.txt"), *folder.glob("src-*-clean-*.txt")} - set(folder.glob("*.src.*.txt"))
        )
        for path in articles:
            doc = load_text(path.read_text(encoding="utf-8"), lang, str(path))
            ctx = CheckContext.for_document(doc, scorer=scorer)
            excesses.extend((row[3], row[0].text) for row in candidate_words(doc, ctx))
        excesses.sort(reverse=True)
        top = excesses[1][0] if len(excesses) > 1 else 8.0
        threshold = math.ceil((top + MARGIN) * 2) / 2
        print(
            f"{lang}: {len(articles)} clean articles, {len(excesses)} words, second largest excess {top:.2f} "
            f"({excesses[1][1] if len(excesses) > 1 else '-'}), threshold {threshold}; largest: "
            f"{', '.join(f'{w} {e:.1f}' for e, w in excesses[:4])}"
        )
        if args.dry_run:
            continue
        path = ROOT / "tqcheck" / "data" / lang / "lm.toml"
        path.write_text(
            f"# Thresholds of the model rules for {SUPPORTED[lang]}, per model.\n"
            f"# Provenance: calibrated by bench/calibrate_surprisal.py on the clean articles of corpora/dev/{lang}/ "
            f"({len(articles)} articles, {len(excesses)} words) on {datetime.date.today()}:\n"
            f"# the threshold is the second largest excess surprisal seen on clean text plus {MARGIN} nats.\n"
            f'[surprisal."{scorer.name}"]\n'
            f"threshold = {threshold}\n"
            f"prior_weight = {DEFAULT_PRIOR_WEIGHT}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
