"""What the learned quality-estimation head (TQ306 and the `quality` score) costs with the model.

    TQCHECK_CACHE=... python bench/qe_cost.py [--words 1000] [--rounds 3] [--out bench/results/qe_cost.json]

Checks one article of about 1,000 words with the embedded model, in one process, alternating the
two paths over rounds: the path before the head (plain token scores, no head: `qe_heads = None`)
and the path with it (one forward pass that also keeps the hidden states, the head's numpy
inference, TQ306's proposals). With `--source`, the source pass (each sentence read after its
source) is measured too, against the article translated by itself as its own source so the
alignment is trivial. Prints the medians and the ratio; asserts nothing.
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

    text = article(args.words)
    scorer = load_scorer()
    heads = scorer.qe_heads
    if heads is None:
        sys.exit("no quality-estimation head is shipped for the embedded model")
    settings = Settings(lang="en")
    # Every round must run the model: the scorer's answer cache would answer a repeated article
    # from memory and time nothing (the cache has its own bench, bench/model_cpu.py).
    scorer.cache = AnswerCache(limit=0)

    def path(with_head: bool, source: bool = False):  # -> prepares the article, returns its check
        def prepare():
            scorer.qe_heads = heads if with_head else None
            doc = load_text(text, "en")
            src = load_text(text, "en") if source else None
            return lambda: check_document(doc, settings, scorer=scorer, source=src)

        return prepare

    paths = {
        "before": path(False),
        "head": path(True),
        "before+source": path(False, True),
        "head+source": path(True, True),
    }
    timings, reports = rounds(paths, args.rounds)
    medians, figures = summary(timings)
    emit(
        {
            "words": len(text.split()),
            "rounds": args.rounds,
            **figures,
            "ratio_target_only": round(medians["head"] / medians["before"], 3),
            "ratio_with_source": round(medians["head+source"] / medians["before+source"], 3),
            "findings": {name: len(report.findings) for name, report in reports.items()},
        },
        args.out,
    )


if __name__ == "__main__":
    main()
