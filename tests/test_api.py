"""The Python API: `tqcheck.check` and `tqcheck.fix` on strings, rules only or with a given scorer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import pytest
from conftest import ROOT

import tqcheck
from tqcheck.errors import TqcheckError
from tqcheck.lm import CandidateRequest, CandidateScore, TokenScores

ARTICLE = "The strike ended after a deal with the the union.\n\nLeave a Reply\n"


def test_import_is_light_and_exports_the_api() -> None:
    program = (
        "import sys, tqcheck; light = 'spacy' not in sys.modules; tqcheck.check; "
        "print(light, any(m in sys.modules for m in ('torch', 'transformers')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.split() == ["True", "False"]
    assert (ROOT / "tqcheck" / "py.typed").exists()


def test_check_rules_only_returns_placed_findings_and_score() -> None:
    result = tqcheck.check(ARTICLE, lang="en", model=False)
    assert [(f.rule, f.line, f.column, f.text) for f in result.findings] == [
        ("TQ202", 1, 36, "the the"),
        ("TQ101", 3, 1, "Leave a Reply"),
    ]
    assert result.lang == "en"
    assert result.score < 100
    assert result.failed("major") and not result.failed("never")


def test_check_select_detected_language_and_markdown() -> None:
    result = tqcheck.check(ARTICLE, lang=None, model=False, select=["repeated-word"])
    assert [f.rule for f in result.findings] == ["TQ202"] and result.lang == "en"
    md = tqcheck.check("# Title\n\nA deal with the the union.\n", format="md", model=False)
    assert [(f.rule, f.line) for f in md.findings] == [("TQ202", 3)]


def test_clean_text_scores_100() -> None:
    result = tqcheck.check("The strike ended on Tuesday.\n", model=False)
    assert result.findings == () and result.score == 100.0


def test_fix_applies_safe_fixes_and_unsafe_only_when_asked() -> None:
    fixed = tqcheck.fix("Prices rose  sharply .\n", lang="en", model=False)
    assert fixed.text == "Prices rose sharply.\n" and fixed.changed
    assert {f.rule for f in fixed.applied} == {"TQ501", "TQ506"}
    assert tqcheck.fix("Clean text.\n", model=False).changed is False


def test_bad_options_are_one_line_errors() -> None:
    with pytest.raises(TqcheckError, match="unknown rule selector 'TQ999'"):
        tqcheck.check("Text.", model=False, select=["TQ999"])
    with pytest.raises(TqcheckError, match="not a string"):
        tqcheck.check("Text.", model=False, select="TQ2")  # type: ignore[arg-type]
    with pytest.raises(TqcheckError, match="format must be"):
        tqcheck.check("Text.", model=False, format="docx")  # type: ignore[arg-type]


class FakeScorer:
    """Prefers "incident" to "accident"; the API must use it as given, not load a model."""

    name = "fake"
    qe_heads = None

    def score_texts(self, texts: Sequence[str]) -> list[TokenScores]:
        return [TokenScores(t, [(0, len(t))], [-1.0]) for t in texts]

    def score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]:
        gains = {"incident": 4.0}
        return [
            [CandidateScore(c, gains.get(c, 0.0), gains.get(c, 0.0)) for c in r.candidates] for r in requests
        ]

    def propose(self, left: str, right: str, count: int = 5) -> list[str]:
        return []


def test_a_loaded_scorer_is_used() -> None:
    text = "Troops exchanged fire on the border in an accident between the two sides.\n"
    result = tqcheck.check(text, model=FakeScorer(), select=["TQ301"])
    (finding,) = result.findings
    assert finding.best is not None and finding.best.replacement == "incident"
    assert "the border in an incident between" in tqcheck.fix(text, model=FakeScorer(), select=["TQ301"]).text
