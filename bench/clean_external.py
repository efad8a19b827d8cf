"""False alarms on clean text nobody tuned on: findings per 1,000 words on the external corpus.

    python bench/clean_external.py [--corpus DIR] [--out bench/results/clean_external.json]

Runs the rules alone (as `tqcheck check FILE.jsonl --lang L --no-lm`, in-process) over every
record of corpora/external/<lang>.jsonl (human translations of news from NTREX-128; see
corpora/external/SOURCES.md), and reports per language and split: words, findings and major
(or critical) findings per 1,000 words, and the rules that fired most. Every finding on this
corpus is counted as a false alarm, though a few may be real slips of the human translators.

Examples of what was flagged are kept for the dev split only: the test split is for measuring,
so nobody fixing false alarms should read what it flagged.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGS = ("en", "fr", "de", "es", "pt", "ru", "ar", "zh")
SPLITS = ("dev", "test")
# The corpus is CC BY-SA data built by corpora/external/build.py; where it is not kept in the
# checkout, it may be laid in shared/ beside it.
CORPUS_DIRS = (ROOT / "corpora" / "external", ROOT.parent / "shared" / "corpora" / "external")
TOP = 5
EXAMPLES = 3  # per rule with majors, dev split only


def corpus_dir(explicit: Path | None) -> Path:
    for folder in (explicit,) if explicit else CORPUS_DIRS:
        if folder.is_dir() and all((folder / f"{lang}.jsonl").is_file() for lang in LANGS):
            return folder
    raise SystemExit("no external corpus: run corpora/external/build.py NTREX first (see SOURCES.md)")


def per_1k(count: int, words: int) -> float:
    return round(1000 * count / words, 3) if words else 0.0


def is_major(finding: Any) -> bool:
    from tqcheck.findings import Severity

    return finding.severity.rank >= Severity.MAJOR.rank


def summary(words: int, records: int, findings: Counter[str], majors: Counter[str]) -> dict[str, Any]:
    return {
        "records": records,
        "words": words,
        "findings": sum(findings.values()),
        "majors": sum(majors.values()),
        "findings_per_1k": per_1k(sum(findings.values()), words),
        "majors_per_1k": per_1k(sum(majors.values()), words),
        "top_rules": findings.most_common(TOP),
        "top_major_rules": majors.most_common(TOP),
    }


def run(folder: Path) -> dict[str, Any]:
    from tqcheck.config import settings_for
    from tqcheck.document import analyse, read_articles
    from tqcheck.engine import check_document, signature
    from tqcheck.options import RunOptions
    from tqcheck.runner import with_progress

    work = []
    for lang in LANGS:
        path = folder / f"{lang}.jsonl"
        settings = settings_for(path, RunOptions(lang=lang))  # what `check --lang L` would use
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        splits = {row["id"]: row["split"] for row in rows}
        work += [(lang, splits[raw.record_id or ""], raw, settings) for raw in read_articles(path)]

    words: Counter[tuple[str, str]] = Counter()
    records: Counter[tuple[str, str]] = Counter()
    findings: dict[tuple[str, str], Counter[str]] = {}
    majors: dict[tuple[str, str], Counter[str]] = {}
    examples: dict[str, dict[str, list[dict[str, str]]]] = {}
    items = ((item, check_document(analyse(item[2], item[0]), item[3])) for item in work)
    for (lang, split, raw, _), report in with_progress(items, len(work), None, "clean_external"):
        key = (lang, split)
        words[key] += report.words
        records[key] += 1
        findings.setdefault(key, Counter()).update(f.rule for f in report.findings)
        majors.setdefault(key, Counter()).update(f.rule for f in report.findings if is_major(f))
        if split != "dev":
            continue
        for finding in filter(is_major, report.findings):
            kept = examples.setdefault(lang, {}).setdefault(finding.rule, [])
            # One example per record: a paragraph that trips a rule three times shows one cause.
            if len(kept) < EXAMPLES and all(k["id"] != raw.record_id for k in kept):
                kept.append({"id": raw.record_id or "", "text": finding.text, "message": finding.message})

    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    result: dict[str, Any] = {"corpus": str(shown), "languages": {}}
    for lang in LANGS:
        entry: dict[str, Any] = {}
        for split in SPLITS:
            key = (lang, split)
            entry[split] = summary(
                words[key], records[key], findings.get(key, Counter()), majors.get(key, Counter())
            )
        both = [(lang, s) for s in SPLITS]
        entry["all"] = summary(
            sum(words[k] for k in both),
            sum(records[k] for k in both),
            sum((findings.get(k, Counter()) for k in both), Counter()),
            sum((majors.get(k, Counter()) for k in both), Counter()),
        )
        entry["dev_major_examples"] = examples.get(lang, {})
        result["languages"][lang] = entry
    for split in (*SPLITS, "all"):
        rows = [result["languages"][lang][split] for lang in LANGS]
        total_words = sum(r["words"] for r in rows)
        result.setdefault("total", {})[split] = {
            "words": total_words,
            "findings_per_1k": per_1k(sum(r["findings"] for r in rows), total_words),
            "majors_per_1k": per_1k(sum(r["majors"] for r in rows), total_words),
        }
    first = work[0][3]
    result["signature"] = signature(first.rules, None, first.min_confidence, languages=LANGS)
    return result


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'lang':4} {'split':5} {'records':>7} {'words':>7} {'find/1k':>8} {'major/1k':>8}  top major rules"
    )
    lines = [head, "-" * len(head)]
    for lang, entry in result["languages"].items():
        for split in SPLITS:
            row = entry[split]
            top = ", ".join(f"{rule}×{n}" for rule, n in row["top_major_rules"][:3]) or "-"
            lines.append(
                f"{lang:4} {split:5} {row['records']:7d} {row['words']:7d} "
                f"{row['findings_per_1k']:8.2f} {row['majors_per_1k']:8.2f}  {top}"
            )
    for split in SPLITS:
        total = result["total"][split]
        lines.append(
            f"{'all':4} {split:5} {'':7} {total['words']:7d} "
            f"{total['findings_per_1k']:8.2f} {total['majors_per_1k']:8.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="folder of <lang>.jsonl (default: corpora/external)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "clean_external.json")
    args = parser.parse_args()
    result = run(corpus_dir(args.corpus))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(result["signature"])


if __name__ == "__main__":
    main()
