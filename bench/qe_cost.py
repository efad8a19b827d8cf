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

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.check_speed import article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
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

    def run(with_head: bool, source: bool = False) -> tuple[float, int]:
        scorer.qe_heads = heads if with_head else None
        doc = load_text(text, "en")
        src = load_text(text, "en") if source else None
        started = time.perf_counter()
        report = check_document(doc, settings, scorer=scorer, source=src)
        return time.perf_counter() - started, len(report.findings)

    run(True)  # warm-up: first-call allocations, word lists
    timings: dict[str, list[float]] = {"before": [], "head": [], "before+source": [], "head+source": []}
    findings: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, with_head, source in (
            ("before", False, False),
            ("head", True, False),
            ("before+source", False, True),
            ("head+source", True, True),
        ):
            seconds, count = run(with_head, source)
            timings[name].append(seconds)
            findings[name] = count
    medians = {name: statistics.median(values) for name, values in timings.items()}
    result = {
        "words": len(text.split()),
        "rounds": args.rounds,
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "spread_seconds": {k: [round(min(v), 3), round(max(v), 3)] for k, v in timings.items()},
        "ratio_target_only": round(medians["head"] / medians["before"], 3),
        "ratio_with_source": round(medians["head+source"] / medians["before+source"], 3),
        "findings": findings,
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
