"""The language model's ranking of suggestions and its verdict on fluency findings
(tqcheck/ranking.py), with a fake scorer whose gains each test chooses: no model is loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from tqcheck.context import CheckContext
from tqcheck.document import Document, load_text
from tqcheck.findings import (
    Applicability,
    Category,
    Evidence,
    Finding,
    Origin,
    Severity,
    Suggestion,
    Verdict,
)
from tqcheck.lm import CandidateRequest, CandidateScore, TokenScores
from tqcheck.ranking import REJECT_GAIN, Scored, judge, rank_with_model
from tqcheck.rules.lexicon import CONFIRMED, HEDGED, LiteralSense
from tqcheck.rules.model import SurprisingWording
from tqcheck.rules.repetition import RepeatedWord


class FakeScorer:
    """A Scorer whose gain for each candidate string is given; it records what it was asked."""

    name = "fake"

    def __init__(
        self,
        gains: dict[str, float] | None = None,
        mean_gains: dict[str, float] | None = None,
        proposals: Sequence[str] = (),
    ) -> None:
        self.gains = gains or {}
        self.mean_gains = mean_gains or {}
        self.proposals = list(proposals)
        self.requests: list[CandidateRequest] = []
        self.proposed_for: list[tuple[str, str]] = []

    def score_texts(self, texts: Sequence[str]) -> list[TokenScores]:
        raise AssertionError("ranking must not score whole texts")

    def score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]:
        self.requests.extend(requests)
        return [
            [
                CandidateScore(c, self.gains.get(c, 0.0), self.mean_gains.get(c, self.gains.get(c, 0.0)))
                for c in request.candidates
            ]
            for request in requests
        ]

    def propose(self, left: str, right: str, count: int = 5) -> list[str]:
        self.proposed_for.append((left, right))
        return list(self.proposals)


ACCIDENT = "Troops exchanged fire on the border in an accident between the two sides.\n"
# The English lexicon: "accident" → "incident" | "clash" (in this order), threshold 0.5.


def literal_sense(
    text: str, lang: str = "en", scorer: FakeScorer | None = None
) -> tuple[Document, list[Finding]]:
    doc = load_text(text, lang)
    ctx = CheckContext.for_document(doc, scorer=scorer)
    return doc, list(LiteralSense().check(doc, ctx))


def ranked(doc: Document, findings: list[Finding], scorer: FakeScorer) -> list[Finding]:
    return rank_with_model(doc, findings, scorer, CheckContext.for_document(doc, scorer=scorer))


def replacements(finding: Finding) -> list[str]:
    return [s.replacement for s in finding.suggestions]


def surprising(doc: Document, word: str, excess: float = 10.0) -> Finding:
    """A TQ304 finding on `word`, as the rule makes it (no suggestions: the model proposes them)."""
    start = doc.text.index(word)
    evidence = Evidence(surprisal=excess + 5, expected=5.0, excess=excess, threshold=8.0)
    return SurprisingWording().finding(
        doc, start, start + len(word), f"Unexpected wording: “{word}”.", evidence=evidence
    )


# ---- the verdict a user sees ---------------------------------------------------------------------


def test_without_a_model_the_finding_is_a_hedged_minor() -> None:
    _, (finding,) = literal_sense(ACCIDENT)
    assert finding.text == "accident"
    assert finding.severity == Severity.MINOR and finding.verdict is None
    assert finding.message.startswith(HEDGED)
    assert replacements(finding) == ["incident", "clash"]
    assert {s.applicability for s in finding.suggestions} == {Applicability.UNSAFE}


def test_a_clear_improvement_confirms_the_finding() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": 4.0, "clash": 1.0}))
    assert finding.verdict == Verdict.CONFIRMED
    assert finding.severity == Severity.MAJOR
    assert finding.message.startswith(CONFIRMED + " “accident”")
    assert not finding.message.startswith(HEDGED)
    assert finding.evidence.best_gain == 4.0
    assert replacements(finding) == ["incident", "clash"]


def test_no_clear_improvement_keeps_a_possible_minor() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": 0.5, "clash": 0.3}))
    assert finding.verdict == Verdict.POSSIBLE
    assert finding.severity == Severity.MINOR
    assert finding.message.startswith(HEDGED)
    assert replacements(finding) == ["incident", "clash"]


@pytest.mark.parametrize("best", [REJECT_GAIN, -3.0])
def test_clearly_better_current_text_withdraws_the_finding(best: float) -> None:
    doc, findings = literal_sense(ACCIDENT)
    assert ranked(doc, findings, FakeScorer({"incident": best - 1.0, "clash": best})) == []


def test_slightly_better_current_text_keeps_a_possible_finding() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": REJECT_GAIN + 0.5, "clash": -1.0}))
    assert finding.verdict == Verdict.POSSIBLE and finding.severity == Severity.MINOR


MODEL_ONLY = "Der Konzern hat im letzten Quartal aktuell mehr Gewinn gemacht als erwartet, nicht weniger.\n"
# The German lexicon: "aktuell" → "tatsächlich" only with a model (it is right as "currently"),
# threshold 2.0.


def test_a_model_only_entry_is_checked_only_with_a_model() -> None:
    assert literal_sense(MODEL_ONLY, "de")[1] == []
    _, (finding,) = literal_sense(MODEL_ONLY, "de", FakeScorer())
    assert finding.text == "aktuell" and finding.evidence.model_only


@pytest.mark.parametrize("gain", [-0.5, 0.8, 1.5])  # 1.5 would confirm an ordinary entry
def test_a_model_only_entry_not_confirmed_is_withdrawn(gain: float) -> None:
    scorer = FakeScorer({"tatsächlich": gain})
    doc, findings = literal_sense(MODEL_ONLY, "de", scorer)
    assert ranked(doc, findings, scorer) == []


def test_a_model_only_entry_confirmed_is_reported_major() -> None:
    scorer = FakeScorer({"tatsächlich": 2.5})
    doc, findings = literal_sense(MODEL_ONLY, "de", scorer)
    (finding,) = ranked(doc, findings, scorer)
    assert finding.verdict == Verdict.CONFIRMED and finding.severity == Severity.MAJOR
    assert replacements(finding) == ["tatsächlich"]


# ---- order and applicability of the suggestions ------------------------------------------------


def test_lexicon_alternatives_keep_the_lexicon_order_when_they_improve() -> None:
    # The model prefers "clash" by far; the lexicographer's order stands (fluent is not faithful).
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": 1.5, "clash": 5.0}))
    assert replacements(finding) == ["incident", "clash"]
    assert finding.evidence.best_gain == 5.0


def test_an_alternative_that_does_not_improve_goes_after_one_that_does() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": -1.0, "clash": 2.0}))
    assert replacements(finding) == ["clash", "incident"]
    assert finding.verdict == Verdict.CONFIRMED


def test_enough_gain_is_safe_and_little_gain_unsafe() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": 4.0, "clash": 1.0}))
    incident, clash = finding.suggestions
    assert (incident.gain, incident.applicability) == (4.0, Applicability.SAFE)
    assert (clash.gain, clash.applicability) == (1.0, Applicability.UNSAFE)
    assert incident.confidence > 0.7 > clash.confidence > 0.5
    assert {s.origin for s in finding.suggestions} == {Origin.LEXICON}
    assert [(s.start, s.end) for s in finding.suggestions] == [(finding.start, finding.end)] * 2


def test_a_worse_alternative_is_never_safe() -> None:
    doc, findings = literal_sense(ACCIDENT)
    (finding,) = ranked(doc, findings, FakeScorer({"incident": 3.0, "clash": -1.5}))
    assert finding.suggestions[1].replacement == "clash"
    assert finding.suggestions[1].confidence < 0.5
    assert finding.suggestions[1].applicability == Applicability.UNSAFE


def test_the_model_sees_the_span_in_its_sentence() -> None:
    scorer = FakeScorer({"incident": 4.0})
    doc, findings = literal_sense(ACCIDENT)
    ranked(doc, findings, scorer)
    (request,) = scorer.requests
    assert request.original == "accident"
    assert request.candidates == ("incident", "clash")
    assert request.left == "Troops exchanged fire on the border in an "
    assert request.right == " between the two sides."


# A candidate much shorter than the text it replaces ("clash" for "accident": 1.6 times) must also
# not lower the per-token mean gain, or it does not count as improving the text.


def test_a_short_candidate_that_lowers_the_mean_does_not_improve() -> None:
    doc, findings = literal_sense(ACCIDENT)
    scorer = FakeScorer({"incident": -1.0, "clash": 3.0}, mean_gains={"clash": -0.5})
    (finding,) = ranked(doc, findings, scorer)
    assert finding.verdict == Verdict.POSSIBLE and finding.severity == Severity.MINOR


@pytest.mark.xfail(strict=True, reason="bug: a candidate that does not improve the text is marked safe")
def test_a_candidate_that_does_not_improve_is_not_safe() -> None:
    doc, findings = literal_sense(ACCIDENT)
    scorer = FakeScorer({"incident": -1.0, "clash": 3.0}, mean_gains={"clash": -0.5})
    (finding,) = ranked(doc, findings, scorer)
    assert finding.best is not None and finding.best.replacement == "clash"
    assert finding.best.applicability != Applicability.SAFE  # `fix` would apply it unasked


@pytest.mark.xfail(
    strict=True, reason="bug: the verdict counts the gain of a candidate that does not improve"
)
def test_a_candidate_that_does_not_improve_does_not_confirm() -> None:
    doc, findings = literal_sense(ACCIDENT)
    scorer = FakeScorer({"incident": 0.5, "clash": 3.0}, mean_gains={"clash": -0.5})
    (finding,) = ranked(doc, findings, scorer)
    assert finding.verdict == Verdict.POSSIBLE


# ---- the model's own proposals -------------------------------------------------------------------

SURPRISE = "The minister said the talks would resume on Monday. The treaty was signed by the refrigerator of the delegation.\n"


def test_the_models_proposals_are_kept_only_where_they_improve_and_never_safe() -> None:
    doc = load_text(SURPRISE, "en")
    scorer = FakeScorer(
        {"president": 5.0, "head": 0.4, "banana": -3.0},
        proposals=["president", "Refrigerator", "head", "banana"],
    )
    (finding,) = ranked(doc, [surprising(doc, "refrigerator")], scorer)
    assert finding.rule == "TQ304"
    # The word itself is no proposal; "banana" makes the text worse and is dropped.
    assert replacements(finding) == ["president", "head"]
    assert {s.origin for s in finding.suggestions} == {Origin.MODEL}
    assert finding.suggestions[0].confidence > 0.9
    assert {s.applicability for s in finding.suggestions} == {Applicability.UNSAFE}
    # The model was asked with the words around the span.
    (left, right) = scorer.proposed_for[0]
    assert left.endswith("signed by the ") and right.startswith(" of the delegation.")


def test_no_improving_proposal_leaves_the_finding_without_suggestions() -> None:
    doc = load_text(SURPRISE, "en")
    scorer = FakeScorer({"banana": -3.0}, proposals=["banana"])
    (finding,) = ranked(doc, [surprising(doc, "refrigerator")], scorer)
    assert finding.suggestions == ()
    assert finding.verdict is None  # TQ304 is no fluency verdict: the finding stays as it was
    assert finding.severity == Severity.MINOR


def test_proposals_only_for_the_most_strongly_flagged_spans() -> None:
    text = "Alpha said bravo charlie delta echo foxtrot golf hotel india.\n"
    doc = load_text(text, "en")
    words = ["bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    findings = [surprising(doc, w, excess=9.0 + i) for i, w in enumerate(words)]  # "bravo" weakest
    scorer = FakeScorer({"juliet": 2.0}, proposals=["juliet"])
    out = {f.text: f for f in ranked(doc, findings, scorer)}
    assert len(out) == 6
    assert out["bravo"].suggestions == ()
    assert all(replacements(out[w]) == ["juliet"] for w in words[1:])


def test_a_model_finding_a_rule_explains_is_reported_once_by_the_rule() -> None:
    doc, findings = literal_sense(ACCIDENT)
    overlapped = surprising(doc, "accident")
    elsewhere = surprising(doc, "exchanged")
    scorer = FakeScorer({"incident": 4.0, "swapped": 1.0}, proposals=["swapped"])
    out = ranked(doc, [*findings, overlapped, elsewhere], scorer)
    assert sorted((f.rule, f.text) for f in out) == [("TQ301", "accident"), ("TQ304", "exchanged")]


# ---- what is not rescored, and what is not changed ---------------------------------------------


def test_a_deterministic_edit_is_not_rescored() -> None:
    text = "Troops exchanged fire on the the border in an accident between the two sides.\n"
    doc = load_text(text, "en")
    ctx = CheckContext.for_document(doc)
    (repeated,) = RepeatedWord().check(doc, ctx)
    (literal,) = LiteralSense().check(doc, ctx)
    scorer = FakeScorer({"incident": 4.0, "the": 9.0})
    out = ranked(doc, [repeated, literal], scorer)
    assert [r.original for r in scorer.requests] == ["accident"]
    assert out[0] == repeated  # the same finding: no gain, confidence or applicability from the model


def test_the_rules_findings_are_not_changed() -> None:
    doc, findings = literal_sense(ACCIDENT)
    tq304 = surprising(doc, "exchanged")
    before = [*findings, tq304]
    given = list(before)
    copies = [replace(f) for f in before]
    out = ranked(doc, given, FakeScorer({"incident": 4.0, "swapped": 2.0}, proposals=["swapped"]))
    assert given == before and all(a is b for a, b in zip(given, before, strict=True))
    assert before == copies
    assert findings[0].verdict is None and findings[0].severity == Severity.MINOR
    assert [s.gain for s in findings[0].suggestions] == [None, None]
    assert tq304.suggestions == ()
    assert out[0] is not findings[0] and out[0].verdict == Verdict.CONFIRMED


def test_no_finding_to_rank_asks_the_model_nothing() -> None:
    doc = load_text("The talks resume on Monday.\n", "en")
    scorer = FakeScorer()
    assert ranked(doc, [], scorer) == []
    assert scorer.requests == [] and scorer.proposed_for == []


# ---- judge ---------------------------------------------------------------------------------------


def _finding(threshold: float | None, origin: Origin = Origin.LEXICON, model_only: bool = False) -> Finding:
    suggestion = Suggestion("incident", 0, 8, 0.6, origin, Applicability.UNSAFE)
    return Finding(
        "TQ301",
        "literal-sense",
        Category.ACCURACY,
        Severity.MINOR,
        "Possibly a literal rendering",
        0,
        8,
        "accident",
        (suggestion,),
        evidence=Evidence(threshold=threshold, model_only=model_only),
    )


def _scored(finding: Finding, gain: float, improves: bool | None = None) -> list[Scored]:
    return [
        Scored(
            finding.suggestions[0],
            CandidateScore("incident", gain, gain),
            gain > 0 if improves is None else improves,
        )
    ]


@pytest.mark.parametrize(
    ("threshold", "gain", "verdict"),
    [
        (None, 1.0, Verdict.CONFIRMED),  # at least one nat, whatever the entry asks
        (0.0, 0.99, Verdict.POSSIBLE),
        (3.0, 2.5, Verdict.POSSIBLE),  # the entry's own threshold
        (3.0, 3.0, Verdict.CONFIRMED),
        (3.0, -1.0, Verdict.POSSIBLE),
        (3.0, -2.0, Verdict.REJECTED),
    ],
)
def test_judge_by_the_entrys_threshold(threshold: float | None, gain: float, verdict: Verdict) -> None:
    finding = _finding(threshold)
    assert judge(finding, gain, _scored(finding, gain)) == verdict


def test_judge_needs_the_first_candidate_to_improve() -> None:
    finding = _finding(0.0)
    assert judge(finding, 4.0, _scored(finding, 4.0, improves=False)) == Verdict.POSSIBLE


def test_judge_withdraws_only_a_lexicon_finding() -> None:
    # A rule's own edit is not judged worse than the text: the finding stays possible.
    finding = _finding(0.0, origin=Origin.RULE)
    assert judge(finding, -5.0, _scored(finding, -5.0)) == Verdict.POSSIBLE


def test_judge_model_only() -> None:
    finding = _finding(2.0, model_only=True)
    assert judge(finding, 1.5, _scored(finding, 1.5)) == Verdict.REJECTED
    assert judge(finding, 2.0, _scored(finding, 2.0)) == Verdict.CONFIRMED


# ---- split names put to the model (TQ201) --------------------------------------------------------

# A split place name the language data does not list (places.tsv), so only the model can join it.
SPLIT = "Storm hits Perak\n\nThe storm hit the town of Teluk. Intan on Friday, officials said.\n"
# A name reordered around its noun while the sentence goes on: the order is the model's to judge.
REORDERED = "Floods in Asia\n\nHeavy rain flooded the Tsuri region Kalo villages on Monday.\n"
# (text, the span put to the model, its best candidate and the runner-up)
MODEL_JUDGED = [
    (SPLIT, "Teluk. Intan", "Teluk Intan", "Teluk-Intan"),
    (REORDERED, "Tsuri region Kalo", "Tsuri-Kalo region", "Tsuri Kalo region"),
]


def split_entity(text: str, scorer: FakeScorer | None) -> tuple[Document, list[Finding]]:
    from tqcheck.rules.structure import SplitEntity

    doc = load_text(text, "en")
    return doc, list(SplitEntity().check(doc, CheckContext.for_document(doc, scorer=scorer)))


@pytest.mark.parametrize("text", [SPLIT, REORDERED])
def test_what_no_heuristic_explains_is_not_reported_without_a_model(text: str) -> None:
    _, findings = split_entity(text, None)
    assert findings == []


@pytest.mark.parametrize(("text", "span", "best", "second"), MODEL_JUDGED)
@pytest.mark.parametrize(("gain", "reported"), [(6.0, True), (1.5, False), (-3.0, False)])
def test_a_split_or_reordered_name_is_reported_when_the_model_joins_it(
    text: str, span: str, best: str, second: str, gain: float, reported: bool
) -> None:
    scorer = FakeScorer({best: gain, second: gain - 2})
    doc, findings = split_entity(text, scorer)
    (candidate,) = findings
    assert candidate.text == span and candidate.evidence.model_only
    judged = ranked(doc, findings, scorer)
    if reported:
        (finding,) = judged
        assert finding.verdict == Verdict.CONFIRMED and finding.severity == Severity.MAJOR
        assert replacements(finding)[0] == best
    else:
        assert judged == []


def test_function_words_and_sentence_openers_are_not_put_to_the_model() -> None:
    scorer = FakeScorer()
    _, findings = split_entity("Talks\n\nThey met Obama. The minister flew to Paris. Yes, he said.\n", scorer)
    assert findings == []
