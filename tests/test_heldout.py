"""Per-kind accounting of `tqcheck eval`: recall per gold `kind`, counts on clean articles, and the
`by_kind` table in the JSON output, on a tiny synthetic gold file (rules only).

The held-out figures themselves are a benchmark (bench/heldout.py), not asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from tqcheck.config import Settings
from tqcheck.evaluate import Evaluation, GoldRecord, check_record, evaluate, read_gold, score_record
from tqcheck.findings import Severity

# A doubled word the repetition rule flags; the planted "wrong-sense" span is a plain sentence no
# rule can know is wrong, so it must count as missed.
TEXT = "The council approved the the budget on Monday.\n\nThe mayor said the plan was good."
DOUBLED = TEXT.index("the the")
SENSE = TEXT.index("the plan was good")
CLEAN = "The ferry leaves at nine. It returns in the evening, weather permitting."
# Mojibake is a major finding: on an article marked clean it counts as a clean-article major.
MOJIBAKE = "The ferry leaves at nine. Itâ€™s back in the evening."


def gold_lines() -> list[dict]:
    return [
        {
            "id": "en/mt-kinds",
            "lang": "en",
            "text": TEXT,
            "spans": [
                {
                    "start": DOUBLED,
                    "end": DOUBLED + len("the the"),
                    "text": "the the",
                    "fix": "the",
                    "category": "fluency",
                    "severity": "major",
                    "kind": "repetition",
                },
                {
                    "start": SENSE,
                    "end": SENSE + len("the plan was good"),
                    "text": "the plan was good",
                    "category": "accuracy",
                    "severity": "major",
                    "kind": "wrong-sense",
                },
            ],
        },
        # A span with no kind counts in the other tables but not in by_kind.
        {
            "id": "en/mt-no-kind",
            "lang": "en",
            "text": TEXT,
            "spans": [
                {
                    "start": DOUBLED,
                    "end": DOUBLED + len("the the"),
                    "text": "the the",
                    "fix": "the",
                    "category": "fluency",
                    "severity": "major",
                }
            ],
        },
        {"id": "en/clean-ferry", "lang": "en", "clean": True, "text": CLEAN, "spans": []},
    ]


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in gold_lines()), encoding="utf-8")
    return path


def test_found_and_missed_are_counted_per_kind(gold: Path) -> None:
    evaluation = evaluate(read_gold(gold), Settings(use_model=False))
    assert evaluation.records == 3
    assert set(evaluation.by_kind) == {"repetition", "wrong-sense"}
    repetition, sense = evaluation.by_kind["repetition"], evaluation.by_kind["wrong-sense"]
    assert (repetition.gold, repetition.found, repetition.recall) == (1, 1, 1.0)
    assert (sense.gold, sense.found, sense.recall) == (1, 0, 0.0)
    # Every span still counts overall; by_kind covers only the spans that carry a kind.
    assert (evaluation.overall.gold, evaluation.overall.found) == (3, 2)
    assert sum(k.gold for k in evaluation.by_kind.values()) == 2
    assert [m["id"] for m in evaluation.missed] == ["en/mt-kinds"]
    assert evaluation.clean_records == 1
    assert evaluation.clean_majors == 0 and evaluation.clean_major == {}


def test_majors_on_clean_articles_are_counted() -> None:
    record = GoldRecord(id="en/clean-not", lang="en", text=MOJIBAKE, spans=[], clean=True)
    evaluation = Evaluation()
    findings = check_record(record, Settings(use_model=False), None)
    score_record(record, findings, evaluation)
    majors = [f for f in findings if f.severity.rank >= Severity.MAJOR.rank]
    assert majors
    assert evaluation.clean_records == 1
    assert evaluation.clean_majors == len(majors) == len(evaluation.clean_major["en/clean-not"])
    assert evaluation.by_kind == {}


def test_json_carries_by_kind(gold: Path) -> None:
    result = run_cli("eval", str(gold), "--no-lm", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by_kind"] == {
        "repetition": {"gold": 1, "found": 1, "recall": 1.0},
        "wrong-sense": {"gold": 1, "found": 0, "recall": 0.0},
    }
    assert (data["clean_records"], data["clean_majors"]) == (1, 0)
    for table in ("overall", "by_lang", "by_rule", "by_category", "clean_major", "missed"):
        assert table in data  # the existing tables are still there


def test_text_shows_kinds_only_when_spans_carry_them(gold: Path, tmp_path: Path) -> None:
    result = run_cli("eval", str(gold), "--no-lm")
    assert result.returncode == 0, result.stderr
    assert "By kind" in result.stdout and "wrong-sense" in result.stdout
    assert "By language" in result.stdout and "By category" in result.stdout
    assert "No major finding on the 1 clean articles (3 articles checked)." in result.stdout
    plain = tmp_path / "plain.jsonl"
    lines = [line for line in gold_lines() if line["id"] != "en/mt-kinds"]
    plain.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run_cli("eval", str(plain), "--no-lm")
    assert result.returncode == 0, result.stderr
    assert "By kind" not in result.stdout
