"""What TQ201's boundaries put to the model cost: a check with the model, with and without them.

    TQCHECK_CACHE=... python bench/split_names_cost.py [--words 1000] [--rounds 3] [--out FILE]

Checks one article of about 1,000 words with the embedded model, in one process, alternating the
two paths over rounds: today's path, where TQ201 also puts every other stop between two
capitalised words to the model (`SplitEntity._for_the_model`), and the same check without those
candidates. The scorer's answer cache is off, so every round runs the model. Prints the medians,
the ratio and the findings each path reports; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._alternate import arguments, emit, rounds, summary  # noqa: E402
from bench.check_speed import article  # noqa: E402


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document
    from tqcheck.lm import load_scorer
    from tqcheck.lm.cache import AnswerCache
    from tqcheck.rules.structure import SplitEntity

    text = article(args.words)
    scorer = load_scorer()
    scorer.cache = AnswerCache(limit=0)
    with_candidates = SplitEntity._for_the_model

    def path(candidates: bool):  # -> prepares the article, returns its check with or without them
        def prepare():
            SplitEntity._for_the_model = with_candidates if candidates else (lambda *a, **k: None)  # type: ignore[method-assign]
            doc = load_text(text, "en")
            return lambda: check_document(doc, Settings(lang="en"), scorer=scorer)

        return prepare

    try:
        timings, reports = rounds({"without": path(False), "with": path(True)}, args.rounds)
    finally:
        SplitEntity._for_the_model = with_candidates  # type: ignore[method-assign]
    medians, figures = summary(timings)
    emit(
        {
            "words": len(text.split()),
            "rounds": args.rounds,
            **figures,
            "ratio": round(medians["with"] / medians["without"], 3),
            "findings": {
                name: {"all": len(r.findings), "TQ201": sum(f.rule == "TQ201" for f in r.findings)}
                for name, r in reports.items()
            },
        },
        args.out,
    )


if __name__ == "__main__":
    main()
