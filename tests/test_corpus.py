"""The annotated corpus: compiled files in sync with their sources, coverage of the eight
languages, and the rules-only checker's precision and recall against the gold spans."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from conftest import CORPORA, ROOT

from tqcheck.config import Settings
from tqcheck.evaluate import Evaluation, GoldRecord, check_record, read_gold, score_record
from tqcheck.findings import Severity
from tqcheck.languages import SUPPORTED

GOLD = CORPORA / "dev" / "gold.jsonl"
# The acceptance of the checker: recall of gold artifacts at least 0.9 and precision at least 0.8,
# here without the model (the model only raises both; tests/test_model.py checks a sample with it).
MIN_RECALL = 0.9
MIN_PRECISION = 0.8


def test_compiled_corpus_is_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, str(CORPORA / "build.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def records() -> list[GoldRecord]:
    return read_gold(GOLD)


@pytest.fixture(scope="module")
def checked(records: list[GoldRecord]) -> tuple[Evaluation, dict[str, list]]:
    """Every record checked once, rules only."""
    settings = Settings(use_model=False)
    evaluation = Evaluation()
    findings = {}
    for record in records:
        findings[record.id] = check_record(record, settings, None)
        score_record(record, findings[record.id], evaluation)
        evaluation.records += 1
    return evaluation, findings


def test_every_language_has_mt_and_clean_articles(records: list[GoldRecord]) -> None:
    mt = Counter(r.lang for r in records if not r.clean and r.spans)
    clean = Counter(r.lang for r in records if r.clean)
    for lang in SUPPORTED:
        assert mt[lang] >= 2, f"{lang}: {mt[lang]} MT article(s) with gold spans"
        assert clean[lang] >= 1, f"{lang}: no clean article"
    assert all(not r.spans for r in records if r.clean)


def test_gold_spans_index_the_text(records: list[GoldRecord]) -> None:
    for record in records:
        for span in record.spans:
            assert 0 <= span["start"] < span["end"] <= len(record.text), record.id
            assert record.text[span["start"] : span["end"]] == span["text"], record.id


def test_recall_and_precision(checked) -> None:
    evaluation, _ = checked
    overall = evaluation.overall
    assert overall.gold > 100 and overall.predicted > 0
    missed = "\n".join(f"  {m['id']}: {m['category']} “{m['text']}”" for m in evaluation.missed)
    assert overall.recall >= MIN_RECALL, f"recall {overall.recall:.3f}; missed:\n{missed}"
    alarms = "\n".join(f"  {a['id']}: {a['rule']} “{a['text']}”" for a in evaluation.false_alarms)
    assert overall.precision >= MIN_PRECISION, f"precision {overall.precision:.3f}; false alarms:\n{alarms}"


def test_no_major_finding_on_clean_articles(records: list[GoldRecord], checked) -> None:
    _, findings = checked
    clean = [r for r in records if r.clean]
    assert clean
    majors = {
        r.id: [f"{f.rule} “{f.text}”" for f in findings[r.id] if f.severity.rank >= Severity.MAJOR.rank]
        for r in clean
    }
    assert {k: v for k, v in majors.items() if v} == {}


def test_evaluation_counts(records: list[GoldRecord], checked) -> None:
    evaluation, _ = checked
    assert evaluation.records == len(records)
    assert evaluation.overall.gold == sum(len(r.spans) for r in records)
    assert sorted(evaluation.by_lang) == sorted(SUPPORTED)
    assert evaluation.clean_major == {}  # evaluate's own account of the clean articles
