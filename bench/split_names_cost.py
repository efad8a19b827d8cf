"""What TQ201's boundaries put to the model cost: a check with the model, with and without them.

    TQCHECK_CACHE=... python bench/split_names_cost.py [--words 1000] [--rounds 3] [--out FILE]

Checks one article of about 1,000 words with the embedded model, in one process, alternating the
two paths over rounds: today's path, where TQ201 also puts every other stop between two
capitalised words to the model (`SplitEntity._for_the_model`), and the same check without those
candidates. The scorer's answer cache is off, so every round runs the model. Prints the medians,
the ratio and the findings each path reports; asserts nothing.
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
    from tqcheck.rules.structure import SplitEntity

    text = article(args.words)
    scorer = load_scorer()
    scorer.cache = AnswerCache(limit=0)
    with_candidates = SplitEntity._for_the_model

    def run(candidates: bool) -> tuple[float, int, int]:
        SplitEntity._for_the_model = with_candidates if candidates else (lambda *a, **k: None)  # type: ignore[method-assign]
        doc = load_text(text, "en")
        started = time.perf_counter()
        report = check_document(doc, Settings(lang="en"), scorer=scorer)
        seconds = time.perf_counter() - started
        return seconds, len(report.findings), sum(f.rule == "TQ201" for f in report.findings)

    run(True)  # warm-up
    timings: dict[str, list[float]] = {"without": [], "with": []}
    counts: dict[str, tuple[int, int]] = {}
    for _ in range(args.rounds):
        for name, candidates in (("without", False), ("with", True)):
            seconds, findings, split = run(candidates)
            timings[name].append(seconds)
            counts[name] = (findings, split)
    SplitEntity._for_the_model = with_candidates  # type: ignore[method-assign]
    medians = {name: statistics.median(values) for name, values in timings.items()}
    result = {
        "words": len(text.split()),
        "rounds": args.rounds,
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "spread_seconds": {k: [round(min(v), 3), round(max(v), 3)] for k, v in timings.items()},
        "ratio": round(medians["with"] / medians["without"], 3),
        "findings": {k: {"all": v[0], "TQ201": v[1]} for k, v in counts.items()},
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
