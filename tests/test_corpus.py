"""The annotated corpus: compiled files in sync with their sources, coverage of the eight
languages, and the rules-only checker's precision and recall against the gold spans."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from conftest import CORPORA, ROOT

from tqcheck.config import Settings
from tqcheck.evaluate import RULE_OWNED_KINDS, Evaluation, GoldRecord, check_record, read_gold, score_record
from tqcheck.findings import Severity
from tqcheck.languages import SUPPORTED

GOLD = CORPORA / "dev" / "gold.jsonl"
# The held-out splits, each with the least gold it holds (all spans, rule-owned spans, clean
# articles): a split that lost its articles must not pass by asserting nothing.
HELD_OUT = {"test": (300, 200, 8), "test2": (250, 150, 8)}
# Floors on the held-out splits (rules only), a little under what `python bench/heldout.py`
# measures (test: precision 0.95, rule-owned recall 0.74; test2: 0.97 and 0.68): a change that
# loses held-out recall or precision fails here. In-sample dev figures are not asserted: the rules
# were tuned there.
MIN_HELD_OUT_PRECISION = 0.9
MIN_HELD_OUT_RULE_OWNED_RECALL = 0.6


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


def _check_split(records: list[GoldRecord]) -> tuple[Evaluation, dict[str, list]]:
    """Every record checked once, rules only, and scored."""
    settings = Settings(use_model=False)
    evaluation = Evaluation()
    findings = {}
    for record in records:
        findings[record.id] = check_record(record, settings, None)
        score_record(record, findings[record.id], evaluation)
        evaluation.records += 1
    return evaluation, findings


@pytest.fixture(scope="module")
def checked(records: list[GoldRecord]) -> tuple[Evaluation, dict[str, list]]:
    return _check_split(records)


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


@pytest.fixture(scope="module", params=sorted(HELD_OUT))
def held_out(request: pytest.FixtureRequest) -> tuple[str, list[GoldRecord], Evaluation, dict[str, list]]:
    """A held-out split checked once, rules only. Failures below name counts and rules only,
    never the held-out text, so nobody tunes a rule to one of its sentences."""
    records = read_gold(CORPORA / request.param / "gold.jsonl")
    return request.param, records, *_check_split(records)


def test_held_out_precision_and_rule_owned_recall(held_out) -> None:
    split, _, evaluation, _ = held_out
    least_gold, least_owned, _ = HELD_OUT[split]
    overall = evaluation.overall
    assert overall.gold > least_gold and overall.predicted > 0
    alarms = Counter(a["rule"] for a in evaluation.false_alarms)
    assert overall.precision >= MIN_HELD_OUT_PRECISION, (
        f"precision {overall.precision:.3f}; false alarms by rule {alarms}"
    )
    owned = [evaluation.by_kind[k] for k in RULE_OWNED_KINDS if k in evaluation.by_kind]
    found, gold = sum(k.found for k in owned), sum(k.gold for k in owned)
    assert gold > least_owned
    by_kind = {
        k: f"{evaluation.by_kind[k].found}/{evaluation.by_kind[k].gold}"
        for k in RULE_OWNED_KINDS
        if k in evaluation.by_kind
    }
    assert found / gold >= MIN_HELD_OUT_RULE_OWNED_RECALL, f"rule-owned recall {found / gold:.3f}: {by_kind}"


def test_no_major_finding_on_held_out_clean_articles(held_out) -> None:
    split, records, _, findings = held_out
    clean = [r for r in records if r.clean]
    assert len(clean) >= HELD_OUT[split][2]
    majors = Counter(f.rule for r in clean for f in findings[r.id] if f.severity.rank >= Severity.MAJOR.rank)
    assert majors == Counter(), f"major findings on held-out clean articles, by rule: {dict(majors)}"


def test_dev_split_still_finds_most_of_what_it_was_tuned_on(checked) -> None:
    # In-sample, so only a loose guard against a rule that stopped working altogether.
    evaluation, _ = checked
    assert evaluation.overall.recall >= 0.75 and evaluation.overall.precision >= 0.9


def test_evaluation_counts(records: list[GoldRecord], checked) -> None:
    evaluation, _ = checked
    assert evaluation.records == len(records)
    assert evaluation.overall.gold == sum(len(r.spans) for r in records)
    assert sorted(evaluation.by_lang) == sorted(SUPPORTED)
    # evaluate's own account of the clean articles' major findings matches the findings
    _, findings = checked
    clean = {r.id for r in records if r.clean}
    majors = {i for i in clean if any(f.severity.rank >= Severity.MAJOR.rank for f in findings[i])}
    assert set(evaluation.clean_major) == majors
