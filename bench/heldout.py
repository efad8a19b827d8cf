"""Held-out evaluation: the checker on corpora/test and test2 (held out) beside corpora/dev (in-sample).

    python bench/heldout.py [--out bench/results/heldout.json] [--no-external]

Runs `tqcheck eval GOLD --no-lm` in-process (tqcheck.evaluate, rules only) on the gold.jsonl of
corpora/test, corpora/test2 (where built) and corpora/dev and reports: per language precision,
recall and F1 for the splits side by side; recall per gold `kind` on each held-out split, all
languages pooled and per language; recall on the kinds the rules are meant to catch, pooled; major
findings on the clean held-out articles; and, unless --no-external, the external clean corpus figures of
bench/clean_external.py (findings and majors per 1,000 words, per language and split).

The test split is the headline: its articles were written by people who did not read the rules
and were never used for tuning. The dev split is what the rules were tuned on, so its figures are
in-sample. Only aggregate figures are written: no missed span or false alarm of the test split is
printed or kept, so nobody tunes a rule to one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.evaluate import RULE_OWNED_KINDS as RULE_OWNED  # noqa: E402
from tqcheck.evaluate import Evaluation, KindCounts, check_record, read_gold, score_record  # noqa: E402

# test first: it is the headline; test2 is a second held-out set, written later by other hands and
# measured once per stop at most (skipped where it is not there).
SPLITS = ("test", "test2", "dev")
HELD_OUT = ("test", "test2")


def wilson(hits: int, total: int, z: float = 1.96) -> list[float] | None:
    """95% Wilson interval: a few hundred spans leave a recall uncertain by about ±0.05."""
    if not total:
        return None
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return [round(centre - half, 3), round(centre + half, 3)]


def gold_path(split: str) -> Path:
    return ROOT / "corpora" / split / "gold.jsonl"


def evaluate_split(path: Path) -> tuple[Evaluation, dict[str, Evaluation], str]:
    """Every record checked once (rules only, as `eval --no-lm`), scored pooled and per language."""
    from tqcheck.config import settings_for
    from tqcheck.engine import signature
    from tqcheck.runner import with_progress

    settings = settings_for(None)  # what `tqcheck eval` uses with no option
    records = read_gold(path)
    pooled, per_lang = Evaluation(), {}
    for record in with_progress(iter(records), len(records), None, path.parent.name):
        findings = check_record(record, settings, None)
        for evaluation in (pooled, per_lang.setdefault(record.lang, Evaluation())):
            score_record(record, findings, evaluation)
            evaluation.records += 1
    run_signature = signature(settings.rules, None, settings.min_confidence, languages=per_lang)
    return pooled, dict(sorted(per_lang.items())), run_signature


def rule_owned(evaluation: Evaluation) -> KindCounts:
    total = KindCounts()
    for kind in RULE_OWNED:
        if kind in evaluation.by_kind:
            total.add(evaluation.by_kind[kind])
    return total


def clean_summary(evaluation: Evaluation) -> dict[str, int]:
    # Counts only: which findings fired on a clean test article is not kept (see the docstring).
    return {
        "clean_articles": evaluation.clean_records,
        "clean_with_major": len(evaluation.clean_major),
        "clean_majors": evaluation.clean_majors,
    }


def split_summary(evaluation: Evaluation) -> dict[str, Any]:
    overall = evaluation.overall.to_json()
    owned = rule_owned(evaluation)
    return {
        "records": evaluation.records,
        **{k: overall[k] for k in ("predicted", "correct", "gold", "found", "precision", "recall", "f1")},
        "fix_equal": overall["fix_equal"],
        "with_fix": overall["with_fix"],
        "precision_95": wilson(overall["correct"], overall["predicted"]),
        "recall_95": wilson(overall["found"], overall["gold"]),
        "rule_owned": owned.to_json() | {"recall_95": wilson(owned.found, owned.gold)}
        if evaluation.by_kind
        else None,
        "by_kind": {k: v.to_json() for k, v in sorted(evaluation.by_kind.items())},
        **clean_summary(evaluation),
    }


def external_figures() -> dict[str, Any] | None:
    """bench/clean_external.py's figures, without its dev examples; None if the corpus is not built."""
    sys.path.insert(0, str(ROOT / "bench"))
    import clean_external

    try:
        folder = clean_external.corpus_dir(None)
    except SystemExit:
        return None
    result = clean_external.run(folder)
    for entry in result["languages"].values():
        entry.pop("dev_major_examples", None)
    return result


def run(with_external: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"rule_owned_kinds": list(RULE_OWNED), "splits": {}}
    for split in SPLITS:
        if not gold_path(split).exists():
            continue
        pooled, per_lang, sig = evaluate_split(gold_path(split))
        result["splits"][split] = {
            "in_sample": split == "dev",
            "gold": str(gold_path(split).relative_to(ROOT)),
            "all": split_summary(pooled),
            "languages": {lang: split_summary(e) for lang, e in per_lang.items()},
        }
        result["signature"] = sig
    if with_external:
        result["external"] = external_figures()
    return result


def _f(value: float | None) -> str:
    return "   –" if value is None else f"{value:4.2f}"


def table(result: dict[str, Any]) -> str:
    dev = result["splits"]["dev"]
    shown = [split for split in (*HELD_OUT, "dev") if split in result["splits"]]
    langs = sorted({lang for split in shown for lang in result["splits"][split]["languages"]})
    lines = [f"Per language ({', '.join(HELD_OUT)} = held out; dev = in-sample, tuned on)"]
    head = f"{'lang':5} " + "   ".join(
        f"{split + ' P':>8} {split + ' R':>8} {split + ' F1':>9}" for split in shown
    )
    lines += [head, "-" * len(head)]
    for lang in (*langs, "all"):
        cells = []
        for split in shown:
            figures = result["splits"][split]
            row = figures["all"] if lang == "all" else figures["languages"].get(lang)
            cells.append(
                f"{_f(row and row['precision']):>8} {_f(row and row['recall']):>8} {_f(row and row['f1']):>9}"
            )
        lines.append(f"{lang:5} " + "   ".join(cells))

    for split in HELD_OUT:
        if split in result["splits"]:
            lines += _held_out_table(split, result["splits"][split], dev)
    external = result.get("external")
    if external:
        import clean_external

        lines += ["", "External clean corpus (bench/clean_external.py; every finding a false alarm)"]
        lines.append(clean_external.table(external))
    elif "external" in result:
        lines += ["", "External clean corpus not built: see corpora/external/SOURCES.md"]
    return "\n".join(lines)


def _held_out_table(split: str, test: dict[str, Any], dev: dict[str, Any]) -> list[str]:
    """Recall per kind (pooled and per language), the rule-owned recall and the clean articles'
    majors of one held-out split."""
    lines: list[str] = []
    kinds = list(test["all"]["by_kind"])
    test_langs = list(test["languages"])
    lines += ["", f"Recall per kind, {split} split (found/gold; * = rule-owned kind)"]
    head = f"{'kind':20} {'all':>11} " + " ".join(f"{lang:>6}" for lang in test_langs)
    lines += [head, "-" * len(head)]

    def kind_row(label: str, pooled: dict[str, Any] | None, by_lang: list[dict[str, Any] | None]) -> str:
        cell = f"{pooled['found']}/{pooled['gold']} {_f(pooled['recall'])}" if pooled else "–"
        return f"{label:20} {cell:>11} " + " ".join(f"{_f(k and k['recall']):>6}" for k in by_lang)

    for kind in kinds:
        label = f"{kind}{' *' if kind in RULE_OWNED else ''}"
        by_lang = [test["languages"][lang]["by_kind"].get(kind) for lang in test_langs]
        lines.append(kind_row(label, test["all"]["by_kind"][kind], by_lang))
    lines.append(
        kind_row(
            "rule-owned (pooled)",
            test["all"]["rule_owned"],
            [test["languages"][lang]["rule_owned"] for lang in test_langs],
        )
    )
    t = test["all"]
    owned = t["rule_owned"] or {}

    def ci(interval: list[float] | None) -> str:
        return f" [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else ""

    lines += [
        "",
        f"{split} (95% Wilson intervals): precision {_f(t['precision'])}{ci(t['precision_95'])}, "
        f"recall {_f(t['recall'])}{ci(t['recall_95'])}, "
        f"rule-owned recall {_f(owned.get('recall'))}{ci(owned.get('recall_95'))}",
        f"clean {split} articles: {t['clean_majors']} major finding(s) in {t['clean_with_major']} of "
        f"{t['clean_articles']} articles",
        f"clean dev articles (in-sample): {dev['all']['clean_majors']} major finding(s) in "
        f"{dev['all']['clean_with_major']} of {dev['all']['clean_articles']} articles",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "heldout.json")
    parser.add_argument(
        "--no-external", action="store_true", help="skip the external clean corpus (clean_external.py)"
    )
    args = parser.parse_args()
    result = run(with_external=not args.no_external)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(result["signature"])


if __name__ == "__main__":
    main()
