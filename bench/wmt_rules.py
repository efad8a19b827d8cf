"""Findings per rule on WMT MQM segments, and how many overlap a human error span.

    python bench/wmt_rules.py 2021_zh-en_processed.tsv [--limit 1000]

Checks each segment's translation with its source (rules only, in process, as `tqcheck check
--no-lm --source`) and counts, per rule and severity, the findings and those that overlap an
MQM span. The WMT files (WMT-QE-Task/wmt-qe-2023-data) are not redistributed here. This is how the
segment-level false alarms of docs/evaluation.md were counted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tqcheck  # noqa: E402
from tqcheck.qe_data import read_qe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a WMT MQM span file (.tsv)")
    parser.add_argument("--limit", type=int, default=1000, help="only the first N segments")
    args = parser.parse_args()
    findings, hits = Counter(), Counter()
    for segment in read_qe(args.path, args.limit):
        result = tqcheck.check(
            segment.target, segment.lang, source=segment.source, source_lang=segment.source_lang, model=False
        )
        for finding in result.findings:
            key = (finding.rule, finding.severity.value)
            findings[key] += 1
            hits[key] += any(finding.start < end and start < finding.end for start, end, _ in segment.spans)
    print(f"{'rule':6} {'severity':8} {'findings':>8} {'hits':>5}")
    for (rule, severity), count in findings.most_common():
        print(f"{rule:6} {severity:8} {count:8} {hits[rule, severity]:5}")


if __name__ == "__main__":
    main()
