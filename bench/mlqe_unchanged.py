"""Findings on machine translations that post-editors left unchanged (MLQE-PE, HTER 0).

    python bench/mlqe_unchanged.py MLQE_DIR [--pairs ru-en en-de en-zh] [--show TQ701,TQ702]

MLQE_DIR holds the unpacked `{pair}-train` folders of sheffieldnlp/mlqe-pe (`data/post-editing`,
CC0; not redistributed here). Each segment whose HTER is 0 is checked as `tqcheck check --no-lm
--source` would, after undoing the corpus's tokenisation (spaces before punctuation; all spaces in
Chinese). Every major finding there is a false alarm by the post-editors' judgement, though a few
are errors they let through. Prints the findings per rule and severity, per pair.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tqcheck  # noqa: E402

PAIRS = {"ru-en": ("ru", "en"), "en-de": ("en", "de"), "en-zh": ("en", "zh")}


def detokenised(text: str, lang: str) -> str:
    """MLQE-PE's text as it was written: no space before closing punctuation or after opening."""
    if lang == "zh":
        return text.replace(" ", "")
    text = re.sub(r" ([.,:;!?»)%])", r"\1", text)
    text = re.sub(r"([«(]) ", r"\1", text)
    return re.sub(r" ' s\b", "'s", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mlqe", type=Path, help="folder with the {pair}-train folders of MLQE-PE")
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS), choices=list(PAIRS))
    parser.add_argument("--show", default="", help="print the findings of these rules")
    args = parser.parse_args()
    show = set(filter(None, args.show.split(",")))
    for pair in args.pairs:
        source_lang, lang = PAIRS[pair]
        folder = args.mlqe / f"{pair}-train"
        if not folder.is_dir():
            parser.error(f"{folder}: no such folder (unpack {pair}-train.tar.gz there)")
        sources = (folder / "train.src").read_text(encoding="utf-8").splitlines()
        targets = (folder / "train.mt").read_text(encoding="utf-8").splitlines()
        hters = [float(x) for x in (folder / "train.hter").read_text().split()]
        counts: Counter[tuple[str, str]] = Counter()
        unchanged = 0
        for source, target, hter in zip(sources, targets, hters, strict=True):
            if hter > 0:
                continue
            unchanged += 1
            text = detokenised(target, lang)
            result = tqcheck.check(
                text, lang, source=detokenised(source, source_lang), source_lang=source_lang, model=False
            )
            for finding in result.findings:
                counts[finding.rule, finding.severity.value] += 1
                if finding.rule in show:
                    print(
                        f"  {pair} {finding.rule} {text[finding.start : finding.end]!r}: {finding.message[:120]}"
                    )
        majors = sum(n for (_, severity), n in counts.items() if severity != "minor")
        print(f"{pair}: {unchanged} unchanged segments, {majors} major or critical findings")
        for (rule, severity), n in counts.most_common():
            print(f"  {rule} {severity:8} {n}")


if __name__ == "__main__":
    main()
